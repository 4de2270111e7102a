package io.kindling.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ready tasks of a {@link ClientState}, queued by where they want to run: per preferred node
 * (the one holding most of their inputs' bytes), free (no preference), and suspects (tasks under
 * which nodes died, sent one per batch so that a task that kills nodes takes no innocent task
 * down with it again). Plain queues; the state decides what goes where ({@link KeyEntry#solo}).
 */
final class ReadyTasks {
    private final Map<String, ArrayDeque<KeyEntry>> preferred = new LinkedHashMap<>();
    private final ArrayDeque<KeyEntry> free = new ArrayDeque<>();
    private final ArrayDeque<KeyEntry> suspects = new ArrayDeque<>();
    private int size;

    int size() {
        return size;
    }

    void add(KeyEntry e) {
        if (e.solo) {
            suspects.add(e);
        } else if (e.preferredNode == null) {
            free.add(e);
        } else {
            preferred.computeIfAbsent(e.preferredNode, n -> new ArrayDeque<>()).add(e);
        }
        size++;
    }

    /** Takes {@code e} out of its queue if it is queued. */
    void remove(KeyEntry e) {
        ArrayDeque<KeyEntry> q = e.solo ? suspects
                : e.preferredNode == null ? free : preferred.get(e.preferredNode);
        if (q != null && q.remove(e)) {
            size--;
        }
    }

    /** Tasks preferring a node that is not in {@code nodes} lose their preference. */
    void adoptOrphans(List<String> nodes) {
        for (var it = preferred.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            if (!nodes.contains(entry.getKey())) {
                for (KeyEntry e : entry.getValue()) {
                    e.preferredNode = null;
                    free.add(e);
                }
                it.remove();
            }
        }
    }

    ArrayDeque<KeyEntry> suspects() {
        return suspects;
    }

    ArrayDeque<KeyEntry> preferring(String node) {
        return preferred.get(node);
    }

    ArrayDeque<KeyEntry> free() {
        return free;
    }

    /** Counts {@code n} tasks taken out of the queues directly. */
    void taken(int n) {
        size -= n;
    }

    /** Every queued task. */
    List<KeyEntry> all() {
        List<KeyEntry> out = new ArrayList<>(suspects);
        out.addAll(free);
        for (ArrayDeque<KeyEntry> q : preferred.values()) {
            out.addAll(q);
        }
        return out;
    }

    void clear() {
        preferred.clear();
        free.clear();
        suspects.clear();
        size = 0;
    }
}
