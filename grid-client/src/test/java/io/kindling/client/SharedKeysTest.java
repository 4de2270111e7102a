package io.kindling.client;

import io.kindling.grid.internal.KindlingGrid;
import org.apache.ignite.cache.CachePeekMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shared keys (Dask's one value per key, cluster-wide): a client that submits a pure key another
 * client computed, or is computing, gets that value or that error without running the task again,
 * thick or thin; each client holds its own claim, so the value stays while either holds it, and
 * one client's cancel leaves the other's work alone.
 */
@Timeout(300)
class SharedKeysTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    /** The cluster; after each test it holds no data, and after all no client thread is left. */
    @RegisterExtension
    static final GridFixture GRID = new GridFixture(LocalCluster.builder().nodes(2).threads(2));
    private static LocalCluster cluster;

    @BeforeEach
    void cluster() {
        cluster = GRID.cluster();
    }

    private static long stored() {
        return KindlingGrid.dataCache(cluster.ignite()).sizeLong(CachePeekMode.PRIMARY);
    }

    private static void awaitStored(long n) {
        GridFixture.awaitCondition("the cluster to hold " + n + " values", () -> stored() == n);
    }

    /** A different value on every run: a task run twice would show. */
    public static double random(int seed) {
        return seed + ThreadLocalRandom.current().nextDouble();
    }

    /** As {@link #random}, after {@code millis}. */
    public static double slowRandom(int seed, int millis) throws InterruptedException {
        Thread.sleep(millis);
        return seed + ThreadLocalRandom.current().nextDouble();
    }

    public static int fail(int x) {
        throw new IllegalStateException("failed on purpose: " + x + " " + ThreadLocalRandom.current().nextLong());
    }

    public static double plus(double x, double y) {
        return x + y;
    }

    @Test
    void aSecondClient_getsTheValueAnotherComputed_thickAndThin() throws Exception {
        long before = stored();
        try (Client first = Client.of(cluster)) {
            List<Future<Double>> fs = first.map(SharedKeysTest::random, List.of(1, 2, 3, 4, 5));
            List<Double> values = first.gather(fs);
            try (Client thick = Client.of(cluster); Client thin = Client.connect(cluster.thinClientAddress())) {
                for (Client c : List.of(thick, thin)) {
                    List<Future<Double>> again = c.map(SharedKeysTest::random, List.of(1, 2, 3, 4, 5));
                    assertEquals(fs.get(0).key(), again.get(0).key());
                    assertEquals(values, c.gather(again), "the values " + c + " got were computed again");
                    // One value each, whoever holds it.
                    assertEquals(before + 5, stored());
                }
                // The first client lets go: the others' claims keep the values.
                fs.forEach(Future::release);
                first.close();
                List<Future<Double>> third = thick.map(SharedKeysTest::random, List.of(1, 2, 3, 4, 5));
                assertEquals(values, thick.gather(third));
                // A task of another client reads the shared value where it is.
                assertEquals(values.get(0) + values.get(1),
                        thin.submit(SharedKeysTest::plus, thin.map(SharedKeysTest::random, List.of(1, 2, 3)).get(0),
                                thin.map(SharedKeysTest::random, List.of(2)).get(0)).result(BOUND), 1e-9);
            }
        }
        // Every holder gone: so is every value.
        awaitStored(before);
    }

    @Test
    void aKeyComputedByOneClient_isSharedWithTheNext_atOnce_everyTime() throws Exception {
        try (Client first = Client.of(cluster); Client second = Client.connect(cluster.thinClientAddress())) {
            awaitSharing(first);
            awaitSharing(second);
            for (int round = 0; round < 20; round++) {
                // Once the first client has the value, the second's submission right after gets it too.
                Future<Double> x = first.submit(SharedKeysTest::random, 1000 + round);
                double value = x.result(BOUND);
                Future<Double> y = second.submit(SharedKeysTest::random, 1000 + round);
                assertEquals(value, y.result(BOUND), "round " + round);
                x.release();
                y.release();
            }
        }
    }

    @Test
    void aKeyBeingComputed_isWaitedFor_notRunTwice() throws Exception {
        long before = stored();
        try (Client first = Client.of(cluster); Client second = Client.connect(cluster.thinClientAddress())) {
            awaitSharing(second);
            Future<Double> slow = first.submit(SharedKeysTest::slowRandom, 7, 1500);
            awaitRecord(slow);
            Future<Double> same = second.submit(SharedKeysTest::slowRandom, 7, 1500);
            assertEquals(slow.result(BOUND), same.result(BOUND));
            assertEquals(before + 1, stored());
        }
        awaitStored(before);
    }

    @Test
    void twoClientsSendingTheSameKeyAtOnce_runItOnce() throws Exception {
        try (Client first = Client.of(cluster); Client second = Client.connect(cluster.thinClientAddress())) {
            awaitSharing(first);
            awaitSharing(second);
            java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < 10; round++) {
                    int seed = 2000 + round;
                    java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
                    java.util.concurrent.Callable<Double> a = () -> {
                        together.await();
                        return first.submit(SharedKeysTest::slowRandom, seed, 300).result(BOUND);
                    };
                    java.util.concurrent.Callable<Double> b = () -> {
                        together.await();
                        return second.submit(SharedKeysTest::slowRandom, seed, 300).result(BOUND);
                    };
                    var x = two.submit(a);
                    var y = two.submit(b);
                    assertEquals(x.get(), y.get(), "round " + round + ": both clients ran the key");
                }
            } finally {
                two.shutdownNow();
            }
        }
    }

    @Test
    void anErredKey_errsForTheOtherClient_withoutRunningAgain() {
        try (Client first = Client.of(cluster); Client second = Client.of(cluster)) {
            Future<Integer> f = first.submit(SharedKeysTest::fail, 3);
            Exception one = assertThrows(Exception.class, () -> f.result(BOUND));
            awaitSharing(second);
            Future<Integer> g = second.submit(SharedKeysTest::fail, 3);
            Exception two = assertThrows(Exception.class, () -> g.result(BOUND));
            // The message carries a random number: the same message means the same run.
            assertEquals(rootMessage(one), rootMessage(two));
            assertEquals("error", g.status());
        }
    }

    @Test
    void cancelByOneClient_dropsOnlyItsClaim_theOtherGetsTheValue() throws Exception {
        try (Client first = Client.of(cluster); Client second = Client.connect(cluster.thinClientAddress())) {
            awaitSharing(second);
            Future<Double> x = first.submit(SharedKeysTest::slowRandom, 11, 1500);
            awaitRecord(x);
            Future<Double> y = second.submit(SharedKeysTest::slowRandom, 11, 1500);
            SharedKeysProbe.awaitWaitingForOthers(second, 1);
            // The first client gives up the computation the second waits for: the second computes it.
            first.cancel(List.of(x));
            assertTrue(x.isCancelled());
            assertFalse(y.isCancelled());
            assertTrue(y.result(BOUND) >= 11);
            assertEquals("finished", y.status());
            assertThrows(FutureCancelledException.class, () -> x.result(BOUND));
        }
    }

    @Test
    void forceCancel_cancelsTheKeyForEveryClient_theOneComputingIt_andOneWaiting() throws Exception {
        try (Client first = Client.of(cluster); Client second = Client.connect(cluster.thinClientAddress());
                Client third = Client.of(cluster)) {
            awaitSharing(first);
            awaitSharing(third);
            Future<Double> x = first.submit(SharedKeysTest::slowRandom, 17, 3000);
            awaitRecord(x);
            Future<Double> y = second.submit(SharedKeysTest::slowRandom, 17, 3000);
            SharedKeysProbe.awaitWaitingForOthers(second, 1);
            third.cancel(List.of(third.submit(SharedKeysTest::slowRandom, 17, 3000)), true);
            GridFixture.awaitCondition("the computing client's future to be cancelled", x::isCancelled);
            GridFixture.awaitCondition("the waiting client's future to be cancelled", y::isCancelled);
            assertThrows(FutureCancelledException.class, () -> y.result(BOUND));
            // Submitted again once let go of, the key is computed anew.
            x.release();
            Future<Double> again = first.submit(SharedKeysTest::slowRandom, 17, 3000);
            assertEquals(x.key(), again.key());
            assertTrue(again.result(BOUND) >= 17);
        }
    }

    /** An object Kindling does not look into, carrying a future (a plain class: Ignite's marshaller cannot write records). */
    public static final class Box implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final Future<Integer> future;

        Box(Future<Integer> future) {
            this.future = future;
        }
    }

    /** Reads the future in {@code box} through the client of the node it runs on. */
    public static int openBox(Box box) throws Exception {
        Future<Integer> f = box.future;
        if (f.client() != Client.current().core()) {
            throw new IllegalStateException("the future arrived at a client other than the node's");
        }
        return f.result(BOUND) + 1;
    }

    @Test
    void aFutureInsideAnArgument_arrivesAsAFutureOfTheNodesClient_thickAndThin() throws Exception {
        try (Client thin = Client.connect(cluster.thinClientAddress())) {
            for (Client c : List.of(GRID.client(), thin)) {
                Future<Integer> x = c.submit(io.kindling.testing.Ops::inc, 41);
                x.result(BOUND);
                Future<Integer> y = c.submit(SharedKeysTest::openBox, new Box(x));
                assertEquals(43, y.result(BOUND));
                // The node's client holds the value too: it stays after its client lets go.
                x.release();
                assertEquals(44, c.submit(SharedKeysTest::plusOne, y).result(BOUND));
                y.release();
            }
            Future<Integer> pending = thin.submit(SharedKeysTest::slowInc, 1, 3000);
            TaskNotSerializableException e = assertThrows(TaskNotSerializableException.class,
                    () -> thin.submit(SharedKeysTest::openBox, new Box(pending)));
            assertTrue(e.getMessage().contains("not finished"), e.getMessage());
            pending.release();
        }
    }

    public static int plusOne(int x) {
        return x + 1;
    }

    public static int slowInc(int x, int millis) throws InterruptedException {
        Thread.sleep(millis);
        return x + 1;
    }

    /** Waits until {@code c} knows another client shares keys (it reads that every watch round). */
    private static void awaitSharing(Client c) {
        GridFixture.awaitCondition("the client to see another that shares keys", () -> c.core().sharing.lookups());
    }

    /**
     * Waits until the cluster knows of the computation of {@code f} (its client claims it before
     * it sends the task, when it already knows another client shares keys).
     */
    private static void awaitRecord(Future<?> f) {
        GridFixture.awaitCondition("the computation of " + f.key() + " to be on record", () -> {
            var keys = cluster.ignite().cache(io.kindling.grid.internal.Claims.KEYS);
            return keys != null && keys.containsKey(f.key().toString());
        });
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
