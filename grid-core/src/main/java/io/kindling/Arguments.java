package io.kindling;

import io.kindling.graph.Key;
import io.kindling.graph.internal.References;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the arguments of a {@code delayed} call into task arguments ({@link References}) and
 * remembers the {@link Delayed} values they read (also those a {@link DelayedSource} stands
 * for), each once.
 */
final class Arguments {
    private static final int LINEAR_LIMIT = 8;

    private final List<Delayed<?>> parents = new ArrayList<>(2);
    private Map<Delayed<?>, Boolean> seen;

    Object[] convertAll(Object[] raw) {
        for (int i = 0; i < raw.length; i++) {
            raw[i] = convert(raw[i], "argument " + (i + 1));
        }
        return raw;
    }

    Object convert(Object value, String what) {
        return References.replace(value, this::keyOf, what);
    }

    private Key keyOf(Object value) {
        Delayed<?> d = value instanceof Delayed<?> delayed ? delayed
                : value instanceof DelayedSource source ? source.toDelayed() : null;
        if (d != null) {
            addParent(d);
            return d.key();
        }
        return null;
    }

    private void addParent(Delayed<?> d) {
        if (seen != null) {
            if (seen.put(d, Boolean.TRUE) == null) {
                parents.add(d);
            }
            return;
        }
        for (Delayed<?> p : parents) {
            if (p == d) {
                return;
            }
        }
        parents.add(d);
        if (parents.size() > LINEAR_LIMIT) {
            seen = new IdentityHashMap<>();
            for (Delayed<?> p : parents) {
                seen.put(p, Boolean.TRUE);
            }
        }
    }

    /** What the converted arguments read: null, one Delayed, or an array of them. */
    Object parents() {
        if (parents.isEmpty()) {
            return null;
        }
        return parents.size() == 1 ? parents.get(0) : parents.toArray(new Delayed<?>[0]);
    }
}
