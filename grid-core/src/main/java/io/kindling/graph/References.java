package io.kindling.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns user arguments into task arguments: every object that stands for another task's result
 * (a {@code Delayed}, a client {@code Future}) becomes that task's {@link Key}, also inside Lists,
 * Maps (values) and object arrays at any depth; a {@link Key} given as a value is wrapped in a
 * {@link Literal} so that it stays a value. A container is rebuilt only when something in it is
 * replaced.
 */
public final class References {
    private References() {
    }

    /**
     * {@code value} with references replaced: {@code keyOf} returns the key an object stands for,
     * or null if it is an ordinary value.
     */
    public static Object replace(Object value, Function<Object, Key> keyOf) {
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
        if (value instanceof List<?> list) {
            List<Object> out = null;
            for (int i = 0; i < list.size(); i++) {
                Object e = list.get(i);
                Object r = replace(e, keyOf);
                if (r != e && out == null) {
                    out = new ArrayList<>(list.subList(0, i));
                }
                if (out != null) {
                    out.add(r);
                }
            }
            return out == null ? list : Collections.unmodifiableList(out);
        } else if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = null;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Object r = replace(e.getValue(), keyOf);
                if (r != e.getValue() && out == null) {
                    out = new LinkedHashMap<>(map);
                }
                if (out != null) {
                    out.put(e.getKey(), r);
                }
            }
            return out == null ? map : Collections.unmodifiableMap(out);
        } else if (value instanceof Object[] array) {
            Object[] out = null;
            for (int i = 0; i < array.length; i++) {
                Object r = replace(array[i], keyOf);
                if (r != array[i] && out == null) {
                    out = array.clone();
                }
                if (out != null) {
                    out[i] = r;
                }
            }
            return out == null ? array : out;
        }
        return value;
    }
}
