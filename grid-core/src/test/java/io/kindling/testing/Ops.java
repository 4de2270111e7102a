package io.kindling.testing;

import java.util.List;
import java.util.Map;

/** Small functions for tests: each a static method, the usual shape of a Kindling task. */
public final class Ops {
    private Ops() {
    }

    public static int inc(int x) {
        return x + 1;
    }

    public static int dec(int x) {
        return x - 1;
    }

    public static int add(int x, int y) {
        return x + y;
    }

    public static int add3(int x, int y, int z) {
        return x + y + z;
    }

    public static int add4(int a, int b, int c, int d) {
        return a + b + c + d;
    }

    public static int add5(int a, int b, int c, int d, int e) {
        return a + b + c + d + e;
    }

    public static int answer() {
        return 42;
    }

    public static int sum(List<Integer> xs) {
        int total = 0;
        for (int x : xs) {
            total += x;
        }
        return total;
    }

    public static int sumValues(Map<String, Integer> m) {
        int total = 0;
        for (int x : m.values()) {
            total += x;
        }
        return total;
    }

    public static int sumArray(Object[] xs) {
        int total = 0;
        for (Object x : xs) {
            total += (Integer) x;
        }
        return total;
    }

    public static int fail(int x) {
        throw new IllegalStateException("boom " + x);
    }

    public static int checked(int x) throws Exception {
        throw new java.io.IOException("disk on fire " + x);
    }
}
