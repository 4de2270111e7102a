package io.kindling;

import io.kindling.graph.Key;
import io.kindling.scheduler.Scheduler;
import io.kindling.testing.Ops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.kindling.Delayed.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DelayedTest {
    @Test
    void key_namedAfterFunction_uniquePerCall() {
        Delayed<Integer> a = delayed(Ops::inc, 1);
        Delayed<Integer> b = delayed(Ops::inc, 1);
        assertEquals("inc", a.key().name());
        assertTrue(a.key().toString().matches("inc-[0-9a-f]{32}"), a.key().toString());
        assertNotEquals(a.key(), b.key());
    }

    @Test
    void pure_sameCall_sameKey_differentArgs_differentKey() {
        assertEquals(Delayed.pure().delayed(Ops::add, 1, 2).key(), Delayed.pure().delayed(Ops::add, 1, 2).key());
        assertNotEquals(Delayed.pure().delayed(Ops::add, 1, 2).key(), Delayed.pure().delayed(Ops::add, 2, 1).key());
        Delayed<Integer> x = delayed(Ops::inc, 1);
        assertEquals(Delayed.pure().delayed(Ops::inc, x).key(), Delayed.pure().delayed(Ops::inc, x).key());
        assertNotEquals(Delayed.pure().delayed(Ops::inc, x).key(),
                Delayed.pure().delayed(Ops::inc, delayed(Ops::inc, 1)).key());
    }

    @Test
    void keyAndName_options() {
        assertEquals(Key.of("total"), Delayed.key("total").delayed(Ops::inc, 1).key());
        assertEquals("step", Delayed.name("step").delayed(Ops::inc, 1).key().name());
        assertThrows(NullPointerException.class, () -> delayed((io.kindling.graph.Fn1<Integer, Integer>) null, 1));
    }

    @Test
    void value_isPureByContent() {
        assertEquals(Delayed.value(List.of(1, 2)).key(), Delayed.value(List.of(1, 2)).key());
        assertEquals(List.of(1, 2), Delayed.value(List.of(1, 2)).compute(Scheduler.SYNC));
    }

    @Test
    void keyAsArgument_isPassedAsValue() {
        Key k = Key.of("just-text");
        assertEquals(k, delayed(DelayedTest::identity, k).compute(Scheduler.SYNC));
    }

    public static Object identity(Object x) {
        return x;
    }

    @Test
    void graph_holdsEveryTaskOnce() {
        Delayed<Integer> shared = delayed(Ops::inc, 1);
        Delayed<Integer> top = delayed(Ops::add, delayed(Ops::inc, shared), delayed(Ops::dec, shared));
        assertEquals(4, top.graph().size());
        assertEquals(2, top.dependencies().size());
    }

    @Test
    void visualize_writesDot(@TempDir Path dir) throws Exception {
        Delayed<Integer> total = delayed(Ops::add, delayed(Ops::dec, 7), delayed(Ops::inc, 6));
        Path written = total.visualize(dir.resolve("total.dot"));
        String dot = Files.readString(dir.resolve("total.dot"));
        assertTrue(dot.startsWith("digraph"), dot);
        assertTrue(dot.contains("label=\"add\""), dot);
        assertTrue(Files.exists(written));
    }
}
