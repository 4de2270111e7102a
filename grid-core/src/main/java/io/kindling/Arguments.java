package io.kindling;

import io.kindling.graph.Key;
import io.kindling.graph.Literal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the arguments of a {@code delayed} call into task arguments: every {@link Delayed} (also
 * inside Lists, Maps and object arrays) becomes its key, and is remembered as a parent; a
 * {@link Key} given as a value is wrapped in a {@link Literal} so it stays a value. Containers
 * without Delayed values inside are kept as they are.
 */
final class Arguments {
    private static final int LINEAR_LIMIT = 8;

    private final List<Delayed<?>> parents = new ArrayList<>(2);
    private Map<Delayed<?>, Boolean> seen;

    Object[] convertAll(Object[] raw) {
        for (int i = 0; i < raw.length; i++) {
            raw[i] = convert(raw[i]);
        }
        return raw;
    }

    Object convert(Object value) {
        if (value instanceof Delayed<?> d) {
            addParent(d);
            return d.key();
        } else if (value instanceof Key k) {
            return new Literal(k);
        } else if (value instanceof List<?> list) {
            if (!holdsDelayedOrKey(list)) {
                return list;
            }
            List<Object> out = new ArrayList<>(list.size());
            for (Object e : list) {
                out.add(convert(e));
            }
            return Collections.unmodifiableList(out);
        } else if (value instanceof Map<?, ?> map) {
            if (!holdsDelayedOrKey(map)) {
                return map;
            }
            Map<Object, Object> out = new LinkedHashMap<>(map.size() * 2);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(e.getKey(), convert(e.getValue()));
            }
            return Collections.unmodifiableMap(out);
        } else if (value instanceof Object[] array) {
            if (!holdsDelayedOrKey(array)) {
                return array;
            }
            Object[] out = array.clone();
            for (int i = 0; i < out.length; i++) {
                out[i] = convert(out[i]);
            }
            return out;
        }
        return value;
    }

    private static boolean holdsDelayedOrKey(Object value) {
        if (value instanceof Delayed<?> || value instanceof Key) {
            return true;
        } else if (value instanceof List<?> list) {
            for (Object e : list) {
                if (holdsDelayedOrKey(e)) {
                    return true;
                }
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Object e : map.values()) {
                if (holdsDelayedOrKey(e)) {
                    return true;
                }
            }
        } else if (value instanceof Object[] array) {
            for (Object e : array) {
                if (holdsDelayedOrKey(e)) {
                    return true;
                }
            }
        }
        return false;
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
