package io.kindling.client;

import io.kindling.Delayed;
import io.kindling.grid.internal.NodeWork;
import io.kindling.scheduler.TaskFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.kindling.Delayed.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retries of tasks that throw, {@code Future.retry()}, and cancelling running tasks, on one
 * in-process node with one task thread (so that a thread held by a task is the whole node).
 */
class RetryAndCancelTest {
    @RegisterExtension
    static final GridFixture GRID = new GridFixture(LocalCluster.builder().nodes(1).threads(1));

    private static final Duration BOUND = Duration.ofSeconds(30);

    @AfterEach
    void releaseStubbornTasks() {
        Hostile.release = true;
        GridFixture.awaitCondition("stubborn tasks to end", () -> Hostile.STUBBORN_RUNNING.get() == 0);
        Hostile.release = false;
    }

    private static Client client() {
        return GRID.client();
    }

    @Test
    void retries_taskThatThrowsRunsAgain_thenSucceeds() throws Exception {
        Future<Integer> f = client().retries(2).submit(Hostile::flaky, "retries-2", 2);
        assertEquals(3, f.result(BOUND), "two failures, then the third run returns");
        Future<Integer> g = client().retries(1).submit(Hostile::flaky, "retries-short", 2);
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> g.result(BOUND));
        assertEquals("failure 2 of retries-short", e.getCause().getMessage(), "the last failure is reported");
    }

    @Test
    void retries_onMapAndCompute() throws Exception {
        List<Future<Integer>> fs = client().retries(1).map(x -> Hostile.flaky("map-" + x, 1), List.of(1, 2, 3));
        assertEquals(List.of(2, 2, 2), client().gather(fs));
        Delayed<Integer> d = delayed(Hostile::slowAdd, delayed(Hostile::flaky, "compute-a", 1),
                delayed(Hostile::flaky, "compute-b", 1));
        assertEquals(4, client().retries(1).compute(d).result(BOUND));
    }

    @Test
    void futureRetry_runsTheErredTaskAndWhatFailedUnderIt() throws Exception {
        Future<Integer> bad = client().submit(Hostile::flaky, "retry-root", 1);
        Future<Integer> after = client().submit(Hostile::slowInc, bad);
        assertInstanceOf(TaskFailedException.class, assertThrows(RuntimeException.class, () -> after.result(BOUND)));
        assertEquals("error", after.status());
        after.retry();
        assertEquals(3, after.result(BOUND), "the root runs again (its second call returns 2), then its dependent");
        assertEquals("finished", bad.status());
        assertEquals(2, bad.result());
    }

    public static int sleepy(int x) throws InterruptedException {
        Thread.sleep(60_000);
        return x;
    }

    @Test
    void cancelRunningTask_interruptsIt_nodeFreeForOtherWork() throws Exception {
        Future<Integer> slow = client().pure(false).submit(RetryAndCancelTest::sleepy, 1);
        GridFixture.awaitCondition("the task to run", () -> !client().processing().isEmpty());
        assertTrue(slow.cancel());
        assertEquals("cancelled", slow.status());
        List<Future<Integer>> quick = client().pure(false).map(Hostile::slowInc, List.of(1, 2, 3));
        Futures.waitAll(quick, BOUND);
        assertEquals(List.of(2, 3, 4), client().gather(quick));
        assertTrue(NodeWork.of(GRID.cluster().ignite()).stuck().isEmpty(), "an interrupted task is not stuck");
    }

    @Test
    void cancelTaskThatIgnoresInterrupts_workQueuedBehindItRunsAnyway() throws Exception {
        Future<Integer> stubborn = client().pure(false).submit(Hostile::stubborn, 1);
        GridFixture.awaitCondition("the stubborn task to run", () -> Hostile.STUBBORN_RUNNING.get() == 1);
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            items.add(i);
        }
        List<Future<Integer>> quick = client().pure(false).map(Hostile::slowInc, items);
        assertTrue(stubborn.cancel());
        Futures.waitAll(quick, BOUND);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            expected.add(i + 1);
        }
        assertEquals(expected, client().gather(quick));
        assertEquals(1, Hostile.STUBBORN_RUNNING.get(), "the stubborn task still holds its thread");
        List<NodeWork.StuckTask> stuck = NodeWork.of(GRID.cluster().ignite()).stuck();
        assertEquals(1, stuck.size(), "the node lists its stuck thread");
        assertEquals(stubborn.key(), stuck.get(0).key());
        String workers = new String(java.net.URI.create(client().dashboardLink().replace("/status", "/json/workers"))
                .toURL().openStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(workers.contains("\"stuck\":1"), workers);
        Hostile.release = true;
        GridFixture.awaitCondition("the stuck thread to come back", () ->
                NodeWork.of(GRID.cluster().ignite()).stuck().isEmpty());
        assertEquals("cancelled", stubborn.status());
    }

    @Test
    void cancelWhileQueued_taskNeverRuns() throws Exception {
        Future<Integer> stubborn = client().pure(false).submit(Hostile::stubborn, 1);
        GridFixture.awaitCondition("the stubborn task to run", () -> Hostile.STUBBORN_RUNNING.get() == 1);
        Future<Integer> queued = client().pure(false).submit(Hostile::flaky, "never-run", 0);
        assertTrue(queued.cancel());
        Hostile.release = true;
        assertEquals(1, stubborn.result(BOUND));
        CompletableFuture<Integer> probe = client().pure(false).submit(Hostile::flaky, "never-run", 0)
                .toCompletableFuture();
        assertEquals(1, probe.get(30, TimeUnit.SECONDS), "the cancelled task did not run: this is the first call");
    }

    @Test
    void systemExitInATask_failsTheTask_thisJvmGoesOn() throws Exception {
        // From Java 24 the JDK has no security manager: the exit would end this JVM (see ExitGuard).
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() < 24);
        Future<Integer> exits = client().pure(false).submit(Hostile::exit, 7);
        Throwable e = exits.exception();
        assertInstanceOf(io.kindling.grid.TaskExitException.class, e, String.valueOf(e));
        assertEquals("security manager", io.kindling.grid.internal.ExitGuard.mode());
        assertEquals(2, client().submit(Hostile::slowInc, 1).result(BOUND), "the node still runs tasks");
    }
}
