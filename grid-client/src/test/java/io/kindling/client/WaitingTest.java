package io.kindling.client;

import io.kindling.scheduler.TaskFailedException;
import io.kindling.testing.Ops;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dask's {@code wait}, {@code as_completed} and {@code gather(errors=)}, on two in-process nodes. */
class WaitingTest {
    @RegisterExtension
    static final GridFixture GRID = new GridFixture(LocalCluster.builder().nodes(2).threads(2));

    static volatile CountDownLatch gate = new CountDownLatch(1);

    @BeforeEach
    void closeGate() {
        gate = new CountDownLatch(1);
    }

    @AfterEach
    void openGate() {
        gate.countDown();
    }

    /** Returns {@code x} once the gate opens (at most 30 s). */
    public static int gated(int x) throws InterruptedException {
        gate.await(30, TimeUnit.SECONDS);
        return x;
    }

    private static Client client() {
        return GRID.client();
    }

    @Test
    void waitFirstCompleted_returnsDoneAndNotDone() throws Exception {
        Future<Integer> slow = client().pure(false).submit(WaitingTest::gated, 1);
        Future<Integer> quick = client().pure(false).submit(Ops::inc, 1);
        Futures.Waited<Future<Integer>> w = Futures.wait(List.of(slow, quick), Duration.ofSeconds(30),
                Futures.ReturnWhen.FIRST_COMPLETED);
        assertEquals(Set.of(quick), w.done());
        assertEquals(Set.of(slow), w.notDone());
        assertThrows(TimeoutException.class, () -> Futures.wait(List.of(slow), Duration.ofMillis(200),
                Futures.ReturnWhen.ALL_COMPLETED));
        gate.countDown();
        Futures.Waited<Future<Integer>> all = Futures.wait(List.of(slow, quick));
        assertEquals(Set.of(slow, quick), all.done());
        assertTrue(all.notDone().isEmpty());
    }

    @Test
    void wait_returnsWhenAFutureErred_throwsWhenOneWasCancelled() throws Exception {
        Future<Integer> bad = client().submit(Ops::fail, 3);
        Futures.Waited<Future<Integer>> w = Futures.wait(List.of(bad), Duration.ofSeconds(30),
                Futures.ReturnWhen.ALL_COMPLETED);
        assertEquals(Set.of(bad), w.done(), "an erred future counts as done");
        Future<Integer> slow = client().pure(false).submit(WaitingTest::gated, 2);
        slow.cancel();
        assertThrows(FutureCancelledException.class, () -> Futures.wait(List.of(slow), Duration.ofSeconds(30),
                Futures.ReturnWhen.FIRST_COMPLETED));
        assertThrows(FutureCancelledException.class, () -> Futures.waitAll(List.of(slow)));
    }

    @Test
    void asCompleted_inOrderOfFinishing_addWhileRunning_batches_clear() {
        Future<Integer> slow = client().pure(false).submit(WaitingTest::gated, 1);
        Future<Integer> quick = client().pure(false).submit(Ops::inc, 1);
        AsCompleted<Integer> ac = Futures.asCompleted(List.of(slow, quick));
        assertEquals(quick, ac.next(), "the quick one first");
        Future<Integer> added = client().pure(false).submit(Ops::inc, 2);
        ac.add(added);
        assertEquals(added, ac.next(), "a future added while iterating is yielded too");
        assertEquals(1, ac.count());
        gate.countDown();
        List<Future<Integer>> batch = ac.nextBatch();
        assertEquals(List.of(slow), batch);
        assertFalse(ac.hasNext());

        List<Future<Integer>> many = client().pure(false).map(Ops::inc, List.of(1, 2, 3, 4));
        AsCompleted<Integer> batches = Futures.asCompleted(many);
        Set<Future<Integer>> seen = new HashSet<>();
        for (List<Future<Integer>> b : batches.batches()) {
            assertFalse(b.isEmpty());
            seen.addAll(b);
        }
        assertEquals(Set.copyOf(many), seen);

        closeGate();
        AsCompleted<Integer> cleared = Futures.asCompleted(List.of(client().pure(false).submit(WaitingTest::gated, 5)));
        cleared.clear();
        assertTrue(cleared.isEmpty());
        assertFalse(cleared.hasNext());
        gate.countDown();
    }

