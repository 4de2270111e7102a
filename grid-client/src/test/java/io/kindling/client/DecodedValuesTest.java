package io.kindling.client;

import io.kindling.grid.internal.DecodedValues;
import org.apache.ignite.Ignition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A large value read, computed or received on a node stays decoded there ({@link DecodedValues}):
 * the next task on it that reads the value is served the decoded copy, and the copy goes once the
 * value is released. The reaper runs every 0.2 s here (2 s by default).
 */
class DecodedValuesTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static LocalCluster cluster;

    @BeforeAll
    static void start() {
        System.setProperty("kindling.reaper.millis", "200");
        cluster = LocalCluster.builder().nodes(2).threads(1).start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        System.clearProperty("kindling.reaper.millis");
    }

    private static List<DecodedValues> servers() {
        return Ignition.allGrids().stream().filter(g -> !g.configuration().isClientMode()
                && g.name() != null && g.name().startsWith(cluster.ignite().name().replaceAll("node-\\d+$", "")))
                .map(DecodedValues::of).toList();
    }

    private static long hits() {
        return servers().stream().mapToLong(DecodedValues::hits).sum();
    }

    private static int kept() {
        return servers().stream().mapToInt(DecodedValues::size).sum();
    }

    public static int length(double[] a) {
        return a.length;
    }

    public static double[] big(int n) {
        return new double[n];
    }

    @Test
    void aLargeValueIsDecodedOncePerNode_andDroppedWithItsData() throws Exception {
        try (Client client = Client.of(cluster)) {
            long hitsBefore = hits();
            Future<double[]> data = client.scatter(new double[1 << 20]);   // 8 MiB
            assertEquals(1 << 20, client.pure(false).submit(DecodedValuesTest::length, data).result(BOUND));
            assertTrue(kept() >= 1, "the first read kept the value decoded");
            for (int i = 0; i < 3; i++) {
                assertEquals(1 << 20, client.pure(false).submit(DecodedValuesTest::length, data).result(BOUND));
            }
            assertTrue(hits() - hitsBefore >= 2, "later reads on the node that has it were served decoded: "
                    + (hits() - hitsBefore));

            Future<double[]> computed = client.submit(DecodedValuesTest::big, 1 << 18);   // 2 MiB, computed on a node
            assertEquals(1 << 18, client.pure(false).submit(DecodedValuesTest::length, computed).result(BOUND));

            data.release();
            computed.release();
            GridFixture.awaitCondition("the decoded copies of released values to go", () -> kept() == 0);
        }
    }

    @Test
    void aScatteredValueIsDecodedOnItsNodeAsItArrives_theFirstTaskReadsThatCopy() throws Exception {
        try (Client client = Client.of(cluster)) {
            int before = kept();
            Future<double[]> data = client.scatter(new double[(1 << 20) + 3]);
            assertEquals(before + 1, kept(), "the node that stores it holds it decoded once scatter returns");
            long hitsBefore = hits();
            assertEquals((1 << 20) + 3, client.pure(false).submit(DecodedValuesTest::length, data).result(BOUND));
            assertEquals(hitsBefore + 1, hits(), "the first task read the decoded copy, not the cache");
            data.release();
            GridFixture.awaitCondition("the decoded copy of the released value to go", () -> kept() == before);
        }
    }

    @Test
    void smallValuesAreNotKept() throws Exception {
        try (Client client = Client.of(cluster)) {
            int before = kept();
            Future<int[]> small = client.scatter(new int[100]);
            client.pure(false).submit(DecodedValuesTest::small, small).result(BOUND);
            assertEquals(before, kept());
        }
    }

    public static int small(int[] a) {
        return a.length;
    }
}
