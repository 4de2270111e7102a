package io.kindling.graph.internal;

import io.kindling.graph.Key;
import io.kindling.graph.Literal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Turns user arguments into task arguments: every object that stands for another task's result
 * (a {@code Delayed}, a client {@code Future}) becomes that task's {@link Key}, also inside the
 * containers arguments are read through ({@link Containers}: lists, sets, maps' values, object
 * arrays); a {@link Key} given as a value is wrapped in a {@link Literal} so that it stays a value.
 * A container is rebuilt only when something in it is replaced.
 */
public final class References {
    private References() {
    }

    /**
     * {@code value} with references replaced: {@code keyOf} returns the key an object stands for,
     * or null if it is an ordinary value. {@code what} names the value in errors.
     *
     * @throws IllegalArgumentException if the value nests too deep or contains itself ({@link Containers#check})
     */
    public static Object replace(Object value, Function<Object, Key> keyOf, String what) {
        Containers.check(value, what);
        return replace(value, keyOf);
    }

    /** {@link #replace(Object, Function, String)} of a value already checked. */
    private static Object replace(Object value, Function<Object, Key> keyOf) {
        if (value == null) {
            return null;
        }
        if (value instanceof Key k) {
            return new Literal(k);
        }
        Key key = keyOf.apply(value);
        if (key != null) {
            return key;
        }
        if (!Containers.isContainer(value)) {
            return value;
        }
        List<Object> out = null;
        int i = 0;
        for (Object e : Containers.elements(value)) {
            Object r = replace(e, keyOf);
            if (r != e && out == null) {
                out = new ArrayList<>();
                int j = 0;
                for (Object before : Containers.elements(value)) {
                    if (j++ == i) {
                        break;
                    }
                    out.add(before);
                }
            }
            if (out != null) {
                out.add(r);
            }
            i++;
        }
        return out == null ? value : Containers.rebuild(value, out);
    }
}
