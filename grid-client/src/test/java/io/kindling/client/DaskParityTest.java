package io.kindling.client;

import io.kindling.Delayed;
import io.kindling.graph.internal.Containers;
import io.kindling.graph.Fn1;
import io.kindling.scheduler.Scheduler;
import io.kindling.testing.Ops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import static io.kindling.Delayed.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Behaviour that Dask's Client and Future documentation (and its {@code test_client.py}) pins
 * down, on two in-process nodes: what arguments are read through, futures in delayed graphs, and
 * errors for bad input that name what was wrong.
 */
class DaskParityTest {
    @RegisterExtension
    static final GridFixture GRID = new GridFixture(LocalCluster.builder().nodes(2).threads(2));

    private static final Duration BOUND = Duration.ofSeconds(30);
    static final AtomicInteger RUNS = new AtomicInteger();

    private static Client client() {
        return GRID.client();
    }

    public static int sumSet(Set<Integer> xs) {
        int s = 0;
        for (int x : xs) {
            s += x;
        }
        return s;
    }

    public static String describe(Object x) {
        return x.getClass().getSimpleName() + x;
    }

    public static int countedInc(int x) {
        RUNS.incrementAndGet();
        return x + 1;
    }

    @Test
    void setOfFutures_isTraversed_taskReceivesTheirValues() throws Exception {
        Future<Integer> a = client().submit(Ops::inc, 1);
        Future<Integer> b = client().submit(Ops::inc, 10);
        assertEquals(2 + 11, client().submit(DaskParityTest::sumSet, Set.of(a, b)).result(BOUND));
        Future<Integer> inMap = client().submit(Ops::sumValues, Map.of("x", a, "y", client().submit(Ops::inc, 2)));
        assertEquals(5, inMap.result(BOUND));
        TreeSet<Object> sorted = new TreeSet<>(List.of(3, 1, 2));
        assertTrue(client().submit(DaskParityTest::describe, sorted).result(BOUND).endsWith("[1, 2, 3]"),
                "a sorted set keeps its order");
        assertEquals(13, delayed(DaskParityTest::sumSet, Set.of(delayed(Ops::inc, 1), delayed(Ops::inc, 10)))
                .compute(client()), "Delayed values inside a set too");
    }

    @Test
    void futureInsideDelayed_computedWhereItsDataIs() throws Exception {
        Fn1<Integer, Integer> counted = DaskParityTest::countedInc;
        RUNS.set(0);
        Future<Integer> f = client().submit(counted, 1);
        assertEquals(2, f.result(BOUND));
        Delayed<Integer> d = delayed(Ops::add, f, 10);
        assertEquals(12, client().compute(d).result(BOUND));
        assertEquals(12, d.compute(client()));
        assertEquals(1, RUNS.get(), "the future's task is not run again");
        assertEquals(13, delayed(Ops::sum, List.of(f, delayed(Ops::inc, 10))).compute(Scheduler.SYNC),
                "another scheduler waits for the future's value");
    }

