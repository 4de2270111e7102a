package io.kindling.client;

import io.kindling.testing.Ops;
import org.apache.ignite.Ignition;
import org.junit.jupiter.api.BeforeEach;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dask's cluster operations and fire-and-forget, on three in-process nodes. */
class ClusterOpsTest {
    @RegisterExtension
    static final GridFixture GRID = new GridFixture(LocalCluster.builder().nodes(3).threads(1));

    private static final Duration BOUND = Duration.ofSeconds(30);
    static final AtomicInteger EFFECTS = new AtomicInteger();
    static volatile CountDownLatch gate = new CountDownLatch(0);

    @BeforeEach
    void reset() {
        EFFECTS.set(0);
        gate = new CountDownLatch(1);
    }

    private static Client client() {
        return GRID.client();
    }

    public static String nodeName() {
        return Ignition.localIgnite().name();
    }

    public static String failOnSecond() {
        if (Ignition.localIgnite().name().endsWith("-1")) {
            throw new IllegalStateException("not here");
        }
        return "ok";
    }

    /** A side effect, once the gate opens (at most 30 s). */
    public static int effect(int x) throws InterruptedException {
        gate.await(30, TimeUnit.SECONDS);
        EFFECTS.incrementAndGet();
        return x;
    }

    @Test
    void run_onEveryNode_resultsByNode_errorsNameTheNode() {
        Map<String, String> names = client().run(ClusterOpsTest::nodeName);
        assertEquals(Set.copyOf(client().nodes()), names.keySet());
        names.forEach((node, name) -> assertEquals(node, name, "each node ran it itself"));
        String one = client().nodes().get(2);
        assertEquals(Set.of(one), client().workers(one).run(ClusterOpsTest::nodeName).keySet());
        NodeRunException e = assertThrows(NodeRunException.class, () -> client().run(ClusterOpsTest::failOnSecond));
        assertTrue(e.node().endsWith("-1") && e.getCause().getMessage().equals("not here"), e.getMessage());
    }

    @Test
    void replicate_copiesToMoreNodes_futureReadsTheCopy() throws Exception {
        Future<int[]> f = client().scatter(new int[] {1, 2, 3});
        assertEquals(1, client().whoHas().get(f.key()).size());
        client().replicate(List.of(f), 2);
        assertEquals(3, client().whoHas().get(f.key()).size(), "two copies besides the primary");
        assertEquals(3, f.result().length);
        assertEquals(6, client().submit(ClusterOpsTest::sum, f).result(BOUND));
    }

    public static int sum(int[] a) {
        int s = 0;
        for (int x : a) {
            s += x;
        }
        return s;
    }

    @Test
    void rebalance_spreadsValuesHeldByOneNode() {
        String first = client().nodes().get(0);
        List<Integer> values = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            values.add(1000 + i);
        }
        List<Future<Integer>> fs = client().scatter(values, first);
        Set<String> before = new HashSet<>();
        fs.forEach(f -> before.addAll(client().whoHas().get(f.key())));
        assertEquals(Set.of(first), before);
        client().rebalance();
        Map<String, Integer> count = new java.util.HashMap<>();
        fs.forEach(f -> client().whoHas().get(f.key()).forEach(n -> count.merge(n, 1, Integer::sum)));
        assertEquals(3, count.size(), "values on every node: " + count);
        assertTrue(count.values().stream().allMatch(c -> c >= 2 && c <= 4), String.valueOf(count));
        assertEquals(values, client().gather(fs));
    }

    @Test
    void fireAndForget_runsToItsEndAfterItsFutureIsReleased() {
        Future<Integer> f = client().pure(false).submit(ClusterOpsTest::effect, 1);
        client().fireAndForget(f);
        f.release();
        gate.countDown();
        GridFixture.awaitCondition("the forgotten task's side effect", () -> EFFECTS.get() == 1);
    }

    @Test
    void fireAndForget_runsToItsEndAfterTheClientCloses() {
        Client other = Client.of(GRID.cluster());
        Future<Integer> input = other.submit(Ops::inc, 1);
        other.fireAndForget(List.of(other.pure(false).submit(ClusterOpsTest::effect, input)));
        other.close();
        assertThrows(IllegalStateException.class, () -> other.submit(Ops::inc, 2), "closed for its user");
        gate.countDown();
        GridFixture.awaitCondition("the side effect after the client closed", () -> EFFECTS.get() == 1);
        GridFixture.awaitCondition("the closed client to stop for good", () -> other.core().closed());
    }

    @Test
    void releasedWithoutFireAndForget_stopsInstead() {
        Future<Integer> f = client().pure(false).submit(ClusterOpsTest::effect, 1);
        GridFixture.awaitCondition("the task to run", () -> !client().processing().isEmpty());
        f.release();
        GridFixture.awaitCondition("the unwanted task to stop", () -> client().processing().isEmpty());
        gate.countDown();
        assertEquals(0, EFFECTS.get(), "nobody wanted it: it was stopped before its side effect");
    }

    @Test
    void cancelWithForce_cancels() {
        Future<Integer> f = client().pure(false).submit(ClusterOpsTest::effect, 1);
        client().cancel(List.of(f), true);
        assertEquals("cancelled", f.status());
        gate.countDown();
    }
}
