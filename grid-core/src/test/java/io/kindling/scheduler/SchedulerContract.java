package io.kindling.scheduler;

import io.kindling.Delayed;
import io.kindling.graph.Fn1;
import io.kindling.testing.Ops;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.kindling.Delayed.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every scheduler must do, whatever runs its tasks: each executor's test class extends this
 * one and says how to get its scheduler. Expectations that need tasks to run in this JVM (shared
 * counters) are skipped by schedulers whose tasks run elsewhere, through {@link #tasksRunInThisJvm()}.
 */
public abstract class SchedulerContract {
    /** Counts calls of {@link #counted}; only meaningful when tasks run in this JVM. */
    static final AtomicInteger CALLS = new AtomicInteger();

    /** The scheduler under test. */
    protected abstract Scheduler scheduler();

    /** Whether tasks run in this JVM, so that static state they touch is visible to the test. */
    protected boolean tasksRunInThisJvm() {
        return true;
    }

    /** The length of the deep-chain test; remote schedulers may use a shorter one. */
    protected int deepChainLength() {
        return 100_000;
    }

    public static int counted(int x) {
        CALLS.incrementAndGet();
        return x;
    }

    @Test
    void compute_tutorialGraph_is13() {
        Delayed<Integer> total = delayed(Ops::add, delayed(Ops::dec, 7), delayed(Ops::inc, 6));
        assertEquals(13, total.compute(scheduler()));
    }

    @Test
    void compute_everyArity() {
        assertEquals(42, delayed(Ops::answer).compute(scheduler()));
        assertEquals(2, delayed(Ops::inc, 1).compute(scheduler()));
        assertEquals(3, delayed(Ops::add, 1, delayed(Ops::inc, 1)).compute(scheduler()));
        assertEquals(6, delayed(Ops::add3, 1, 2, 3).compute(scheduler()));
        assertEquals(10, delayed(Ops::add4, 1, 2, 3, 4).compute(scheduler()));
        assertEquals(15, delayed(Ops::add5, 1, 2, 3, 4, delayed(Ops::inc, 4)).compute(scheduler()));
    }

    @Test
    void compute_delayedInsideCollections_receivesValues() {
        List<Object> xs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            xs.add(delayed(Ops::inc, i));
        }
        assertEquals(55, delayed(Ops::sum, xs).compute(scheduler()));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", delayed(Ops::inc, 1));
        m.put("b", 10);
        assertEquals(12, delayed(Ops::sumValues, m).compute(scheduler()));
        Object[] array = {delayed(Ops::inc, 1), 5};
        assertEquals(7, delayed(Ops::sumArray, (Object) array).compute(scheduler()));
        assertEquals(List.of(2, 3), Delayed.value(List.of(delayed(Ops::inc, 1), delayed(Ops::inc, 2)))
                .compute(scheduler()));
    }

    @Test
    void computeAll_sharedSubgraph_runsOnce() {
        Fn1<Integer, Integer> counted = SchedulerContract::counted;
        CALLS.set(0);
        Delayed<Integer> shared = delayed(counted, 5);
        Delayed<Integer> a = delayed(Ops::inc, shared);
        Delayed<Integer> b = delayed(Ops::dec, shared);
        assertEquals(List.of(6, 4, 5), Delayed.computeAll(scheduler(), a, b, shared));
        if (tasksRunInThisJvm()) {
            assertEquals(1, CALLS.get());
        }
    }

    @Test
    void compute_pureCallsTwice_oneTask() {
        Delayed<Integer> x = Delayed.pure().delayed(Ops::inc, 1);
        Delayed<Integer> y = Delayed.pure().delayed(Ops::inc, 1);
        assertEquals(x.key(), y.key());
        Delayed<Integer> sum = delayed(Ops::add, x, y);
        assertEquals(2, sum.graph().size());
        assertEquals(4, sum.compute(scheduler()));
    }

    @Test
    void compute_deepChain_noStackOverflow() {
        int n = deepChainLength();
        Delayed<Integer> x = delayed(Ops::inc, 0);
        for (int i = 1; i < n; i++) {
            x = delayed(Ops::inc, x);
        }
        assertEquals(n, x.compute(scheduler()));
    }

    @Test
    void compute_wideGraph_allResults() {
        List<Object> leaves = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            leaves.add(delayed(Ops::inc, i));
        }
        assertEquals(10_000 * 10_001 / 2, delayed(Ops::sum, leaves).compute(scheduler()));
    }

    @Test
    void compute_taskThrows_namesKeyAndCarriesCause() {
        Delayed<Integer> bad = delayed(Ops::fail, 3);
        Delayed<Integer> after = delayed(Ops::inc, bad);
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> after.compute(scheduler()));
        assertEquals(bad.key(), e.key());
        assertTrue(e.getMessage().contains(bad.key().toString()), e.getMessage());
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals("boom 3", e.getCause().getMessage());
    }

    @Test
    void compute_checkedException_isTheCause() {
        TaskFailedException e = assertThrows(TaskFailedException.class,
                () -> delayed(Ops::checked, 1).compute(scheduler()));
        assertInstanceOf(IOException.class, e.getCause());
    }

    @Test
    void compute_failure_dependentsNeverRun() {
        Fn1<Integer, Integer> counted = SchedulerContract::counted;
        CALLS.set(0);
        Delayed<Integer> after = delayed(counted, delayed(Ops::fail, 1));
        assertThrows(TaskFailedException.class, () -> after.compute(scheduler()));
        if (tasksRunInThisJvm()) {
            assertEquals(0, CALLS.get());
        }
    }

    @Test
    void compute_nullResult_isAValue() {
        Fn1<Integer, Integer> toNull = x -> null;
        assertNull(delayed(toNull, 1).compute(scheduler()));
        assertEquals(List.of(1), delayed(SchedulerContract::listOf, delayed(toNull, 1), 1).compute(scheduler()));
    }

    public static List<Integer> listOf(Integer a, Integer b) {
        List<Integer> out = new ArrayList<>();
        if (a != null) {
            out.add(a);
        }
        out.add(b);
        return out;
    }

    @Test
    void compute_sameValueTwice_sameResult() {
        Delayed<Integer> total = delayed(Ops::add, delayed(Ops::inc, 1), 10);
        assertEquals(total.compute(scheduler()), total.compute(scheduler()));
    }
}
