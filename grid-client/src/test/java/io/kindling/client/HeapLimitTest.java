package io.kindling.client;

import io.kindling.grid.DataMemoryFullException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scattered value that fits a node's data memory but not its heap (a node JVM of 192 MiB, 64 MiB
 * of data memory, a value of 56 MiB) is refused at the call with {@link DataMemoryFullException}
 * naming the size and the heap, instead of running the node out of heap while it arrives (which
 * stops the node, with everything it holds); the node lives and takes smaller values.
 */
class HeapLimitTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @Test
    void valueTooLargeForTheNodesHeap_refusedAtTheCall_nodeLives() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().processes(true).nodes(1).threads(1)
                .dataRegionBytes(64L << 20).nodeHeap("192m").start();
             Client client = Client.of(cluster)) {
            double[] big = new double[7 << 20];
            DataMemoryFullException e = assertThrows(DataMemoryFullException.class, () -> client.scatter(big));
            String m = e.getMessage();
            assertTrue(m.contains("a value of 56.0 MiB") && m.contains("too large for node")
                    && m.contains("up to a quarter of its heap: 48.0 MiB of 192.0 MiB") && m.contains("nodeHeap(...)"), m);
            assertEquals(1, client.nodes().size(), "the node died");
            double[] small = new double[1 << 20];
            Arrays.fill(small, 7);
            Future<double[]> f = client.scatter(small);
            assertEquals(7, f.result(BOUND)[small.length - 1]);
            f.release();
        }
    }

    /** A value of 2 MiB whose every element is {@code mark}. */
    public static double[] filled(int mark) {
        double[] a = new double[1 << 18];
        Arrays.fill(a, mark);
        return a;
    }

    /**
     * Task results that add up to more than the node's heap (120 of 2 MiB on a 192 MiB node, sent
     * in batches of many tasks) all reach the data memory and read back intact: a batch writes its
     * results as they grow instead of holding them to its end, and a small heap keeps no decoded
     * copies. Before, the node ran out of heap and stopped, with every value it held.
     */
    @Test
    void resultsAddingUpToMoreThanTheHeap_allStoredIntact_nodeLives() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().processes(true).nodes(1).threads(1)
                .nodeHeap("192m").start();
             Client client = Client.of(cluster)) {
            java.util.List<Future<double[]>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < 120; i++) {
                futures.add(client.pure(false).submit(HeapLimitTest::filled, i));
            }
            for (int i = 0; i < futures.size(); i++) {
                double[] v = futures.get(i).result(BOUND);
                assertTrue(v.length == 1 << 18 && v[0] == i && v[v.length - 1] == i, "value " + i + " intact");
            }
            assertEquals(1, client.nodes().size(), "the node lives");
            futures.forEach(Future::release);
        }
    }

    @Test
    void nodeHeap_refusesWhatTheJvmWouldNotTake() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LocalCluster.builder().nodeHeap("lots"));
        assertTrue(e.getMessage().contains("512m, 2g"), e.getMessage());
    }
}
