package io.kindling.client;

import io.kindling.graph.Key;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The client's last state changes, for {@link Client#story}: a ring of at most
 * {@code kindling.transition.log.length} (100,000, Dask's {@code transition-log-length}) steps,
 * held in parallel arrays so that noting one allocates nothing (a million-task map makes four
 * million). Guarded by the client's lock, as the state that writes it.
 */
final class TransitionLog {
    private static final KeyEntry.State[] STATES = KeyEntry.State.values();

    private final Key[] keys;
    private final byte[] from;
    private final byte[] to;
    private final String[] why;
    private final String[] nodes;
    private final long[] millis;
    private long written;

    TransitionLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a transition log holds at least one step, not " + capacity);
        }
        keys = new Key[capacity];
        from = new byte[capacity];
        to = new byte[capacity];
        why = new String[capacity];
        nodes = new String[capacity];
        millis = new long[capacity];
    }

    static TransitionLog fromSystemProperty() {
        return new TransitionLog(Integer.getInteger("kindling.transition.log.length", 100_000));
    }

    /** Notes that {@code key} went from {@code f} to {@code t}, because of {@code reason} (a constant). */
    void note(Key key, KeyEntry.State f, KeyEntry.State t, String reason, String node) {
        int i = (int) (written % keys.length);
        keys[i] = key;
        from[i] = (byte) f.ordinal();
        to[i] = (byte) t.ordinal();
        why[i] = reason;
        nodes[i] = node;
        millis[i] = System.currentTimeMillis();
        written++;
    }

    /** The steps of {@code wanted} still in the log, oldest first. */
    List<Transition> story(Set<Key> wanted) {
        List<Transition> out = new ArrayList<>();
        long first = Math.max(0, written - keys.length);
        for (long n = first; n < written; n++) {
            int i = (int) (n % keys.length);
            if (wanted.contains(keys[i])) {
                out.add(new Transition(keys[i], name(from[i]), name(to[i]), why[i], nodes[i],
                        Instant.ofEpochMilli(millis[i])));
            }
        }
        return out;
    }

    private static String name(byte state) {
        return STATES[state].name().toLowerCase(Locale.ROOT);
    }
}
