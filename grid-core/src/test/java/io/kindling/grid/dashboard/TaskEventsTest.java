package io.kindling.grid.dashboard;

import io.kindling.grid.internal.TaskEvents;

import io.kindling.graph.Fn1;
import io.kindling.graph.Key;
import io.kindling.graph.Task;
import io.kindling.testing.Ops;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TaskEvents}: what one node records of the tasks it runs, and what that costs. */
class TaskEventsTest {
    private static final Fn1<Integer, Integer> INC = Ops::inc;
    private static final Fn1<Integer, Integer> DEC = Ops::dec;

    private static Task task(Fn1<Integer, Integer> fn, int i) {
        return Task.of(Key.of("k", i), fn, i);
    }

    @Test
    void finishedSince_returnsFinishedTasksOldestFirst_withFunctionNodeThreadAndInputs() {
        TaskEvents events = new TaskEvents("node-a");
        TaskEvents.Recorder r = events.recorder();
        long now = System.currentTimeMillis();
        Key[] inputs = {Key.of("x", 1)};
        r.started(task(INC, 1), now);
        r.finished(inputs, 2_000_000, true);
        r.started(task(DEC, 2), now + 5);
        r.finished(null, 1_000_000, false);

        List<TaskEvent> got = events.finishedSince(0, 100, true);
        assertEquals(2, got.size());
        TaskEvent first = got.get(0);
        assertEquals(Key.of("k", 1), first.key());
        assertEquals("inc", first.function());
        assertEquals("node-a", first.node());
        assertEquals(Thread.currentThread().getName(), first.thread());
        assertEquals(now, first.startMillis());
        assertEquals(now + 2.0, first.stopMillis(), 1e-9);
        assertTrue(first.ok());
        assertEquals(List.of(Key.of("x", 1)), first.inputs());
        assertEquals("dec", got.get(1).function());
        assertFalse(got.get(1).ok());
        assertEquals(List.of(), got.get(1).inputs());
        assertEquals("node-a/0", TaskEvents.id(first));
    }

    @Test
    void finishedSince_keepsOnlyStopsAtOrAfterSince_andTheNewestLimit() {
        TaskEvents events = new TaskEvents("n");
        TaskEvents.Recorder r = events.recorder();
        for (int i = 0; i < 10; i++) {
            r.started(task(INC, i), 1000L * i);
            r.finished(null, 0, true);
        }
        assertEquals(List.of(7000L, 8000L, 9000L), starts(events.finishedSince(7000, 100, true)));
        assertEquals(List.of(8000L, 9000L), starts(events.finishedSince(0, 2, true)));
    }

    private static List<Long> starts(List<TaskEvent> events) {
        return events.stream().map(TaskEvent::startMillis).toList();
    }

    @Test
    void keys_comeBackWithTheirExactText_plainTextAndTokenZeroIncluded() {
        TaskEvents events = new TaskEvents("n");
        TaskEvents.Recorder r = events.recorder();
        List<Key> keys = List.of(Key.of("total"), Key.of("k", 0), Key.of("inc", -1L, -1L), Key.of("a-b c"));
        for (Key k : keys) {
            r.started(Task.of(k, INC, 1), 1);
            r.finished(null, 1, true);
        }
        List<Key> back = events.finishedSince(0, 10, false).stream().map(TaskEvent::key).toList();
        assertEquals(keys, back);
        assertEquals(List.of("total", "k-" + "0".repeat(32), "inc-" + "f".repeat(32), "a-b c"),
                back.stream().map(Key::toString).toList());
    }

    @Test
    void inputs_areKeptForTheNewestGraphCapacityTasksOnly() {
        TaskEvents events = new TaskEvents("n");
        TaskEvents.Recorder r = events.recorder();
        Key[] inputs = {Key.of("x", 1)};
        for (int i = 0; i < TaskEvents.GRAPH_CAPACITY + 5; i++) {
            r.started(task(INC, i), i);
            r.finished(inputs, 0, true);
        }
        List<TaskEvent> all = events.finishedSince(0, Integer.MAX_VALUE, true);
        assertEquals(TaskEvents.GRAPH_CAPACITY + 5, all.size());
        assertEquals(List.of(), all.get(4).inputs());
        assertEquals(List.of(Key.of("x", 1)), all.get(5).inputs());
        assertEquals(List.of(), events.finishedSince(0, 1, false).get(0).inputs());
    }

