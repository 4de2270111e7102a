package io.kindling.client;

import io.kindling.grid.internal.KindlingGrid;
import io.kindling.testing.Ops;
import io.kindling.grid.internal.TaskEvents;
import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;
import org.apache.ignite.cache.CachePeekMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client killed with {@code kill -9} while holding futures leaves no data behind: once its lease
 * runs out, the servers' reapers remove what it wrote; and the nodes stop running its tasks. The
 * lease is shortened to 1.5 s and the reaper runs every 0.5 s here (10 s and 2 s by default).
 */
class LeaseTest {
    private static LocalCluster cluster;

    @BeforeAll
    static void start() {
        System.setProperty("kindling.reaper.millis", "500");
        cluster = LocalCluster.builder().nodes(2).threads(1).start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
        System.clearProperty("kindling.reaper.millis");
    }

    private static long dataSize() {
        return KindlingGrid.dataCache(cluster.ignite()).sizeLong(CachePeekMode.PRIMARY);
    }

    /** Starts a client JVM ({@link LeaseHolder}) and waits until it holds its data. */
    private static Process holder(String mode, boolean work) throws Exception {
        return holder(mode, work ? "work" : "hold");
    }

    private static Process holder(String mode, String what) throws Exception {
        String discovery = cluster.discoveryAddresses();
        String where = mode.equals("thin") ? cluster.thinClientAddress()
                : discovery.substring(discovery.indexOf(':') + 1, discovery.indexOf(".."));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(io.kindling.grid.internal.JvmFlags.addOpens());
        command.addAll(List.of("-Dkindling.lease.millis=1500", "-cp", System.getProperty("java.class.path"),
                LeaseHolder.class.getName(), mode, where, what));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null && !line.startsWith(LeaseHolder.HOLDING)) {
            seen.append(line).append('\n');
        }
        if (line == null) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("the client never held its data:\n" + seen);
        }
        return child;
    }

    @ParameterizedTest
    @ValueSource(strings = {"thin", "thick"})
    void killedClient_dataReclaimedAfterLease(String mode) throws Exception {
        Process child = holder(mode, false);
        try {
            assertTrue(dataSize() >= 7, "the client's data is on the cluster: " + dataSize());
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            GridFixture.awaitCondition("the dead client's data to be reclaimed", () -> dataSize() == 0);
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * A client killed with {@code kill -9} after publishing: the reapers take what it held alone
     * and keep what its dataset names, which another client then reads; unpublished, it goes.
     */
    @ParameterizedTest
    @ValueSource(strings = {"thin", "thick"})
    void killedPublisher_itsDatasetStays_untilUnpublished(String mode) throws Exception {
        Process child = holder(mode, "publish");
        try {
            assertTrue(dataSize() >= 7, "the client's data is on the cluster: " + dataSize());
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            GridFixture.awaitCondition("the dead client's unpublished data to be reclaimed", () -> dataSize() == 3);
            try (Client reader = Client.of(cluster)) {
                List<Future<Integer>> data = reader.getDataset(LeaseHolder.DATASET);
                assertEquals(List.of(11, 21, 31), reader.gather(reader.map(Ops::inc, data)),
                        "tasks on the nodes read the published values");
                reader.unpublish(LeaseHolder.DATASET);
                assertEquals(6, dataSize(), "the reader still holds them (beside its own three results)");
            }
            GridFixture.awaitCondition("the values to go with their last holder", () -> dataSize() == 0);
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
            try (Client c = Client.of(cluster)) {
                if (c.listDatasets().contains(LeaseHolder.DATASET)) {
                    c.unpublish(LeaseHolder.DATASET);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"thin", "thick"})
    void killedClient_theValuesItShared_stayWithTheirOtherHolder(String mode) throws Exception {
        Process child = holder(mode, false);
        try (Client reader = Client.of(cluster)) {
            GridFixture.awaitCondition("the reader to see the other client", () -> reader.core().sharing.lookups());
            long before = tasksRun("inc");
            List<Future<Integer>> shared = reader.map(Ops::inc, List.of(1, 2));
            assertEquals(List.of(2, 3), reader.gather(shared));
            assertEquals(before, tasksRun("inc"), "the reader ran tasks the other client had computed");
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            GridFixture.awaitCondition("the dead client's values nobody else holds to be reclaimed",
                    () -> dataSize() == 2);
            assertEquals(List.of(2, 3), reader.gather(shared), "the values the reader shares stay");
            assertEquals(List.of(3, 4), reader.gather(reader.map(Ops::inc, shared)), "tasks read them where they are");
            // A key the dead client computed and nobody shared is computed again, not waited for.
            assertEquals(4, reader.submit(Ops::inc, 3).result(java.time.Duration.ofSeconds(60)));
            GridFixture.awaitCondition("the reaper to drop the dead client's key records", () -> deadRecords() == 0);
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        GridFixture.awaitCondition("the values to go with their last holder", () -> dataSize() == 0);
    }

    /** Records of the shared key table written by clients that hold no lease. */
    private static long deadRecords() {
        org.apache.ignite.IgniteCache<String, byte[]> keys = cluster.ignite().cache(io.kindling.grid.internal.Claims.KEYS);
        if (keys == null) {
            return 0;
        }
        long n = 0;
        for (javax.cache.Cache.Entry<String, byte[]> e : keys) {
            String client = io.kindling.grid.internal.Claims.recordClient(e.getValue());
            n += KindlingGrid.leaseCache(cluster.ignite()).containsKey(client) ? 0 : 1;
        }
        return n;
    }

    /** Tasks of {@code function} that the nodes have finished. */
    private static long tasksRun(String function) {
        long n = 0;
        for (Ignite node : Ignition.allGrids()) {
            long[] counts = TaskEvents.forNode(node.name()).functionCounts().get(function);
            n += counts == null ? 0 : counts[0] + counts[1];
        }
        return n;
    }

    /** Tasks of the function {@code slow} that the nodes have run or are running. */
    private static long slowTasksStarted() {
        long n = 0;
        for (Ignite node : Ignition.allGrids()) {
            TaskEvents events = TaskEvents.forNode(node.name());
            long[] counts = events.functionCounts().get("slow");
            n += counts == null ? 0 : counts[0] + counts[1];
            n += events.running().stream().filter(e -> e.function().equals("slow")).count();
        }
        return n;
    }

    private static boolean slowTaskRunning() {
        for (Ignite node : Ignition.allGrids()) {
            if (TaskEvents.forNode(node.name()).running().stream().anyMatch(e -> e.function().equals("slow"))) {
                return true;
            }
        }
        return false;
    }

    @ParameterizedTest
    @ValueSource(strings = {"thin", "thick"})
    void killedClient_nodesStopRunningItsTasks(String mode) throws Exception {
        long before = slowTasksStarted();
        Process child = holder(mode, true);
        try {
            GridFixture.awaitCondition("the client's tasks to run", LeaseTest::slowTaskRunning);
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            GridFixture.awaitCondition("the nodes to stop the dead client's tasks", () -> !slowTaskRunning());
            long ran = slowTasksStarted() - before;
            assertTrue(ran < LeaseHolder.SLOW_TASKS / 2, ran + " of " + LeaseHolder.SLOW_TASKS
                    + " tasks ran: the nodes went on with a dead client's work");
            GridFixture.awaitCondition("the dead client's data to be reclaimed", () -> dataSize() == 0);
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