    @Test
    void asCompleted_withResults_raiseOrReturnErrors() {
        Future<Integer> good = client().submit(Ops::inc, 1);
        Future<Integer> bad = client().submit(Ops::fail, 9);
        Map<Boolean, Integer> outcomes = new LinkedHashMap<>();
        for (AsCompleted.Completed<Integer> c : Futures.asCompleted(List.of(good, bad)).resultsOrErrors()) {
            outcomes.merge(c.ok(), 1, Integer::sum);
            if (c.ok()) {
                assertEquals(2, c.value());
            } else {
                assertEquals("boom 9", c.error().getMessage());
            }
        }
        assertEquals(Map.of(true, 1, false, 1), outcomes);
        List<Integer> values = new ArrayList<>();
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> {
            for (AsCompleted.Completed<Integer> c : Futures.asCompleted(List.of(bad, good)).results()) {
                values.add(c.value());
            }
        });
        assertEquals(bad.key(), e.key());
    }

    @Test
    void gather_errorsSkip_leavesOutErredFutures_raiseThrowsAtOnce() {
        Future<Integer> a = client().submit(Ops::inc, 1);
        Future<Integer> bad = client().submit(Ops::fail, 1);
        Future<Integer> b = client().submit(Ops::inc, 2);
        assertEquals(List.of(2, 3), client().gather(List.of(a, bad, b), Errors.SKIP));
        assertEquals(Map.of("a", 2), client().gather(Map.of("a", a, "bad", bad), Errors.SKIP));
        Future<Integer> slow = client().pure(false).submit(WaitingTest::gated, 7);
        assertInstanceOf(IllegalStateException.class, assertThrows(TaskFailedException.class,
                () -> client().gather(List.of(slow, bad))).getCause(), "it does not wait for the slow one");
        assertEquals(1, gate.getCount());
    }

    /** A wait that may throw what the JDK's waits throw. */
    interface Wait {
        void run() throws Exception;
    }

    @Test
    void timedWaits_throwTimeoutException_andTheTaskGoesOn() throws Exception {
        Future<Integer> slow = client().pure(false).submit(WaitingTest::gated, 7);
        TimeoutException t = assertThrows(TimeoutException.class, () -> slow.result(Duration.ofMillis(100)));
        assertTrue(t.getMessage().contains(slow.key().toString()) && t.getMessage().contains("goes on"), t.getMessage());
        assertThrows(TimeoutException.class, () -> slow.exception(Duration.ofMillis(50)));
        assertThrows(TimeoutException.class, () -> slow.get(50, TimeUnit.MILLISECONDS));
        assertThrows(TimeoutException.class, () -> Futures.waitAll(List.of(slow), Duration.ofMillis(50)));
        assertThrows(TimeoutException.class, () -> Futures.wait(List.of(slow), Duration.ofMillis(50),
                Futures.ReturnWhen.FIRST_COMPLETED));
        assertFalse(slow.done(), "a timeout leaves the task running");
        gate.countDown();
        assertEquals(7, slow.result(Duration.ofSeconds(30)));
    }

    @Test
    void interruptedWaits_timedOnesThrowInterruptedException_untimedOnesKeepTheFlag() throws Exception {
        Future<Integer> slow = client().pure(false).submit(WaitingTest::gated, 8);
        List<Wait> timed = List.of(() -> slow.result(Duration.ofMinutes(1)), () -> slow.exception(Duration.ofMinutes(1)),
                slow::get, () -> slow.get(1, TimeUnit.MINUTES), () -> Futures.waitAll(List.of(slow), Duration.ofMinutes(1)),
                () -> Futures.wait(List.of(slow), Duration.ofMinutes(1), Futures.ReturnWhen.FIRST_COMPLETED),
                () -> client().waitForWorkers(5, Duration.ofMinutes(1)));
        for (Wait w : timed) {
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, w::run);
            assertFalse(Thread.interrupted(), "InterruptedException clears the flag, as the JDK's waits do");
        }
        List<Wait> untimed = List.of(slow::result, slow::exception, () -> client().gather(slow),
                () -> Futures.waitAll(List.of(slow)), () -> Futures.wait(List.of(slow)));
        for (Wait w : untimed) {
            Thread.currentThread().interrupt();
            assertThrows(CancellationException.class, w::run);
            assertTrue(Thread.interrupted(), "an unchecked wait keeps the flag set");
        }
        assertFalse(slow.done(), "an interrupted wait leaves the task running");
        gate.countDown();
        assertEquals(8, slow.result());
    }
}