    @Test
    void running_showsTheTaskBetweenStartAndFinish() {
        TaskEvents events = new TaskEvents("n");
        TaskEvents.Recorder r = events.recorder();
        r.started(task(INC, 1), 123);
        assertEquals(1, events.running().size());
        assertEquals(Key.of("k", 1), events.running().get(0).key());
        assertEquals(0, events.recorded());
        r.finished(null, 10, true);
        assertEquals(List.of(), events.running());
        assertEquals(1, events.recorded());
    }

    @Test
    void functionCounts_countDoneErredAndTimePerFunction() {
        TaskEvents events = new TaskEvents("n");
        TaskEvents.Recorder r = events.recorder();
        for (int i = 0; i < 3; i++) {
            r.started(task(INC, i), 10 + i);
            r.finished(null, 100, i != 1);
        }
        r.started(task(DEC, 9), 50);
        r.finished(null, 7, true);
        Map<String, long[]> counts = events.functionCounts();
        assertEquals(List.of("dec", "inc"), List.copyOf(counts.keySet()));
        assertArrayEquals(new long[] {2, 1, 300, 12}, counts.get("inc"));
        assertArrayEquals(new long[] {1, 0, 7, 50}, counts.get("dec"));
    }

    @Test
    void ring_keepsTheNewestCapacityEvents() {
        TaskEvents events = new TaskEvents("n");
        TaskEvents.Recorder r = events.recorder();
        Task t = task(INC, 1);
        for (int i = 0; i < TaskEvents.CAPACITY + 10; i++) {
            r.started(t, i);
            r.finished(null, 0, true);
        }
        List<TaskEvent> kept = events.finishedSince(0, Integer.MAX_VALUE, true);
        assertEquals(TaskEvents.CAPACITY, kept.size());
        assertEquals(10, kept.get(0).startMillis());
        assertEquals(TaskEvents.CAPACITY + 9L, kept.get(kept.size() - 1).startMillis());
    }

    @Test
    void concurrentWritersAndAReader_loseNothingAndSeeNoHalfWrittenEvent() throws Exception {
        TaskEvents events = new TaskEvents("n");
        int perThread = 40_000;
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] writers = new Thread[3];
        for (int w = 0; w < writers.length; w++) {
            int id = w;
            writers[w] = new Thread(() -> {
                try {
                    go.await();
                    TaskEvents.Recorder r = events.recorder();
                    for (int i = 0; i < perThread; i++) {
                        r.started(task(INC, id * perThread + i), i);
                        r.finished(null, 1, true);
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "writer-" + w);
            writers[w].start();
        }
        go.countDown();
        while (events.recorded() < (long) writers.length * perThread) {
            for (TaskEvent e : events.finishedSince(0, 1000, true)) {
                assertTrue(e.thread().startsWith("writer-") && e.function().equals("inc") && e.ok(), e::toString);
            }
            events.running();
        }
        for (Thread t : writers) {
            t.join();
        }
        assertNull(failure.get());
        Set<Key> keys = new HashSet<>();
        for (TaskEvent e : events.finishedSince(0, Integer.MAX_VALUE, true)) {
            keys.add(e.key());
        }
        assertEquals(writers.length * perThread, keys.size());
        assertEquals(writers.length * (long) perThread, events.functionCounts().get("inc")[0]);
    }

    @Test
    void forNode_givesOneRecordPerNodeUntilRemoved() {
        TaskEvents a = TaskEvents.forNode("dashboard-test-node");
        assertSame(a, TaskEvents.forNode("dashboard-test-node"));
        TaskEvents.remove("dashboard-test-node");
        assertNotSame(a, TaskEvents.forNode("dashboard-test-node"));
        TaskEvents.remove("dashboard-test-node");
    }

    /**
     * The hot path: a start and a finish, over a million tasks after a warm-up. Measured in this
     * thread's CPU time, so that other processes on a shared machine do not count.
     */
    @Test
    void recording_costsWellUnderAMicrosecondPerTask() {
        TaskEvents events = new TaskEvents("n");
        TaskEvents.Recorder r = events.recorder();
        Task t = task(INC, 1);
        Key[] inputs = {Key.of("x", 1)};
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            int n = 1_000_000;
            long cpu0 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                r.started(t, i);
                r.finished(inputs, 1, true);
            }
            best = Math.min(best, (threads.getCurrentThreadCpuTime() - cpu0) / (double) n);
        }
        System.out.printf("TaskEvents: %.1f ns of CPU per task recorded (start and finish; best of 5 x 1M)%n", best);
        assertTrue(best < 1000, "recording took " + best + " ns per task");
    }
}
