package io.kindling.graph;

import io.kindling.graph.internal.Tokens;

import io.kindling.testing.Ops;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class KeyAndTokensTest {
    @Test
    void key_text_roundTrips() {
        Key k = Key.of("inc", 0x0123456789abcdefL, 0xfedcba9876543210L);
        assertEquals("inc-0123456789abcdeffedcba9876543210", k.toString());
        assertEquals(k, Key.of(k.toString()));
        assertEquals(0x0123456789abcdefL, Key.of(k.toString()).tokenHigh());
        // 16 hex digits are not a token: such text is a plain key, printed as given.
        assertEquals(false, Key.of("inc-0123456789abcdef").hasToken());
        assertEquals("inc-0123456789abcdef", Key.of("inc-0123456789abcdef").toString());
        assertEquals(Key.of("x-y"), Key.of("x-y"));
        assertEquals("x-y", Key.of("x-y").toString());
        Key negative = Key.of("add", -5L, -6L);
        assertEquals(negative, Key.of(negative.toString()));
    }

    @Test
    void key_empty_rejected() {
        assertThrows(IllegalArgumentException.class, () -> Key.of(""));
    }

    @Test
    void functionName_methodReference_isMethodName() {
        Fn1<Integer, Integer> inc = Ops::inc;
        Fn1<Integer, Integer> lambda = x -> x + 1;
        assertEquals("inc", Tokens.functionName(inc));
        assertEquals("lambda", Tokens.functionName(lambda));
    }

    @Test
    void pure_sameCall_sameToken() {
        Fn2<Integer, Integer, Integer> add = Ops::add;
        Fn2<Integer, Integer, Integer> add2 = Ops::add;
        assertEquals(Tokens.pure("f", add, new Object[] {1, 2}), Tokens.pure("f", add2, new Object[] {1, 2}));
        assertNotEquals(Tokens.pure("f", add, new Object[] {1, 2}), Tokens.pure("f", add, new Object[] {2, 1}));
        assertNotEquals(Tokens.pure("f", add, new Object[] {1, 2}), Tokens.pure("f", add, new Object[] {1L, 2}));
        assertEquals(Tokens.pure("f", add, new Object[] {List.of(1, 2), 3}), Tokens.pure("f", add, new Object[] {List.of(1, 2), 3}));
    }

    @Test
    void pure_capturedValues_partOfToken() {
        assertNotEquals(Tokens.pure("f", adder(1), new Object[] {5}), Tokens.pure("f", adder(2), new Object[] {5}));
        assertEquals(Tokens.pure("f", adder(1), new Object[] {5}), Tokens.pure("f", adder(1), new Object[] {5}));
    }

    private static Fn1<Integer, Integer> adder(int n) {
        return x -> x + n;
    }

    @Test
    void pure_unserializableArgument_uniqueToken() {
        Fn1<Object, Object> id = x -> x;
        Object thing = new Object();
        assertNotEquals(Tokens.pure("f", id, new Object[] {thing}), Tokens.pure("f", id, new Object[] {thing}));
    }

    @Test
    void unique_neverRepeats() {
        java.util.Set<Key> seen = new java.util.HashSet<>();
        java.util.Set<Long> lows = new java.util.HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            Key k = Tokens.unique("k");
            assertEquals(true, seen.add(k));
            assertEquals(true, lows.add(k.tokenLow()), "the lower half varies too");
        }
    }

    @Test
    void ofValue_tokenHas128BitsThatBothVary() {
        java.util.Set<Long> highs = new java.util.HashSet<>();
        java.util.Set<Long> lows = new java.util.HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            Key k = Tokens.ofValue("integer", i);
            highs.add(k.tokenHigh());
            lows.add(k.tokenLow());
            assertEquals(Key.TOKEN_DIGITS, k.toString().length() - "integer-".length());
        }
        assertEquals(100_000, highs.size());
        assertEquals(100_000, lows.size());
        assertEquals(Tokens.ofValue("v", new double[] {1, 2}), Tokens.ofValue("v", new double[] {1, 2}));
        assertNotEquals(Tokens.ofValue("v", new double[] {1, 2}), Tokens.ofValue("v", new double[] {2, 1}));
    }

    @Test
    void ofValue_largeArraysHashedInChunks_everyElementCounts() {
        int n = 3 * (1 << 20) + 5;   // three whole chunks and a short one
        double[] a = new double[n];
        java.util.Arrays.setAll(a, i -> i * 0.5);
        Key k = Tokens.ofValue("v", a);
        assertEquals(k, Tokens.ofValue("v", a.clone()), "the same content, the same token, each time");
        for (int i : new int[] {0, (1 << 20) - 1, 1 << 20, 2 * (1 << 20) + 7, n - 1}) {
            double[] b = a.clone();
            b[i] += 1;
            assertNotEquals(k, Tokens.ofValue("v", b), "element " + i + " changed");
        }
        double[] swapped = a.clone();
        swapped[0] = a[1 << 20];
        swapped[1 << 20] = a[0];
        assertNotEquals(k, Tokens.ofValue("v", swapped), "the first elements of two chunks swapped");
        assertNotEquals(k, Tokens.ofValue("v", java.util.Arrays.copyOf(a, n + 1)), "one element more (a zero)");
        long[] bits = new long[n];
        java.util.Arrays.setAll(bits, i -> Double.doubleToLongBits(a[i]));
        assertNotEquals(k, Tokens.ofValue("v", bits), "a long[] of the same bits");
        assertEquals(Tokens.ofValue("v", bits), Tokens.ofValue("v", bits.clone()));
    }

    @Test
    void ofValue_setsHashAlikeInAnyOrder() {
        java.util.Set<Integer> forward = new java.util.LinkedHashSet<>(List.of(1, 2, 3));
        java.util.Set<Integer> backward = new java.util.LinkedHashSet<>(List.of(3, 2, 1));
        assertEquals(Tokens.ofValue("s", forward), Tokens.ofValue("s", backward));
        assertNotEquals(Tokens.ofValue("s", forward), Tokens.ofValue("s", java.util.Set.of(1, 2, 4)));
    }
}
