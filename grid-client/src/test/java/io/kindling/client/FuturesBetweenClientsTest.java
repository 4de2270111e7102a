package io.kindling.client;

import io.kindling.grid.internal.KindlingGrid;
import org.apache.ignite.cache.CachePeekMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Futures handed from client to client through a queue or a variable, as Dask's are: the taker
 * gets a future of its own for the same data, which stays while the queue or variable holds it
 * (after its client let go) and goes with the last holder; a task takes one out as well.
 */
@Timeout(300)
class FuturesBetweenClientsTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static LocalCluster cluster;
    private Client giver;
    private Client taker;

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
        giver = Client.of(cluster);
        taker = Client.of(cluster);
    }

    @AfterEach
    void close() {
        giver.close();
        taker.close();
    }

    private static long stored() {
        return KindlingGrid.dataCache(cluster.ignite()).sizeLong(CachePeekMode.PRIMARY);
    }

    /** Too large to travel inline with a future (64 KiB): reading it reads the cluster. */
    public static double[] big(int seed) {
        double[] out = new double[10_000];
        Arrays.fill(out, seed);
        return out;
    }

    public static double first(double[] values) {
        return values[0];
    }

    public static int fail(int x) {
        throw new IllegalStateException("no " + x);
    }

    /** A task that takes a future out of the queue and reads it on its node's client. */
    public static double takeInTask(String queue) throws Exception {
        Future<double[]> f = Coordination.here().<Future<double[]>>queue(queue).get(BOUND);
        return f.result(BOUND)[0] + 1;
    }

    @Test
    void aFutureThroughAQueue_outlivesItsGiver_andGoesWithItsTaker() throws Exception {
        long before = stored();
        Coordination.Queue<Future<double[]>> q = giver.queue("handoff", 0);
        Future<double[]> given = giver.submit(FuturesBetweenClientsTest::big, 3);
        q.put(given);
        giver.close();
        assertEquals(before + 1, stored(), "the queue holds the value after its client closed");

        Future<double[]> taken = taker.<Future<double[]>>queue("handoff", 0).get(BOUND);
        assertNotSame(given, taken);
        assertEquals(given.key(), taken.key());
        assertArrayEquals(big(3), taken.result());
        Future<Double> read = taker.submit(FuturesBetweenClientsTest::first, taken);
        assertEquals(3.0, read.result(), "a task reads it where it is");
        taken.release();
        GridFixture.awaitCondition("the value to go with its last holder (the task's result stays)",
                () -> stored() == before + 1);
        read.release();
    }

    @Test
    void aFutureInAVariable_staysUntilTheVariableIsSetAgain() throws Exception {
        long before = stored();
        Coordination.Variable<Object> v = giver.variable("handoff");
        Future<double[]> given = giver.submit(FuturesBetweenClientsTest::big, 4);
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
        giver.queue("to-a-task", 0).put(giver.submit(FuturesBetweenClientsTest::big, 6));
        assertEquals(7.0, taker.submit(FuturesBetweenClientsTest::takeInTask, "to-a-task").result());
    }

    @Test
    void closingAQueue_letsGoOfTheFuturesInIt() {
        long before = stored();
        Coordination.Queue<Future<double[]>> q = giver.queue("closed-with-futures", 0);
        Future<double[]> a = giver.submit(FuturesBetweenClientsTest::big, 7);
        q.put(a);
        a.release();
        assertEquals(before + 1, stored(), "the queue holds the value its client released");
        q.close();
        GridFixture.awaitCondition("closing the queue to delete the value nobody else held", () -> stored() == before);
    }

    @Test
    void anErredFuture_isRefusedWithTheReason() {
        Future<Integer> erred = giver.submit(FuturesBetweenClientsTest::fail, 1);
        CoordinationException e = assertThrows(CoordinationException.class, () -> giver.queue("erred", 0).put(erred));
        assertTrue(e.getMessage().contains("queue 'erred'") && e.getMessage().contains("not finished"), e.getMessage());
        assertEquals(0, giver.queue("erred", 0).size());
    }
}
