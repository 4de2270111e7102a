package io.kindling.client;

import io.kindling.Delayed;
import io.kindling.grid.internal.KindlingGrid;
import org.apache.ignite.cache.CachePeekMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

import static io.kindling.Delayed.delayed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Datasets (Dask's {@code publish_dataset}): futures published by one client are fetched by
 * another, thick or thin, as futures of its own for the same data (not computed again); the data
 * outlives its publisher while the name stands, and outlives the name while a client holds what it
 * fetched; it goes when the last holder does; a taken name is an error unless replaced on
 * purpose; a fetch racing an unpublish either gets the data or a clear error, and leaks nothing.
 * Futures also go from client to client through queues and variables ({@link ThroughQueuesAndVariables}).
 */
@Timeout(300)
class DatasetsTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static LocalCluster cluster;
    /** A client per test, closed after it (its deletions done), so that each test counts stored values alone. */
    private Client owner;

    @BeforeAll
    static void start() {
        cluster = LocalCluster.builder().nodes(2).threads(2).start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void open() {
        owner = Client.of(cluster);
    }

    @AfterEach
    void close() {
        owner.close();
    }

    private static long stored() {
        return KindlingGrid.dataCache(cluster.ignite()).sizeLong(CachePeekMode.PRIMARY);
    }

    /** A different value on every run: a task run twice would show. */
    public static double random(int seed) {
        return seed + ThreadLocalRandom.current().nextDouble();
    }

    public static double plusOne(double x) {
        return x + 1;
    }

    public static int fail(int x) {
        throw new IllegalStateException("no " + x);
    }

    @Test
    void anotherClientGetsTheSameData_asFuturesOfItsOwn_andNothingRunsAgain() {
        List<Future<Double>> made = owner.pure(false).map(DatasetsTest::random, List.of(1, 2, 3));
        List<Double> values = owner.gather(made);
        owner.publish("same-data", Map.of("made", made, "label", "three randoms"));
        try (Client other = Client.of(cluster); Client thin = Client.connect(cluster.thinClientAddress())) {
            for (Client c : List.of(other, thin)) {
                Map<String, Object> got = c.getDataset("same-data");
                assertEquals("three randoms", got.get("label"));
                @SuppressWarnings("unchecked")
                List<Future<Double>> theirs = (List<Future<Double>>) got.get("made");
                assertEquals(values, c.gather(theirs), "the fetched futures read the published values");
                assertEquals(made.get(0).key(), theirs.get(0).key());
                assertNotSame(made.get(0), theirs.get(0));
                // a task of the other client reads the value where it is
                assertEquals(values.get(1) + 1, c.submit(DatasetsTest::plusOne, theirs.get(1)).result());
            }
            assertTrue(other.listDatasets().contains("same-data"), other.listDatasets().toString());
        } finally {
            owner.unpublish("same-data");
        }
        assertEquals(values, owner.gather(made), "the publisher's own futures still hold the data");
    }

    /** Too large for a future to carry inline (64 KiB): reading it reads the cluster. */
    public static double[] big(int seed) {
        double[] out = new double[10_000];
        java.util.Arrays.fill(out, seed);
        return out;
    }

    public static double first(double[] values) {
        return values[0];
    }

    /** A task that takes a future out of the queue and reads it on its node's client. */
    public static double takeInTask(String queue) throws Exception {
        Future<double[]> f = Coordination.here().<Future<double[]>>queue(queue).get(BOUND);
        try {
            return f.result(BOUND)[0] + 1;
        } finally {
            f.release();
        }
    }

    @Test
    void theDataOutlivesItsPublisher_thenTheName_andGoesWithTheLastHolder() {
        long before = stored();
        List<double[]> values;
        try (Client publisher = Client.of(cluster)) {
            List<Future<double[]>> made = publisher.pure(false).map(DatasetsTest::big, List.of(4, 5));
            values = publisher.gather(made);
            publisher.publish("outlives", made);
        }
        assertEquals(before + 2, stored(), "the published values stayed when their client closed");
        try (Client reader = Client.of(cluster)) {
            List<Future<double[]>> fetched = reader.getDataset("outlives");
            assertArrayEquals(values.get(0), fetched.get(0).result());
            reader.unpublish("outlives");
            assertFalse(reader.listDatasets().contains("outlives"));
            assertArrayEquals(values.get(1), fetched.get(1).result(), "a fetched future holds its data after the name is gone");
            fetched.forEach(Future::release);
            GridFixture.awaitCondition("the last holder's release to delete the data", () -> stored() == before);
        }
    }

    @Test
    void unpublishedWhileNobodyHoldsIt_theDataGoes() {
        long before = stored();
        try (Client publisher = Client.of(cluster)) {
            publisher.publish("short-lived", publisher.scatter(List.of(7, 8, 9)));
        }
        assertEquals(before + 3, stored());
        owner.unpublish("short-lived");
        assertEquals(before, stored(), "unpublish deleted the values nobody held");
    }

    @Test
    void aTakenName_isAnError_unlessReplacedOnPurpose() {
        Future<Integer> first = owner.scatter(1);
        owner.publish("taken", first);
        try {
            DatasetException e = assertThrows(DatasetException.class, () -> owner.publish("taken", owner.scatter(2)));
            assertTrue(e.getMessage().contains("'taken' exists already") && e.getMessage().contains("publish(name, value, true)"),
                    e.getMessage());
            owner.publish("taken", owner.scatter(3), true);
            try (Client other = Client.of(cluster)) {
                Future<Integer> got = other.getDataset("taken");
                assertEquals(3, got.result());
            }
        } finally {
            owner.unpublish("taken");
        }
        assertEquals(1, first.result(), "replacing a dataset leaves the publisher's futures alone");
    }

    @Test
    void missingNames_andUnfinishedFutures_getClearErrors() {
        DatasetException missing = assertThrows(DatasetException.class, () -> owner.getDataset("no-such-dataset"));
        assertTrue(missing.getMessage().contains("no dataset named 'no-such-dataset'"), missing.getMessage());
        assertEquals("fallback", owner.getDataset("no-such-dataset", "fallback"));
        assertThrows(DatasetException.class, () -> owner.unpublish("no-such-dataset"));
        assertThrows(DatasetException.class, () -> owner.publish(" ", owner.scatter(1)));

        Future<Integer> erred = owner.submit(DatasetsTest::fail, 1);
        DatasetException notFinished = assertThrows(DatasetException.class, () -> owner.publish("erred", erred));
        assertTrue(notFinished.getMessage().contains("not finished"), notFinished.getMessage());
        assertFalse(owner.listDatasets().contains("erred"));

        DatasetException notSerializable = assertThrows(DatasetException.class,
                () -> owner.publish("odd", List.of(new Object())));
        assertTrue(notSerializable.getMessage().contains("java.lang.Object"), notSerializable.getMessage());
    }

    @Test
    void aPersistedDelayed_isPublishedAndBuiltOnByAnotherClient() {
        Delayed<Double> persisted = owner.persist(delayed(DatasetsTest::random, 10));
        double value = owner.compute(persisted).result();
        owner.publish("persisted", persisted);
        try (Client other = Client.of(cluster)) {
            Delayed<Double> got = other.getDataset("persisted");
            assertEquals(value, other.compute(got).result(), "the same value, not computed again");
            assertEquals(value + 1, other.compute(delayed(DatasetsTest::plusOne, got)).result());
        } finally {
            owner.unpublish("persisted");
        }
    }

    /**
     * Publish, fetch and unpublish race, round after round: every fetch either reads the values
     * or says the dataset was unpublished, and once every client lets go nothing is left behind.
     */
    @Test
    void fetchRacingUnpublish_neverLeavesAReferenceToDeletedData_norLeaksAny() throws Exception {
        long before = stored();
        int fetched = 0;
        int refused = 0;
        try (Client reader = Client.of(cluster); Client remover = Client.connect(cluster.thinClientAddress())) {
            for (int round = 0; round < 20; round++) {
                try (Client publisher = Client.of(cluster)) {
                    publisher.publish("raced", publisher.submit(DatasetsTest::big, round));
                }
                CountDownLatch go = new CountDownLatch(1);
                AtomicReference<Throwable> removal = new AtomicReference<>();
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        remover.unpublish("raced");
                    } catch (Throwable e) {
                        removal.set(e);
                    }
                });
                t.start();
                go.countDown();
                try {
                    Future<double[]> got = reader.getDataset("raced");
                    assertEquals(round, (int) got.result()[0], "round " + round);
                    got.release();
                    fetched++;
                } catch (DatasetException e) {
                    assertTrue(e.getMessage().contains("'raced'"), e.getMessage());
                    refused++;
                }
                t.join(60_000);
                assertFalse(t.isAlive());
                assertEquals(null, removal.get());
            }
        }
        assertEquals(20, fetched + refused);
        GridFixture.awaitCondition("every raced value to be deleted", () -> stored() == before);
        List<String> left = new ArrayList<>(owner.listDatasets());
        assertFalse(left.contains("raced"), left.toString());
    }

    /**
     * Futures handed from client to client through a queue or a variable, as Dask's are: the
     * taker gets a future of its own for the same data, which stays while the queue or variable
     * holds it (after its client let go) and goes with the last holder; a task takes one out too.
     */
    @Nested
    class ThroughQueuesAndVariables {
        private Client giver;
        private Client taker;

        @BeforeEach
        void openTaker() {
            giver = owner;
            taker = Client.of(cluster);
        }

        @AfterEach
        void closeTaker() {
            taker.close();
        }

        @Test
        void aFutureThroughAQueue_outlivesItsGiver_andGoesWithItsTaker() throws Exception {
            long before = stored();
            Client giver = Client.of(cluster);
            Coordination.Queue<Future<double[]>> q = giver.queue("handoff", 0);
            Future<double[]> given = giver.submit(DatasetsTest::big, 3);
            q.put(given);
            giver.close();
            assertEquals(before + 1, stored(), "the queue holds the value after its client closed");

            Future<double[]> taken = taker.<Future<double[]>>queue("handoff", 0).get(BOUND);
            assertNotSame(given, taken);
            assertEquals(given.key(), taken.key());
            assertArrayEquals(big(3), taken.result());
            Future<Double> read = taker.submit(DatasetsTest::first, taken);
            assertEquals(3.0, read.result(), "a task reads it where it is");
            taken.release();
            GridFixture.awaitCondition("the value to go with its last holder (the task's result stays)",
                    () -> stored() == before + 1);
            read.release();
            GridFixture.awaitCondition("the task's result to go too, before the next test counts", () -> stored() == before);
        }

        @Test
        void aFutureInAVariable_staysUntilTheVariableIsSetAgain() throws Exception {
            long before = stored();
            Coordination.Variable<Object> v = giver.variable("handoff");
            Future<double[]> given = giver.submit(DatasetsTest::big, 4);
            v.set(given);
            given.release();
            assertEquals(before + 1, stored(), "the variable holds the value its client released");

            @SuppressWarnings("unchecked")
            Future<double[]> read = (Future<double[]>) taker.variable("handoff").get(BOUND);
            assertArrayEquals(big(4), read.result());
            taker.variable("handoff").set(5);
            assertEquals(before + 1, stored(), "the reader still holds it");
            read.release();
            GridFixture.awaitCondition("the value to go once nobody holds it", () -> stored() == before);
            assertEquals(5, taker.variable("handoff").get(BOUND));
            v.delete();
        }

        @Test
        void aTaskTakesAFutureOutOfAQueue_andReadsIt() {
            long before = stored();
            Future<double[]> given = giver.submit(DatasetsTest::big, 6);
            giver.queue("to-a-task", 0).put(given);
            Future<Double> read = taker.submit(DatasetsTest::takeInTask, "to-a-task");
            assertEquals(7.0, read.result());
            read.release();
            given.release();
            // The node's own client held it too: nothing may be left for the next test to count.
            GridFixture.awaitCondition("every holder, the task's client too, to let go", () -> stored() == before);
        }

        @Test
        void closingAQueue_letsGoOfTheFuturesInIt() {
            long before = stored();
            Coordination.Queue<Future<double[]>> q = giver.queue("closed-with-futures", 0);
            Future<double[]> a = giver.submit(DatasetsTest::big, 7);
            q.put(a);
            a.release();
            assertEquals(before + 1, stored(), "the queue holds the value its client released");
            q.close();
            GridFixture.awaitCondition("closing the queue to delete the value nobody else held", () -> stored() == before);
        }

        @Test
        void anErredFuture_isRefusedWithTheReason() {
            Future<Integer> erred = giver.submit(DatasetsTest::fail, 1);
            CoordinationException e = assertThrows(CoordinationException.class, () -> giver.queue("erred", 0).put(erred));
            assertTrue(e.getMessage().contains("queue 'erred'") && e.getMessage().contains("not finished"), e.getMessage());
            assertEquals(0, giver.queue("erred", 0).size());
        }
    }
}
