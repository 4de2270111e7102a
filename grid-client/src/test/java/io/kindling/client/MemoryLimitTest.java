package io.kindling.client;

import io.kindling.grid.DataMemoryFullException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cluster whose data memory fills up (two node JVMs of 64 MiB each, 8 MiB values, spilling to
 * disk turned off, as it is for values Java serialization cannot write): the call
 * that would not fit fails with {@link DataMemoryFullException} naming the size and the limit,
 * no node dies, every value accepted before reads back intact, and memory released is usable again.
 */
class MemoryLimitTest {
    private static final long REGION = 64L << 20;
    private static final int DOUBLES = 1 << 20;   // 8 MiB
    private static final Duration BOUND = Duration.ofSeconds(60);

    private static LocalCluster cluster;

    @BeforeAll
    static void start() {
        // No spilling and no pause: the refusal alone (SpillTest and MemoryPauseTest have the others).
        cluster = LocalCluster.builder().processes(true).nodes(2).threads(1).dataRegionBytes(REGION)
                .memory(0.6, 1.0, false).start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    public static double[] filled(int mark) {
        double[] a = new double[DOUBLES];
        Arrays.fill(a, mark);
        return a;
    }

    private static void assertIntact(List<Future<double[]>> futures, List<Integer> marks) throws Exception {
        for (int i = 0; i < futures.size(); i++) {
            double[] v = futures.get(i).result(BOUND);
            int mark = marks.get(i);
            assertTrue(v.length == DOUBLES && v[0] == mark && v[DOUBLES - 1] == mark, "value " + mark + " changed");
        }
    }

    @Test
    void scatterPastTheLimit_failsThatCall_nodesLive_earlierValuesIntact_releasedMemoryReused() throws Exception {
        try (Client client = Client.of(cluster)) {
            List<Future<double[]>> kept = new ArrayList<>();
            List<Integer> marks = new ArrayList<>();
            DataMemoryFullException full = null;
            for (int i = 0; i < 40 && full == null; i++) {
                try {
                    kept.add(client.scatter(filled(i)));
                    marks.add(i);
                } catch (DataMemoryFullException e) {
                    full = e;
                }
            }
            assertTrue(full != null, "128 MiB of memory took 40 values of 8 MiB");
            assertTrue(kept.size() >= 8, "only " + kept.size() + " values fitted in 2 x 64 MiB");
            String m = full.getMessage();
            assertTrue(m.contains("scatter of 1 value (8.0 MiB)") && m.contains("64.0 MiB each")
                    && m.contains("kindling.data.region.bytes") && m.contains("Release futures"), m);

            assertEquals(2, client.nodes().size(), "a node died of the full memory");
            assertIntact(kept, marks);

            // Memory given back is used again.
            for (Future<double[]> f : kept.subList(0, kept.size() / 2)) {
                f.release();
            }
            Future<double[]> again = client.scatter(filled(-1));
            assertEquals(-1, again.result(BOUND)[DOUBLES - 1]);
            assertIntact(kept.subList(kept.size() / 2, kept.size()), marks.subList(kept.size() / 2, kept.size()));
        }
    }

    @Test
    void aValueLargerThanANode_failsItsScatter_thickAndThin() throws Exception {
        double[] huge = new double[12 << 20];   // 96 MiB: more than any node holds
        try (Client thick = Client.of(cluster); Client thin = Client.connect(cluster.thinClientAddress())) {
            for (Client client : List.of(thick, thin)) {
                DataMemoryFullException e = assertThrows(DataMemoryFullException.class, () -> client.scatter(huge));
                assertTrue(e.getMessage().contains("96.0 MiB") && e.getMessage().contains("64.0 MiB each"), e.getMessage());
                assertEquals(2, client.nodes().size());
                assertEquals(7, client.submit(MemoryLimitTest::seven).result(BOUND), "the cluster still works");
            }
        }
    }

    @Test
    void firstReplicasOnAFullCluster_failsThatCall_thickAndThin_nodesLive_createdOnceThereIsRoom() throws Exception {
        try (Client client = Client.of(cluster); Client thin = Client.connect(cluster.thinClientAddress())) {
            List<Future<double[]>> kept = new ArrayList<>();
            List<Integer> marks = new ArrayList<>();
            // Full to the last MiB: 8 MiB values, then 1 MiB ones, until the memory refuses.
            for (int doubles : new int[] {DOUBLES, DOUBLES / 8}) {
                boolean refused = false;
                for (int i = 0; i < 200 && !refused; i++) {
                    try {
                        int mark = 1000 + kept.size();
                        kept.add(client.scatter(filledWith(mark, doubles)));
                        marks.add(mark);
                    } catch (DataMemoryFullException e) {
                        refused = true;
                    }
                }
                assertTrue(refused, "the memory took 200 values of " + doubles * 8 + " bytes");
            }
            for (Client c : List.of(client, thin)) {
                int replicas = c == client ? 1 : 2;
                DataMemoryFullException e = assertThrows(DataMemoryFullException.class,
                        () -> c.replicas(replicas).scatter(1));
                String m = e.getMessage();
                assertTrue(m.contains("kindling-data-" + replicas) && m.contains("replicas(" + replicas + ")")
                        && m.contains("64.0 MiB") && m.contains("before memory fills"), m);
                assertEquals(2, c.nodes().size(), "a node died creating the cache on a full memory");
            }
            for (int i = 0; i < kept.size(); i++) {
                double[] v = kept.get(i).result(BOUND);
                assertTrue(v[0] == marks.get(i) && v[v.length - 1] == marks.get(i), "value " + marks.get(i) + " changed");
            }
            // Once memory is given back, the same call creates the cache and keeps its copies.
            for (Future<double[]> f : kept) {
                f.release();
            }
            java.util.concurrent.atomic.AtomicReference<Future<Integer>> replicated = new java.util.concurrent.atomic.AtomicReference<>();
            GridFixture.awaitCondition("the replicas cache to be created once memory freed", () -> {
                try {
                    replicated.set(client.replicas(1).scatter(41));
                    return true;
                } catch (DataMemoryFullException stillFull) {
                    return false;
                }
            });
            assertEquals(41, replicated.get().result(BOUND));
            assertEquals(2, client.nodes().size());
        }
    }

    public static double[] filledWith(int mark, int doubles) {
        double[] a = new double[doubles];
        Arrays.fill(a, mark);
        return a;
    }

    public static int seven() {
        return 7;
    }

    @Test
    void taskResultsPastTheLimit_errWithTheReason_nodesLive_finishedValuesIntact() throws Exception {
        try (Client client = Client.of(cluster)) {
            List<Integer> marks = IntStream.range(100, 140).boxed().collect(Collectors.toList());
            List<Future<double[]>> futures = client.map(MemoryLimitTest::filled, marks);
            Futures.wait(futures, BOUND, Futures.ReturnWhen.ALL_COMPLETED);
            List<Future<double[]>> finished = new ArrayList<>();
            List<Integer> finishedMarks = new ArrayList<>();
            int erred = 0;
            for (int i = 0; i < futures.size(); i++) {
                Future<double[]> f = futures.get(i);
                if (f.status().equals("finished")) {
                    finished.add(f);
                    finishedMarks.add(marks.get(i));
                } else {
                    Throwable e = f.exception(BOUND);
                    while (e != null && !(e instanceof DataMemoryFullException)) {
                        e = e.getCause();
                    }
                    assertTrue(e != null, "erred for another reason: " + f.exception(BOUND));
                    assertTrue(e.getMessage().contains("(8.0 MiB) does not fit in the data memory of node")
                            && e.getMessage().contains("64.0 MiB"), e.getMessage());
                    erred++;
                }
            }
            assertTrue(erred > 0 && finished.size() >= 8, erred + " erred, " + finished.size() + " finished");
            assertEquals(2, client.nodes().size(), "a node died of the full memory");
            assertIntact(finished, finishedMarks);
        }
    }
}
