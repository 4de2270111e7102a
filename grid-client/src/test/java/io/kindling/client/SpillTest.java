package io.kindling.client;

import io.kindling.grid.internal.Spill;
import org.apache.ignite.Ignition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two node JVMs of 64 MiB data memory each take twice that in 8 MiB values: past 60% of its
 * memory a node writes cold values to disk, every value reads back intact (thick and thin
 * clients, and tasks on the nodes), and the files go when the values are released.
 */
class SpillTest {
    private static final long REGION = 64L << 20;
    private static final int DOUBLES = 1 << 20;   // 8 MiB
    private static final Duration BOUND = Duration.ofSeconds(90);

    private static LocalCluster cluster;

    @BeforeAll
    static void start() {
        cluster = LocalCluster.builder().processes(true).nodes(2).threads(1).dataRegionBytes(REGION).start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Bytes and values each node holds on disk (run on the nodes). */
    public static long[] spilled() {
        Spill s = Spill.of(Ignition.localIgnite());
        return new long[] {s.spilledBytes(), s.spilledValues()};
    }

    private static long spilledValues(Client client) {
        return client.run(SpillTest::spilled).values().stream().mapToLong(a -> a[1]).sum();
    }

    /** The spilled bytes the dashboard's workers list shows, summed over the nodes. */
    private static long dashboardSpilledBytes() throws Exception {
        String base = cluster.dashboardLink().replaceFirst("/status$", "");
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/json/workers"))
                        .timeout(Duration.ofSeconds(30)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"spilledBytes\":(\\d+)").matcher(r.body());
        long sum = 0;
        while (m.find()) {
            sum += Long.parseLong(m.group(1));
        }
        return sum;
    }

    public static double sum(double[] a) {
        double s = 0;
        for (double d : a) {
            s += d;
        }
        return s;
    }

    private static void assertIntact(List<double[]> values, List<Integer> marks) {
        assertEquals(marks.size(), values.size());
        for (int i = 0; i < values.size(); i++) {
            double[] v = values.get(i);
            int mark = marks.get(i);
            assertTrue(v.length == DOUBLES && v[0] == mark && v[DOUBLES / 2] == mark && v[DOUBLES - 1] == mark,
                    "value " + mark + " changed");
        }
    }

    @Test
    void scatterTwiceTheMemory_spills_everyValueReadsBack_tasksReadThem_filesGoOnRelease() throws Exception {
        try (Client client = Client.of(cluster)) {
            List<Integer> marks = IntStream.range(1, 25).boxed().collect(Collectors.toList());   // 192 MiB
            List<Future<double[]>> futures = new ArrayList<>();
            for (int mark : marks) {
                futures.add(client.scatter(MemoryLimitTest.filled(mark)));
            }
            assertEquals(2, client.nodes().size(), "a node died");
            assertTrue(spilledValues(client) >= 8, "too few values on disk: " + client.run(SpillTest::spilled));
            assertTrue(dashboardSpilledBytes() >= 8L * DOUBLES * 8, "the dashboard does not show what is on disk");

            assertIntact(client.gather(futures), marks);
            List<Double> sums = client.gather(client.map(SpillTest::sum, futures));
            for (int i = 0; i < marks.size(); i++) {
                assertEquals(marks.get(i) * (double) DOUBLES, sums.get(i), "the task read another value");
            }

            for (Future<double[]> f : futures) {
                f.release();
            }
            long deadline = System.nanoTime() + BOUND.toNanos();
            long left;
            while ((left = spilledValues(client)) > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(0, left, "files of released values are still on disk");
        }
    }

    @Test
    void taskResultsTwiceTheMemory_allFinish_andReadBackIntact() {
        try (Client client = Client.of(cluster)) {
            List<Integer> marks = IntStream.range(100, 124).boxed().collect(Collectors.toList());   // 192 MiB
            List<Future<double[]>> futures = client.map(MemoryLimitTest::filled, marks);
            assertIntact(client.gather(futures), marks);
            assertTrue(spilledValues(client) >= 8, "too few values on disk: " + client.run(SpillTest::spilled));
            assertEquals(2, client.nodes().size(), "a node died");
        }
    }

    @Test
    void thinClient_scattersPastTheMemory_andReadsItBack() {
        try (Client thin = Client.connect(cluster.thinClientAddress())) {
            List<Integer> marks = IntStream.range(200, 220).boxed().collect(Collectors.toList());   // 160 MiB
            List<Future<double[]>> futures = new ArrayList<>();
            for (int mark : marks) {
                futures.add(thin.scatter(MemoryLimitTest.filled(mark)));
            }
            assertTrue(spilledValues(thin) > 0, "nothing on disk: " + thin.run(SpillTest::spilled));
            assertIntact(thin.gather(futures), marks);
        }
    }

    @Test
    void oneScatterOfManyValuesLargerThanTheMemory_fitsThroughSpilling() throws Exception {
        try (Client client = Client.of(cluster)) {
            List<double[]> values = new ArrayList<>();
            List<Integer> marks = IntStream.range(300, 320).boxed().collect(Collectors.toList());   // 160 MiB in one call
            for (int mark : marks) {
                values.add(MemoryLimitTest.filled(mark));
            }
            List<Future<double[]>> futures = client.scatter(values);
            Map<String, long[]> disk = client.run(SpillTest::spilled);
            assertTrue(disk.values().stream().mapToLong(a -> a[1]).sum() > 0, "nothing on disk");
            assertIntact(client.gather(futures), marks);
            assertTrue(Arrays.equals(MemoryLimitTest.filled(319), futures.get(19).result(BOUND)));
        }
    }
}
