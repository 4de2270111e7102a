package io.kindling.graph.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The containers through which a task's arguments are read, as Dask reads lists, tuples, sets
 * and dict values: {@link List}, {@link Set}, {@link Map} (its values) and object arrays, nested
 * to any depth up to {@value #MAX_DEPTH}. A reference to another task's result inside one is
 * replaced by that result, and the container is handed to the function as a new container of the
 * same kind (a sorted set keeps its comparator; other sets and maps keep their order).
 *
 * <p>Why a bound: values travel to the nodes by serialization, which recurses over nesting, so a
 * structure nested tens of thousands deep cannot travel at all; and a container that holds itself
 * cannot be read. Both are refused at the call that made the task, with what to change.
 */
public final class Containers {
    /** The deepest nesting of containers an argument may have. */
    public static final int MAX_DEPTH = 100;

    private Containers() {
    }

    /** Whether arguments are read through {@code value}. */
    public static boolean isContainer(Object value) {
        return value instanceof List<?> || value instanceof Set<?> || value instanceof Map<?, ?>
                || value instanceof Object[];
    }

    /**
     * Checks that {@code value} (described as {@code what} in the error) nests containers at most
     * {@value #MAX_DEPTH} deep and holds none inside itself.
     *
     * @throws IllegalArgumentException naming {@code what} otherwise
     */
    public static void check(Object value, String what) {
        if (isContainer(value)) {
            check(value, what, 1, new IdentityHashMap<>());
        }
    }

    private static void check(Object container, String what, int depth, IdentityHashMap<Object, Boolean> path) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException(what + " nests containers (lists, sets, maps, arrays) more than "
                    + MAX_DEPTH + " deep, which cannot travel to the cluster: flatten it, or pass it as one value "
                    + "of a class of your own");
        }
        if (path.put(container, Boolean.TRUE) != null) {
            throw new IllegalArgumentException(what + " holds a " + kind(container) + " that contains itself: a task's "
                    + "arguments are read through lists, sets, maps and arrays, so they must not contain themselves");
        }
        for (Object e : elements(container)) {
            if (isContainer(e)) {
                check(e, what, depth + 1, path);
            }
        }
        path.remove(container);
    }

    private static String kind(Object container) {
        return container instanceof List<?> ? "list" : container instanceof Set<?> ? "set"
                : container instanceof Map<?, ?> ? "map" : "array";
    }

    /** The elements of a container as arguments are read from it: a list's, set's or array's elements, a map's values. */
    public static Iterable<?> elements(Object container) {
        if (container instanceof Map<?, ?> map) {
            return map.values();
        }
        if (container instanceof Object[] array) {
            return java.util.Arrays.asList(array);
        }
        return (Iterable<?>) container;
    }

    /**
     * A container of the same kind as {@code original} whose elements (values, for a map) are
     * {@code elements}, in the order of {@link #elements}; unmodifiable where the kind allows.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Object rebuild(Object original, List<Object> elements) {
        if (original instanceof List<?>) {
            return Collections.unmodifiableList(new ArrayList<>(elements));
        }
        if (original instanceof SortedSet<?> sorted) {
            TreeSet out = new TreeSet(sorted.comparator());
            out.addAll(elements);
            return Collections.unmodifiableSortedSet(out);
        }
        if (original instanceof Set<?>) {
            return Collections.unmodifiableSet(new LinkedHashSet<>(elements));
        }
        if (original instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>(map.size() * 2);
            int i = 0;
            for (Object k : map.keySet()) {
                out.put(k, elements.get(i++));
            }
            return Collections.unmodifiableMap(out);
        }
        Object[] array = (Object[]) original;
        Object[] out = (Object[]) java.lang.reflect.Array.newInstance(array.getClass().getComponentType(), array.length);
        for (int i = 0; i < out.length; i++) {
            out[i] = elements.get(i);
        }
        return out;
    }
}
