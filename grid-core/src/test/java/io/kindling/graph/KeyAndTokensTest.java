package io.kindling.graph;

import io.kindling.testing.Ops;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class KeyAndTokensTest {
    @Test
    void key_text_roundTrips() {
        Key k = Key.of("inc", 0x0123456789abcdefL);
        assertEquals("inc-0123456789abcdef", k.toString());
        assertEquals(k, Key.of(k.toString()));
        assertEquals(Key.of("x-y"), Key.of("x-y"));
        assertEquals("x-y", Key.of("x-y").toString());
        Key negative = Key.of("add", -5L);
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
        assertEquals(Tokens.pure(add, new Object[] {1, 2}), Tokens.pure(add2, new Object[] {1, 2}));
        assertNotEquals(Tokens.pure(add, new Object[] {1, 2}), Tokens.pure(add, new Object[] {2, 1}));
        assertNotEquals(Tokens.pure(add, new Object[] {1, 2}), Tokens.pure(add, new Object[] {1L, 2}));
        assertEquals(Tokens.pure(add, new Object[] {List.of(1, 2), 3}), Tokens.pure(add, new Object[] {List.of(1, 2), 3}));
    }

    @Test
    void pure_capturedValues_partOfToken() {
        assertNotEquals(Tokens.pure(adder(1), new Object[] {5}), Tokens.pure(adder(2), new Object[] {5}));
        assertEquals(Tokens.pure(adder(1), new Object[] {5}), Tokens.pure(adder(1), new Object[] {5}));
    }

    private static Fn1<Integer, Integer> adder(int n) {
        return x -> x + n;
    }

    @Test
    void pure_unserializableArgument_uniqueToken() {
        Fn1<Object, Object> id = x -> x;
        Object thing = new Object();
        assertNotEquals(Tokens.pure(id, new Object[] {thing}), Tokens.pure(id, new Object[] {thing}));
    }

    @Test
    void unique_neverRepeats() {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            assertEquals(true, seen.add(Tokens.unique()));
        }
    }
}
