package io.kindling.client;

import io.kindling.grid.LostDataException;
import io.kindling.grid.TaskExitException;
import io.kindling.scheduler.TaskFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cluster of three child-JVM nodes loses one to {@code kill -9} (or to a hostile task) in the
 * middle of work: the results are right, lost values without lineage are reported as lost, and
 * nothing is left in the grid or running afterwards. Each test starts its own cluster and stops
 * every process it started.
 */
class ResilienceTest {
    private static final Duration BOUND = Duration.ofSeconds(90);
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
    }

    private LocalCluster cluster(int nodes) {
        LocalCluster c = LocalCluster.builder().processes(true).nodes(nodes).threads(1).dashboard(false).start();
        opened.add(c);
        return c;
    }

    private <C extends AutoCloseable> C open(C c) {
        opened.add(c);
        return c;
    }

    /** Kills the node's process with SIGKILL and waits until it is gone. */
    private static void kill(LocalCluster cluster, String node) throws Exception {
        ProcessHandle p = cluster.process(node);
        p.destroyForcibly();
        p.onExit().get(30, TimeUnit.SECONDS);
    }

    /** Values of this client in memory on {@code node} now. */
    private static long inMemoryOn(Client client, String node) {
        synchronized (client.core().state) {
            return client.core().state.inMemory().stream().filter(e -> node.equals(e.node)).count();
        }
    }

    /**
     * The future's value within {@link #BOUND}; when it is not done by then, a failure that shows
     * where the graph under it stands: the first unfinished entries whose inputs are all done,
     * with their stories, and what is processing on each node.
     */
    private static <T> T resultOrReport(Client client, Future<T> f) throws InterruptedException {
        try {
            return f.result(BOUND);
        } catch (java.util.concurrent.TimeoutException timedOut) {
            StringBuilder report = new StringBuilder(timedOut.getMessage());
            synchronized (client.core().state) {
                KeyEntry e = client.core().state.get(f.key());
                java.util.Set<KeyEntry> seen = new java.util.HashSet<>();
                java.util.ArrayDeque<KeyEntry> todo = new java.util.ArrayDeque<>(List.of(e));
                List<KeyEntry> frontier = new ArrayList<>();
                while (!todo.isEmpty() && frontier.size() < 5) {
                    KeyEntry x = todo.pop();
                    if (!seen.add(x) || x.state == KeyEntry.State.MEMORY) {
                        continue;
                    }
                    boolean inputsDone = x.inputs.stream().allMatch(i -> i.state == KeyEntry.State.MEMORY);
                    if (inputsDone) {
                        frontier.add(x);
                    }
                    todo.addAll(x.inputs);
                }
                report.append("\nprocessing: ").append(client.core().state.processing());
                for (KeyEntry x : frontier) {
                    report.append("\nstuck ").append(x.key).append(' ').append(x.state)
                            .append(" unfinishedInputs=").append(x.unfinishedInputs).append(" batch=").append(x.batch);
                    for (Transition t : client.core().state.story(Set.of(x.key))) {
                        report.append("\n  ").append(t);
                    }
                }
            }
            report.append(pendingRegistrations());
            throw new AssertionError(report.toString(), timedOut);
        }
    }

    /**
     * The class names this JVM's Ignite nodes are registering cluster-wide and still wait for,
     * with the threads waiting: a registration cut short by a node's death holds its sends.
     */
    private static String pendingRegistrations() {
        StringBuilder out = new StringBuilder();
        for (org.apache.ignite.Ignite ignite : org.apache.ignite.Ignition.allGrids()) {
            try {
                Object mapping = ((org.apache.ignite.internal.IgniteEx) ignite).context().mapping();
                java.lang.reflect.Field f = mapping.getClass().getDeclaredField("mappingExchangeSyncMap");
                f.setAccessible(true);
                out.append("\npending registrations on ").append(ignite.name()).append(": ")
                        .append(((java.util.Map<?, ?>) f.get(mapping)).keySet());
            } catch (ReflectiveOperationException | RuntimeException e) {
                out.append("\npending registrations on ").append(ignite.name()).append(" unknown: ").append(e);
            }
        }
        Thread.getAllStackTraces().forEach((t, stack) -> {
            for (StackTraceElement e : stack) {
                if (e.getMethodName().equals("registerClassName")) {
                    out.append("\nwaiting in a registration: ").append(t.getName());
                    for (int i = 0; i < Math.min(stack.length, 40); i++) {
                        out.append("\n    at ").append(stack[i]);
                    }
                    break;
                }
            }
        });
        return out.toString();
    }

    /** After the test's futures are released: the client holds nothing and the grid is empty. */
    private static void awaitNothingLeft(Client client) {
        GridFixture.awaitCondition("the client to forget every key and the grid to hold no data", () -> {
            System.gc();
            synchronized (client.core().state) {
                client.core().state.validate();
            }
            return client.core().state.size() == 0 && client.core().backend.dataSize() == 0;
        });
    }

    @Test
    void treeReduction_nodeKilledMidway_rightResult_nothingLeft() throws Exception {
        LocalCluster cluster = cluster(3);
        Client client = open(Client.of(cluster));
        int leaves = 10_000;
        Future<Integer> total = client.compute(Hostile.tree(leaves));
        String victim = client.nodes().get(1);
        GridFixture.awaitCondition("results on the victim", () -> inMemoryOn(client, victim) >= 200 || total.done());
        assertFalse(total.done(), "the tree finished before the kill: the test must kill a node mid-way");
        kill(cluster, victim);
        assertEquals(Hostile.treeValue(leaves), resultOrReport(client, total));
        assertEquals(2, client.nodes().size());
        total.release();
        awaitNothingLeft(client);
    }

    @Test
    void mapAndSum_nodeKilledMidway_thinClient_rightResult() throws Exception {
        LocalCluster cluster = cluster(3);
        Client client = open(Client.connect(cluster.thinClientAddress()));
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            items.add(i);
        }
        List<Future<Integer>> incs = client.map(Hostile::slowInc, items);
        Future<Integer> total = client.submit(Hostile::sum, incs);
        String victim = client.nodes().get(2);
        GridFixture.awaitCondition("results on the victim", () -> inMemoryOn(client, victim) >= 200 || total.done());
        assertFalse(total.done(), "the sum finished before the kill: the test must kill a node mid-way");
        kill(cluster, victim);
        assertEquals(Hostile.treeValue(10_000), total.result(BOUND));
        List<Integer> values = client.gather(incs);
        for (int i = 0; i < values.size(); i++) {
            assertEquals(i + 1, values.get(i));
        }
        incs = null;
        total.release();
        awaitNothingLeft(client);
    }

    @ParameterizedTest
    @ValueSource(strings = {"thick", "thin"})
    void scatteredData_withoutReplicasLost_withReplicasKept(String mode) throws Exception {
        LocalCluster cluster = cluster(3);
        Client client = open(mode.equals("thin") ? Client.connect(cluster.thinClientAddress()) : Client.of(cluster));
        String victim = client.nodes().get(0);
        Future<int[]> plain = client.scatter(List.of(new int[] {1, 2, 3}), victim).get(0);
        Future<int[]> copied = client.replicas(1).scatter(List.of(new int[] {4, 5, 6}), victim).get(0);
        assertEquals(2, client.whoHas().get(copied.key()).size(), "a replica is on a second node");
        assertTrue(client.whoHas().get(copied.key()).contains(victim));
        Future<Integer> kept = null;
        for (int i = 0; kept == null && i < 50; i++) {
            Future<Integer> f = client.replicas(1).pure(false).submit(Hostile::slowInc, 41);
            f.result(BOUND);
            if (client.whoHas().get(f.key()).contains(victim)) {
                kept = f;
            } else {
                f.release();
            }
        }
        assertTrue(kept != null, "no result landed on the victim");
        assertEquals(2, client.whoHas().get(kept.key()).size(), "a result kept with a replica");
        Future<Integer> keptResult = kept;

        kill(cluster, victim);
        GridFixture.awaitCondition("the lost value to be known", () -> plain.status().equals("lost"));
        LostDataException lost = assertThrows(LostDataException.class, plain::result);
        assertEquals(plain.key(), lost.key());
        assertEquals(victim, lost.node());
        assertTrue(lost.getMessage().contains(victim) && lost.getMessage().contains("replicas"), lost.getMessage());
        assertFalse(client.whoHas().containsKey(plain.key()), "whoHas names no node for a lost value");
        Future<Integer> dependent = client.submit(ResilienceTest::length, plain);
        TaskFailedException failed = assertThrows(TaskFailedException.class, () -> dependent.result(BOUND));
        assertSame(lost, failed.getCause(), "a dependent fails with the same exception");

        assertEquals("finished", copied.status());
        assertEquals(List.of(4, 5, 6), List.of(copied.result()[0], copied.result()[1], copied.result()[2]));
        assertEquals(3, client.submit(ResilienceTest::length, copied).result(BOUND), "the replica serves readers");
        Set<String> holders = client.whoHas().get(copied.key());
        assertFalse(holders.contains(victim), String.valueOf(holders));
        assertEquals("finished", keptResult.status(), "a replicated result is not computed again");
        assertEquals(42, keptResult.result(BOUND));

        Future<int[]> again = client.scatter(new int[] {1, 2, 3});
        assertEquals(plain.key(), again.key(), "the same content has the same key");
        assertEquals("finished", again.status(), "scattering it again stores it again");
        assertEquals("finished", plain.status(), "the same key: the old future has its value again");
        assertEquals(dependent.key(), client.submit(ResilienceTest::length, again).key(), "the same call, the same key");
        assertEquals(3, client.pure(false).submit(ResilienceTest::length, again).result(BOUND));
        dependent.retry();
        assertEquals(3, dependent.result(BOUND), "an erred dependent runs again once its input is back");
        for (Future<?> f : List.of(plain, copied, keptResult, dependent, again)) {
            f.release();
        }
        awaitNothingLeft(client);
    }

    @Test
    void closeWithAWedgedNode_returnsInBoundedTime() throws Exception {
        LocalCluster cluster = cluster(2);
        Client client = open(Client.of(cluster));
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            items.add(i);
        }
        List<Future<Integer>> held = client.map(Hostile::slowInc, items);
        client.gather(held);
        ProcessHandle wedged = cluster.process(client.nodes().get(1));
        Process stop = new ProcessBuilder("kill", "-STOP", String.valueOf(wedged.pid())).start();
        assertEquals(0, stop.waitFor());
        try {
            long t0 = System.nanoTime();
            client.close();
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
            assertTrue(seconds <= 15, "close took " + seconds + " s with a wedged node");
        } finally {
            wedged.destroyForcibly();
            wedged.onExit().get(30, TimeUnit.SECONDS);
        }
    }

    public static int length(int[] a) {
        return a.length;
    }

    @Test
    void taskCallingSystemExit_failsAlone_nodeStaysUp() throws Exception {
        LocalCluster cluster = cluster(2);
        Client client = open(Client.of(cluster));
        Future<Integer> exits = client.pure(false).submit(Hostile::exit, 3);
        Throwable e = exits.exception(BOUND);
        assertInstanceOf(TaskExitException.class, e, String.valueOf(e));
        assertTrue(e.getMessage().contains("System.exit(3)"), e.getMessage());
        Future<Integer> halts = client.pure(false).submit(Hostile::halt, 4);
        assertInstanceOf(TaskExitException.class, halts.exception(BOUND));
        assertEquals(2, client.nodes().size(), "no node left the cluster");
        for (ProcessHandle p : cluster.processes()) {
            assertTrue(p.isAlive());
        }
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            items.add(i);
        }
        assertEquals(Set.copyOf(client.nodes()), Set.copyOf(client.gather(client.map(Hostile::whereAmI, items))),
                "every node still runs tasks");
    }

    @Test
    void taskKillingItsNode_failsAfterAllowedFailures_namingTheNodes() throws Exception {
        LocalCluster cluster = cluster(3);
        Client client = open(Client.of(cluster));
        client.allowedFailures(1);
        Future<Integer> killer = client.pure(false).submit(Hostile::killNode, 1);
        Throwable e = killer.exception(BOUND);
        KilledWorkerException killed = assertInstanceOf(KilledWorkerException.class, e, String.valueOf(e));
        assertEquals(2, killed.nodes().size(), killed.getMessage());
        assertTrue(killed.getMessage().contains(killer.key().toString()), killed.getMessage());
        GridFixture.awaitCondition("the cluster to see one node", () -> client.nodes().size() == 1);
        assertFalse(killed.nodes().contains(client.nodes().get(0)));
        assertEquals(2, client.submit(Hostile::slowInc, 1).result(BOUND), "the last node still serves");
        long t0 = System.nanoTime();
        client.close();
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
        assertTrue(seconds <= 15, "close after node deaths took " + seconds + " s");
    }

    public static int sleepy(int x) throws InterruptedException {
        Thread.sleep(120_000);
        return x;
    }

    @Test
    void clusterGone_unfinishedCancelled_clusterOnlyValuesLost_closeReturns() throws Exception {
        LocalCluster cluster = cluster(1);
        Client client = open(Client.of(cluster));
        Future<Integer> small = client.submit(Hostile::slowInc, 1);
        Future<double[]> big = client.submit(ResilienceTest::zeros, 100_000);
        assertEquals(2, small.result(BOUND));
        assertEquals(100_000, big.result(BOUND).length);
        Future<Integer> pending = client.pure(false).submit(ResilienceTest::sleepy, 0);
        GridFixture.awaitCondition("the task to run", () -> !client.processing().isEmpty());
        kill(cluster, client.nodes().get(0));
        Throwable e = pending.exception(BOUND);
        assertInstanceOf(ClusterUnavailableException.class, e, String.valueOf(e));
        assertTrue(e.getMessage().contains("cluster went away"), e.getMessage());
        assertEquals("cancelled", pending.status());
        assertEquals("lost", big.status());
        assertInstanceOf(ClusterUnavailableException.class, assertThrows(RuntimeException.class, big::result));
        List<Future<Object>> both = List.of(cast(small), cast(big));
        assertThrows(ClusterUnavailableException.class, () -> client.gather(both));
        assertThrows(ClusterUnavailableException.class, () -> Futures.waitAll(List.of(pending, small)));
        assertEquals(2, small.result(), "a value the client holds itself is still there");
        assertInstanceOf(ClusterUnavailableException.class, client.pure(false).submit(Hostile::slowInc, 1).exception(BOUND),
                "new work fails at once");
        long t0 = System.nanoTime();
        client.close();
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
        assertTrue(seconds <= 15, "close took " + seconds + " s");
    }

    @SuppressWarnings("unchecked")
    private static Future<Object> cast(Future<?> f) {
        return (Future<Object>) f;
    }

    public static double[] zeros(int n) {
        return new double[n];
    }
}
