package io.kindling.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ready tasks of a {@link ClientState}, queued by where they want to run: per preferred node
 * (the one holding most of their inputs' bytes), free (no preference), constrained (they may run
 * only on some nodes: named ones, or ones with the resources they need; grouped by constraint),
 * and suspects (tasks under which nodes died, sent one per batch so that a task that kills nodes
 * takes no innocent task down with it again). Every queue is ordered by priority, highest first,
 * and by submission within a priority. Plain queues; the state decides what goes where.
 */
final class ReadyTasks {
    /** Tasks ordered by priority, then submission: a deque per priority, so that equal priorities cost a deque's O(1). */
    static final class Queue {
        private final TreeMap<Integer, ArrayDeque<KeyEntry>> levels = new TreeMap<>(Comparator.reverseOrder());
        private int size;

        void add(KeyEntry e) {
            levels.computeIfAbsent(e.priority, p -> new ArrayDeque<>()).add(e);
            size++;
        }

        KeyEntry poll() {
            var first = levels.firstEntry();
            if (first == null) {
                return null;
            }
            KeyEntry e = first.getValue().poll();
            if (first.getValue().isEmpty()) {
                levels.remove(first.getKey());
            }
            size--;
            return e;
        }

        /** The priority of the next task, or {@code Integer.MIN_VALUE} when empty. */
        int topPriority() {
            return levels.isEmpty() ? Integer.MIN_VALUE : levels.firstKey();
        }

        boolean remove(KeyEntry e) {
            ArrayDeque<KeyEntry> q = levels.get(e.priority);
            if (q == null || !q.remove(e)) {
                return false;
            }
            if (q.isEmpty()) {
                levels.remove(e.priority);
            }
            size--;
            return true;
        }

        int size() {
            return size;
        }

        boolean isEmpty() {
            return size == 0;
        }

        List<KeyEntry> all() {
            List<KeyEntry> out = new ArrayList<>(size);
            for (ArrayDeque<KeyEntry> q : levels.values()) {
                out.addAll(q);
            }
            return out;
        }
    }

    /** Tasks that may run only on some nodes, alike in that: the same nodes, the same resources. */
    static final class Constrained {
        final java.util.Set<String> workers;
        final Map<String, Double> resources;
        final Queue queue = new Queue();

        Constrained(java.util.Set<String> workers, Map<String, Double> resources) {
            this.workers = workers;
            this.resources = resources;
        }

        /** Whether a task of this group may run on {@code node}, which has {@code available} resources. */
        boolean allows(String node, Map<String, Double> available) {
            if (workers != null && !workers.contains(node)) {
                return false;
            }
            if (resources != null) {
                for (Map.Entry<String, Double> r : resources.entrySet()) {
                    if (available.getOrDefault(r.getKey(), 0.0) < r.getValue()) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    private final Map<String, Queue> preferred = new LinkedHashMap<>();
    private final Queue free = new Queue();
    private final ArrayDeque<KeyEntry> suspects = new ArrayDeque<>();
    private final Map<String, Constrained> constrained = new LinkedHashMap<>();
    private int size;

    int size() {
        return size;
    }

    static boolean isConstrained(KeyEntry e) {
        return (e.workers != null && !e.allowOtherWorkers) || e.resources != null;
    }

    void add(KeyEntry e) {
        if (e.solo) {
            suspects.add(e);
        } else if (isConstrained(e)) {
            constrained.computeIfAbsent(constraintOf(e), k -> new Constrained(e.workers, e.resources)).queue.add(e);
        } else if (e.preferredNode == null) {
            free.add(e);
        } else {
            preferred.computeIfAbsent(e.preferredNode, n -> new Queue()).add(e);
        }
        size++;
    }

    private static String constraintOf(KeyEntry e) {
        return (e.workers == null || e.allowOtherWorkers ? "*" : new java.util.TreeSet<>(e.workers).toString())
                + (e.resources == null ? "" : new TreeMap<>(e.resources).toString());
    }

    /** Takes {@code e} out of its queue if it is queued. */
    void remove(KeyEntry e) {
        boolean removed;
        if (e.solo) {
            removed = suspects.remove(e);
        } else if (isConstrained(e)) {
            Constrained c = constrained.get(constraintOf(e));
            removed = c != null && c.queue.remove(e);
        } else {
            Queue q = e.preferredNode == null ? free : preferred.get(e.preferredNode);
            removed = q != null && q.remove(e);
        }
        if (removed) {
            size--;
        }
    }

    /** Tasks preferring a node that is not in {@code nodes} lose their preference. */
    void adoptOrphans(List<String> nodes) {
        for (var it = preferred.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            if (!nodes.contains(entry.getKey())) {
                for (KeyEntry e : entry.getValue().all()) {
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

    Queue preferring(String node) {
        return preferred.get(node);
    }

    Queue free() {
        return free;
    }

    Collection<Constrained> constrained() {
        return constrained.values();
    }

    /** Counts {@code n} tasks taken out of the queues directly. */
    void taken(int n) {
        size -= n;
    }

    /** Every queued task. */
    List<KeyEntry> all() {
        List<KeyEntry> out = new ArrayList<>(suspects);
        out.addAll(free.all());
        for (Queue q : preferred.values()) {
            out.addAll(q.all());
        }
        for (Constrained c : constrained.values()) {
            out.addAll(c.queue.all());
        }
        return out;
    }

    void clear() {
        preferred.clear();
        free.levels.clear();
        free.size = 0;
        suspects.clear();
        constrained.clear();
        size = 0;
    }
}
