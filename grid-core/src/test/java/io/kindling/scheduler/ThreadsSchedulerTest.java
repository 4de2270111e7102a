package io.kindling.scheduler;

import io.kindling.Delayed;
import io.kindling.graph.Fn1;
import io.kindling.testing.Ops;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.kindling.Delayed.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreadsSchedulerTest extends SchedulerContract {
    private static final Scheduler FOUR = Scheduler.threads(4);

    @Override
    protected Scheduler scheduler() {
        return FOUR;
    }

    private static List<String> poolThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("kindling-threads-") && t.isAlive()) {
                names.add(t.getName());
            }
        }
        return names;
    }

    static final CountDownLatch BOTH_RUNNING = new CountDownLatch(2);

    public static String meetOther(int x) throws InterruptedException {
        BOTH_RUNNING.countDown();
        if (!BOTH_RUNNING.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the other task never ran at the same time");
        }
        return Thread.currentThread().getName();
    }

    @Test
    void compute_tasksRunConcurrentlyOnPoolThreads() {
        Delayed<String> a = delayed(ThreadsSchedulerTest::meetOther, 1);
        Delayed<String> b = delayed(ThreadsSchedulerTest::meetOther, 2);
        List<Object> names = Delayed.computeAll(Scheduler.threads(2), a, b);
        assertTrue(names.get(0).toString().startsWith("kindling-threads-"), names.toString());
        assertTrue(!names.get(0).equals(names.get(1)), "two threads: " + names);
    }

    @Test
    void compute_afterReturnOrFailure_noThreadLeft() {
        delayed(Ops::inc, 1).compute(FOUR);
        assertEquals(List.of(), poolThreads());
        assertThrows(TaskFailedException.class, () -> delayed(Ops::fail, 1).compute(FOUR));
        assertEquals(List.of(), poolThreads());
    }

    @Test
    void compute_failure_stopsStartingTasks() {
        Fn1<Integer, Integer> counted = SchedulerContract::counted;
        CALLS.set(0);
        List<Delayed<?>> all = new ArrayList<>();
        all.add(delayed(Ops::fail, 0));
        for (int i = 0; i < 5000; i++) {
            all.add(delayed(counted, i));
        }
        assertThrows(TaskFailedException.class, () -> Delayed.computeAll(FOUR, all.toArray(new Delayed<?>[0])));
        assertTrue(CALLS.get() < 5000, "tasks kept starting after the failure: " + CALLS.get());
        assertEquals(List.of(), poolThreads());
    }
}