    @Test
    void futureOfAReleasedOrOtherClient_refusedInDelayedGraph() {
        Future<Integer> f = client().submit(Ops::inc, 1);
        Delayed<Integer> d = delayed(Ops::inc, f);
        f.release();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> client().compute(d));
        assertTrue(e.getMessage().contains("released"), e.getMessage());
    }

    @Test
    void argumentThatContainsItself_refusedAtSubmit() {
        List<Object> loop = new ArrayList<>();
        loop.add(1);
        loop.add(loop);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> client().submit(DaskParityTest::describe, loop));
        assertTrue(e.getMessage().contains("argument 1") && e.getMessage().contains("contains itself"), e.getMessage());
    }

    @Test
    void argumentNestedTooDeep_refusedAtSubmit_reasonableDepthWorks() throws Exception {
        Object deep = 1;
        for (int i = 0; i < 50_000; i++) {
            deep = List.of(deep);
        }
        Object tooDeep = deep;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> client().submit(DaskParityTest::describe, tooDeep));
        assertTrue(e.getMessage().contains("argument 1") && e.getMessage().contains("deep"), e.getMessage());
        Object fine = client().submit(Ops::inc, 1);
        for (int i = 1; i < Containers.MAX_DEPTH; i++) {
            fine = List.of(fine);
        }
        String described = client().submit(DaskParityTest::describe, fine).result(BOUND);
        assertTrue(described.endsWith("[2]" + "]".repeat(Containers.MAX_DEPTH - 2)), "a future "
                + (Containers.MAX_DEPTH - 1) + " lists deep is read: " + described);
    }

    @Test
    void nullInput_errorsSayWhatWasNullAndWhatToPass() {
        Client c = client();
        NullPointerException scatter = assertThrows(NullPointerException.class, () -> c.scatter((List<Object>) null));
        assertTrue(scatter.getMessage().contains("scatter") && scatter.getMessage().contains("singletonList"),
                scatter.getMessage());
        assertEquals(null, c.scatter((Object) null).result(), "null itself can be scattered");
        Fn1<Integer, Integer> inc = Ops::inc;
        NullPointerException map = assertThrows(NullPointerException.class, () -> c.map(inc, null));
        assertTrue(map.getMessage().contains("map needs a collection"), map.getMessage());
        List<Future<Integer>> withNull = new ArrayList<>();
        withNull.add(c.submit(Ops::inc, 1));
        withNull.add(null);
        NullPointerException gather = assertThrows(NullPointerException.class, () -> c.gather(withNull));
        assertTrue(gather.getMessage().contains("element 2"), gather.getMessage());
        NullPointerException result = assertThrows(NullPointerException.class, () -> withNull.get(0).result(null));
        assertTrue(result.getMessage().contains("result()"), result.getMessage());
        IllegalArgumentException submit = assertThrows(IllegalArgumentException.class, () -> c.submit(inc, null));
        assertTrue(submit.getMessage().contains("argument 1 of 'inc' is null"), submit.getMessage());
    }

    static volatile java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
    static final AtomicInteger BLOCKED = new AtomicInteger();

    /** Waits for {@link #gate} (at most 30 s), counted in {@link #BLOCKED} while it does. */
    public static int blocker(int x) throws InterruptedException {
        BLOCKED.incrementAndGet();
        try {
            gate.await(30, java.util.concurrent.TimeUnit.SECONDS);
            return x;
        } finally {
            BLOCKED.decrementAndGet();
        }
    }

    @Test
    void computeOfSeveral_oneFails_throwsAtOnce_andStopsTheSiblingsNobodyHolds() {
        gate = new java.util.concurrent.CountDownLatch(1);
        Delayed<Integer> slow = delayed(DaskParityTest::blocker, 1);
        Delayed<Integer> failing = delayed(Ops::fail, 2);
        long t0 = System.nanoTime();
        GridFixture.awaitCondition("nothing blocked yet", () -> BLOCKED.get() == 0);
        io.kindling.scheduler.TaskFailedException e = assertThrows(io.kindling.scheduler.TaskFailedException.class,
                () -> Delayed.computeAll(client(), slow, failing));
        assertEquals(failing.key(), e.key());
        assertEquals(1, gate.getCount(), "it did not wait for the slow sibling");
        // Stopped on its node: interrupted if it had started, skipped if its batch had not (the
        // failing task may finish before the slow one starts); either way nothing runs it any more.
        GridFixture.awaitCondition("the slow sibling to be stopped on its node",
                () -> BLOCKED.get() == 0 && client().processing().isEmpty());
        assertTrue(System.nanoTime() - t0 < java.util.concurrent.TimeUnit.SECONDS.toNanos(25));
        gate.countDown();
    }

    @Test
    void scatterWithoutHashing_nthreads_waitForWorkers_exceptionWithTimeout() throws Exception {
        Future<String> a = client().pure(false).scatter("same");
        Future<String> b = client().pure(false).scatter("same");
        assertTrue(!a.key().equals(b.key()), "pure(false): a key of its own, as Dask's hash=False");
        assertEquals(client().scatter("same").key(), client().scatter("same").key(), "hashed by default");
        assertEquals(Map.of(client().nodes().get(0), 2, client().nodes().get(1), 2), client().nthreads());
        List<Future<Integer>> named = client().key("step").map(Ops::inc, List.of(1, 2));
        assertEquals(List.of("step", "step"), List.of(named.get(0).key().name(), named.get(1).key().name()),
                "key names the tasks of a map, as Dask's key= prefix");
        assertTrue(!named.get(0).key().equals(named.get(1).key()));
        assertEquals(List.of(2, 3), client().gather(named));
        client().waitForWorkers(2, Duration.ofSeconds(5));
        assertThrows(java.util.concurrent.TimeoutException.class,
                () -> client().waitForWorkers(5, Duration.ofMillis(200)));
        gate = new java.util.concurrent.CountDownLatch(1);
        Future<Integer> slow = client().pure(false).submit(DaskParityTest::blocker, 1);
        assertThrows(java.util.concurrent.TimeoutException.class, () -> slow.exception(Duration.ofMillis(100)));
        gate.countDown();
        assertEquals(null, slow.exception(BOUND));
    }
}
