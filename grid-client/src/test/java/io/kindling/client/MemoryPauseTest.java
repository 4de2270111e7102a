package io.kindling.client;

import io.kindling.grid.internal.Spill;
import org.apache.ignite.Ignition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node whose data memory is past its pause threshold (half of 64 MiB here, spilling off so that
 * nothing frees it by itself) starts no new task, as a paused Dask worker; once values are
 * released it runs the task that waited.
 */
class MemoryPauseTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

    private static LocalCluster cluster;

    @BeforeAll
    static void start() {
        cluster = LocalCluster.builder().processes(true).nodes(2).threads(1).dataRegionBytes(64L << 20)
                .memory(0.6, 0.5, false).start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    public static boolean paused() {
        return Spill.of(Ignition.localIgnite()).paused();
    }

    public static int answer() {
        return 42;
    }

    @Test
    void aNodePastThePause_startsNoTask_untilValuesAreReleased() throws Exception {
        try (Client client = Client.of(cluster)) {
            String node = client.nodes().get(0);
            List<double[]> values = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                values.add(MemoryLimitTest.filled(i));   // 40 MiB on one node: past half of its 64 MiB
            }
            List<Future<double[]>> held = client.workers(node).scatter(values);

            Future<Integer> waiting = client.workers(node).pure(false).submit(MemoryPauseTest::answer);
            assertThrows(java.util.concurrent.TimeoutException.class, () -> Futures.wait(List.of(waiting),
                    Duration.ofSeconds(2), Futures.ReturnWhen.ALL_COMPLETED), "a task ran on a node past its pause threshold");
            Map<String, Boolean> paused = client.run(MemoryPauseTest::paused);
            assertTrue(paused.get(node), "the node does not say it is paused: " + paused);

            // The other node is not paused: work placed there runs.
            String other = client.nodes().get(1);
            assertEquals(42, client.workers(other).pure(false).submit(MemoryPauseTest::answer).result(BOUND));

            for (Future<double[]> f : held) {
                f.release();
            }
            assertEquals(42, waiting.result(BOUND), "the task did not run once memory was freed");
            assertFalse(client.run(MemoryPauseTest::paused).get(node));
        }
    }
}
