package io.kindling.client;

import io.kindling.Delayed;
import org.apache.ignite.Ignition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.kindling.Delayed.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where data and tasks go, on three in-process nodes of two threads each, the first declaring
 * one GPU: scatter, nodes named by the user, resources, priorities.
 */
class PlacementTest {
    @RegisterExtension
    static final GridFixture GRID = new GridFixture(LocalCluster.builder().nodes(3).threads(2).resources(0, "GPU=1"));

    private static final Duration BOUND = Duration.ofSeconds(30);
    static final AtomicInteger RUNNING = new AtomicInteger();
    static final AtomicInteger MOST = new AtomicInteger();
    static final List<Integer> ORDER = java.util.Collections.synchronizedList(new ArrayList<>());
    static volatile CountDownLatch gate = new CountDownLatch(0);

    private static Client client() {
        return GRID.client();
    }

    public static String whereAmI(int x) {
        return Ignition.localIgnite().name();
    }

    /** Runs for a moment and records how many such tasks run at once. */
    public static String gpu(int x) throws InterruptedException {
        int now = RUNNING.incrementAndGet();
        MOST.accumulateAndGet(now, Math::max);
        Thread.sleep(30);
        RUNNING.decrementAndGet();
        return Ignition.localIgnite().name();
    }

    public static int gated(int x) throws InterruptedException {
        gate.await(30, TimeUnit.SECONDS);
        return x;
    }

    public static int recorded(int x) {
        ORDER.add(x);
        return x;
    }

    private static Set<String> holders(List<? extends Future<?>> futures) {
        Set<String> nodes = new HashSet<>();
        for (Future<?> f : futures) {
            nodes.addAll(client().whoHas().get(f.key()));
        }
        return nodes;
    }

    private static List<Integer> range(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }

    @Test
    void scatter_spreadsValuesOverTheNodesInTurn() {
        List<Future<String>> three = client().scatter(List.of("a", "b", "c"));
        assertEquals(Set.copyOf(client().nodes()), holders(three), "three values on three nodes, one each");
    }

    public static int total(int[] xs) {
        return java.util.Arrays.stream(xs).sum();
    }

    @Test
    void scatterBroadcast_putsACopyOnEveryNode_tasksOnEachReadIt() throws Exception {
        Future<int[]> f = client().scatter(List.of(new int[] {1, 2, 3, 40}), true).get(0);
        assertEquals(Set.copyOf(client().nodes()), client().whoHas().get(f.key()), "a copy on each of the three nodes");
        for (String node : client().nodes()) {
            assertEquals(46, client().workers(node).pure(false).submit(PlacementTest::total, f).result(BOUND));
        }
        Future<String> plain = client().scatter(List.of("not broadcast"), false).get(0);
        assertEquals(1, client().whoHas().get(plain.key()).size());
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> client().workers(client().nodes().get(0)).scatter(List.of(1), true));
        assertTrue(both.getMessage().contains("broadcast"), both.getMessage());
    }

    @Test
    void scatterToANode_storesThereAValueAlreadyHeldElsewhere() {
        Future<String> first = client().scatter("moving");
        String where = client().whoHas().get(first.key()).iterator().next();
        String other = client().nodes().stream().filter(n -> !n.equals(where)).findFirst().orElseThrow();
        Future<String> moved = client().scatter(List.of("moving"), other).get(0);
        assertEquals(first.key(), moved.key());
        assertEquals(Set.of(other), client().whoHas().get(first.key()));
        assertEquals("moving", first.result());
    }

    @Test
    void workers_restrictTasksAndScatterToNamedNodes() throws Exception {
        String b = client().nodes().get(1);
        assertEquals(Set.of(b), Set.copyOf(client().gather(client().workers(b).map(PlacementTest::whereAmI, range(40)))));
        Delayed<String> d = delayed(PlacementTest::whereAmI, 1);
        assertEquals(b, client().workers(b).compute(d).result(BOUND));
        assertEquals(Set.of(b), holders(client().workers(b).scatter(List.of(1, 2, 3))));
    }

    @Test
    void workersAbsent_strictWaits_allowOtherWorkersRuns() throws Exception {
        Future<String> strict = client().workers("no-such-node").pure(false).submit(PlacementTest::whereAmI, 1);
        assertThrows(java.util.concurrent.TimeoutException.class, () -> strict.result(Duration.ofMillis(300)),
                "a task bound to absent nodes waits");
        assertEquals("pending", strict.status());
        strict.cancel();
        Future<String> loose = client().workers("no-such-node").allowOtherWorkers(true).pure(false)
                .submit(PlacementTest::whereAmI, 1);
        assertTrue(client().nodes().contains(loose.result(BOUND)), "a preference only");
    }

    @Test
    void resources_tasksRunOnlyWhereDeclared_neverMoreAtOnceThanDeclared() {
        MOST.set(0);
        List<Future<String>> fs = client().resources(Map.of("GPU", 1)).pure(false).map(PlacementTest::gpu, range(8));
        assertEquals(Set.of(client().nodes().get(0)), Set.copyOf(client().gather(fs)), "only the node with a GPU");
        assertEquals(1, MOST.get(), "one GPU, one task at a time, though the node has two threads");
        Future<String> tooMuch = client().resources(Map.of("GPU", 2)).pure(false).submit(PlacementTest::whereAmI, 1);
        assertThrows(java.util.concurrent.TimeoutException.class, () -> tooMuch.result(Duration.ofMillis(300)),
                "no node has two GPUs: the task waits");
        tooMuch.cancel();
    }

    @Test
    void priority_higherRunsFirst_tiesInSubmissionOrder() {
        gate = new CountDownLatch(1);
        ORDER.clear();
        String a = client().nodes().get(0);
        // Fill node a's slots and pipeline with gated tasks, so that what follows waits in the client.
        List<Future<Integer>> blockers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            blockers.add(client().workers(a).pure(false).submit(PlacementTest::gated, i));
        }
        GridFixture.awaitCondition("the node's pipeline to fill", () -> client().processing().getOrDefault(a,
                List.of()).size() >= 4);
        List<Future<Integer>> low = client().workers(a).priority(-1).pure(false).map(PlacementTest::recorded,
                List.of(1, 2));
        List<Future<Integer>> high = client().workers(a).priority(5).pure(false).map(PlacementTest::recorded,
                List.of(10, 11));
        List<Future<Integer>> normal = client().workers(a).pure(false).map(PlacementTest::recorded, List.of(20, 21));
        gate.countDown();
        client().gather(blockers);
        client().gather(low);
        client().gather(high);
        client().gather(normal);
        assertEquals(List.of(10, 11, 20, 21, 1, 2), ORDER);
    }
}
