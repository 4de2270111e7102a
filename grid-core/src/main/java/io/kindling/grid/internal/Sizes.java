package io.kindling.grid.internal;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Estimates how many bytes a value takes, as Dask's {@code sizeof}: exact enough for arrays,
 * strings and boxed numbers; collections are sampled (the first {@value #SAMPLE} elements,
 * scaled to the size); other objects count as {@value #UNKNOWN} bytes. Placement uses these
 * figures to send a task to the node holding most of its input.
 */
public final class Sizes {
    static final int SAMPLE = 64;
    static final long UNKNOWN = 64;
    private static final int MAX_DEPTH = 4;

    private Sizes() {
    }

    public static long of(Object value) {
        return of(value, 0);
    }

    private static long of(Object v, int depth) {
        if (v == null) {
            return 8;
        }
        if (v instanceof byte[] a) {
            return 16L + a.length;
        } else if (v instanceof double[] a) {
            return 16L + 8L * a.length;
        } else if (v instanceof long[] a) {
            return 16L + 8L * a.length;
        } else if (v instanceof int[] a) {
            return 16L + 4L * a.length;
        } else if (v instanceof float[] a) {
            return 16L + 4L * a.length;
        } else if (v instanceof char[] a) {
            return 16L + 2L * a.length;
        } else if (v instanceof short[] a) {
            return 16L + 2L * a.length;
        } else if (v instanceof boolean[] a) {
            return 16L + a.length;
        } else if (v instanceof String s) {
            return 40L + s.length();
        } else if (v instanceof Number || v instanceof Boolean || v instanceof Character) {
            return 16;
        } else if (depth >= MAX_DEPTH) {
            return UNKNOWN;
        } else if (v instanceof Object[] a) {
            return 16L + sample(java.util.Arrays.asList(a).iterator(), a.length, depth);
        } else if (v instanceof Collection<?> c) {
            return 40L + sample(c.iterator(), c.size(), depth);
        } else if (v instanceof Map<?, ?> m) {
            return 48L + sample(m.keySet().iterator(), m.size(), depth) + sample(m.values().iterator(), m.size(), depth);
        }
        return UNKNOWN;
    }

    private static long sample(Iterator<?> it, int size, int depth) {
        long total = 0;
        int seen = 0;
        while (seen < SAMPLE && it.hasNext()) {
            total += 4 + of(it.next(), depth + 1);
            seen++;
        }
        return seen == 0 ? 0 : total * size / seen;
    }
}
