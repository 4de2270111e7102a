package io.kindling.scheduler;

import io.kindling.Delayed;
import io.kindling.graph.Fn1;
import io.kindling.testing.Ops;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.kindling.Delayed.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SyncSchedulerTest extends SchedulerContract {
    @Override
    protected Scheduler scheduler() {
        return Scheduler.SYNC;
    }

    @Test
    void compute_runsOnCallingThread() {
        Fn1<Integer, String> threadName = x -> Thread.currentThread().getName();
        assertEquals(Thread.currentThread().getName(), delayed(threadName, 1).compute(Scheduler.SYNC));
    }

    @Test
    void compute_failure_laterTasksNotStarted() {
        Fn1<Integer, Integer> counted = SchedulerContract::counted;
        CALLS.set(0);
        List<Delayed<?>> all = new ArrayList<>();
        all.add(delayed(Ops::fail, 0));
        for (int i = 0; i < 1000; i++) {
            all.add(delayed(counted, i));
        }
        assertThrows(TaskFailedException.class, () -> Delayed.computeAll(Scheduler.SYNC, all.toArray(new Delayed<?>[0])));
        assertEquals(0, CALLS.get());
    }
}
