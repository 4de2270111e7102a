package io.kindling.client;

import io.kindling.Delayed;
import io.kindling.graph.Fn1;
import io.kindling.graph.Key;
import io.kindling.scheduler.Scheduler;
import io.kindling.scheduler.TaskFailedException;
import io.kindling.testing.Ops;
import org.apache.ignite.Ignition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.kindling.Delayed.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client's API on two in-process nodes: futures, data, placement, lifetime, errors. */
class ClientTest {
    @RegisterExtension
    static final GridFixture GRID = new GridFixture(LocalCluster.builder().nodes(2).threads(2));

    /** Holds {@link #blocked} tasks until a test opens it; a new one for every test. */
    static volatile CountDownLatch GATE = new CountDownLatch(1);

    @BeforeEach
    void closeGate() {
        GATE = new CountDownLatch(1);
    }
    static final AtomicInteger RUNS = new AtomicInteger();

    public static int blocked(int x) throws InterruptedException {
        if (!GATE.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the gate never opened");
        }
        return x;
    }

    public static int counted(int x) {
        RUNS.incrementAndGet();
        return x + 1;
    }

    /** The name of the node that runs the task. */
    public static String whereAmI(Object input) {
        return Ignition.localIgnite().name();
    }

    public static int length(double[] a) {
        return a.length;
    }

    private static Client client() {
        return GRID.client();
    }

    @Test
    void tutorial_submitGatherMapSumComputeScatter() {
        Client c = client();
        Future<Integer> fut = c.submit(Ops::inc, 1);
        assertEquals(2, c.gather(fut));
        List<Future<Integer>> futs = c.map(Ops::inc, List.of(1, 2, 3, 4, 5));
        assertEquals(List.of(2, 3, 4, 5, 6), c.gather(futs));
        Future<Integer> total = c.submit(Ops::sum, futs);
        assertEquals(20, c.gather(total));
        Delayed<Integer> d = delayed(Ops::add, delayed(Ops::dec, 7), delayed(Ops::inc, 6));
        assertEquals(13, c.gather(c.compute(d)));
        List<Future<Integer>> data = c.scatter(List.of(1, 2, 3));
        assertEquals(List.of(1, 2, 3), c.gather(data));
        assertEquals("finished", data.get(0).status());
        assertEquals(Map.of("a", 2, "b", 3), c.gather(Map.of("a", c.submit(Ops::inc, 1), "b", c.submit(Ops::inc, 2))));
    }

    @Test
    void submit_isPending_thenFinished() {
        Future<Integer> f = client().pure(false).submit(ClientTest::blocked, 5);
        assertEquals("pending", f.status());
        GATE.countDown();
        assertEquals(5, f.result());
        assertEquals("finished", f.status());
        assertTrue(f.done());
    }

    @Test
    void submit_pureByDefault_sameKeySameFuture_impureDiffers() {
        Client c = client();
        Fn1<Integer, Integer> counted = ClientTest::counted;
        RUNS.set(0);
        Future<Integer> a = c.submit(counted, 10);
        Future<Integer> b = c.submit(counted, 10);
        assertEquals(a.key(), b.key());
        assertEquals(11, a.result());
        assertEquals(11, b.result());
        assertEquals(1, RUNS.get());
        assertNotEquals(c.pure(false).submit(Ops::inc, 1).key(), c.pure(false).submit(Ops::inc, 1).key());
        assertEquals(Key.of("my-key"), c.key("my-key").submit(Ops::inc, 1).key());
        assertNotEquals(c.submit(adder(1), 5).key(), c.submit(adder(2), 5).key());
    }

    private static Fn1<Integer, Integer> adder(int n) {
        return x -> x + n;
    }

    @Test
    void release_thenSubmitAgain_computesAgain() {
        Client c = client();
        Fn1<Integer, Integer> counted = ClientTest::counted;
        RUNS.set(0);
        Future<Integer> a = c.submit(counted, 20);
        assertEquals(21, a.result());
        a.release();
        assertEquals("lost", a.status());
        Future<Integer> again = c.submit(counted, 20);
        assertEquals(21, again.result());
        assertEquals(2, RUNS.get());
    }

    @Test
    void futuresAsArguments_readOnTheGrid() {
        Client c = client();
        Future<Integer> x = c.submit(Ops::inc, 1);
        Future<Integer> y = c.submit(Ops::add, x, 10);
        Future<Integer> z = c.submit(Ops::sumValues, Map.of("a", x, "b", y));
        assertEquals(2 + 12, z.result());
        Future<Integer> w = c.submit(Ops::add, delayed(Ops::inc, 1), x);
        assertEquals(4, w.result());
    }

    @Test
    void taskError_reachesExceptionAndResult_andDependents() {
        Client c = client();
        Future<Integer> bad = c.submit(Ops::fail, 7);
        Future<Integer> after = c.submit(Ops::inc, bad);
        Throwable e = bad.exception();
        assertInstanceOf(IllegalStateException.class, e);
        assertEquals("boom 7", e.getMessage());
        assertTrue(List.of(e.getStackTrace()).stream().anyMatch(f -> f.getMethodName().equals("fail")),
                "the remote stack trace is kept");
        TaskFailedException failed = assertThrows(TaskFailedException.class, after::result);
        assertEquals(bad.key(), failed.key());
        assertSame(e, after.exception());
        assertEquals("error", after.status());
        ExecutionException ee = assertThrows(ExecutionException.class, bad::get);
        assertSame(e, ee.getCause());
    }

    @Test
    void unserializableFunction_failsAtSubmitNamingTheClass() {
        Object notSerializable = new ByteArrayOutputStream();
        Fn1<Integer, Integer> capturing = x -> x + notSerializable.hashCode();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> client().submit(capturing, 1));
        assertTrue(e.getMessage().contains("java.io.ByteArrayOutputStream"), e.getMessage());
        IllegalArgumentException arg = assertThrows(IllegalArgumentException.class,
                () -> client().submit(ClientTest::whereAmI, new Object()));
        assertTrue(arg.getMessage().contains("argument 1"), arg.getMessage());
    }

    @Test
    void cancel_pendingTaskAndDependents() {
        Client c = client();
        Future<Integer> slow = c.pure(false).submit(ClientTest::blocked, 1);
        Future<Integer> queued = c.submit(Ops::inc, slow);
        assertTrue(queued.cancel());
        assertEquals("cancelled", queued.status());
        assertThrows(CancellationException.class, queued::result);
        assertTrue(queued.isCancelled());
        GATE.countDown();
        assertEquals(1, slow.result());
    }

    @Test
    void waitAllAndAsCompleted() throws Exception {
        Client c = client();
        List<Future<Integer>> futs = c.map(Ops::inc, List.of(1, 2, 3, 4));
        Futures.waitAll(futs, Duration.ofSeconds(30));
        assertTrue(futs.stream().allMatch(Future::done));
        Set<Integer> seen = new HashSet<>();
        for (Future<Integer> f : Futures.asCompleted(futs)) {
            seen.add(f.result());
        }
        assertEquals(Set.of(2, 3, 4, 5), seen);
    }

    @Test
    void story_showsWhereAndWhyAKeyWent() {
        Future<Integer> f = client().pure(false).submit(Ops::inc, 1);
        assertEquals(2, f.result());
        List<Transition> story = client().story(f.key());
        Transition finished = story.stream().filter(t -> t.to().equals("memory")).findFirst().orElseThrow();
        assertEquals("finished", finished.why());
        assertTrue(client().nodes().contains(finished.node()), finished.toString());
        assertTrue(finished.toString().contains("'" + f.key() + "' processing -> memory (finished, node "),
                finished.toString());
        assertThrows(NullPointerException.class, () -> client().story((Key) null));
    }

    @Test
    void completableFutureCancelled_cancelsTheTask_callbackOnAGivenExecutor() throws Exception {
        Future<Integer> f = client().pure(false).submit(ClientTest::blocked, 1);
        CompletableFuture<Integer> stage = f.toCompletableFuture();
        assertTrue(stage.cancel(true));
        GridFixture.awaitCondition("the task cancelled", () -> "cancelled".equals(f.status()));
        java.util.concurrent.ExecutorService mine = java.util.concurrent.Executors.newSingleThreadExecutor(
                r -> new Thread(r, "mine"));
        try {
            CompletableFuture<String> thread = new CompletableFuture<>();
            client().submit(Ops::inc, 41).addDoneCallback(done -> thread.complete(Thread.currentThread().getName()), mine);
            assertEquals("mine", thread.get(30, TimeUnit.SECONDS));
        } finally {
            mine.shutdownNow();
            GATE.countDown();
        }
    }

    @Test
    void completableFutureAndCallbacks_runOnCallbackThread() throws Exception {
        Future<Integer> f = client().submit(Ops::inc, 41);
        CompletableFuture<String> thread = new CompletableFuture<>();
        f.addDoneCallback(done -> thread.complete(Thread.currentThread().getName()));
        assertEquals(43, f.toCompletableFuture().thenApply(x -> x + 1).get(30, TimeUnit.SECONDS));
        assertTrue(thread.get(30, TimeUnit.SECONDS).startsWith("kindling-callbacks-"));
        CompletableFuture<Integer> failed = client().submit(Ops::fail, 1).toCompletableFuture();
        ExecutionException e = assertThrows(ExecutionException.class, () -> failed.get(30, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, e.getCause());
    }

    @Test
    void persist_reusesComputedData() {
        Client c = client();
        Fn1<Integer, Integer> counted = ClientTest::counted;
        RUNS.set(0);
        Delayed<Integer> x = delayed(counted, 100);
        Delayed<Integer> persisted = c.persist(x);
        assertEquals(persisted.key(), x.key());
        assertEquals(102, delayed(Ops::inc, persisted).compute(c));
        assertEquals(103, delayed(Ops::add, persisted, 2).compute(c));
        assertEquals(101, persisted.compute(Scheduler.SYNC));
        assertEquals(1, RUNS.get());
    }

    @Test
    void dashboardLink_servesTheLocalClustersStatusPage() throws Exception {
        String link = client().dashboardLink();
        assertTrue(link != null && link.startsWith("http://127.0.0.1:") && link.endsWith("/status"), link);
        java.net.http.HttpResponse<String> page = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(link)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
    }

    @Test
    void newClient_isDefaultScheduler() {
        assertSame(client(), Scheduler.current());
        assertEquals(13, delayed(Ops::add, delayed(Ops::dec, 7), delayed(Ops::inc, 6)).compute());
    }

    @Test
    void placement_taskRunsWhereItsInputWasScattered() {
        Client c = client();
        for (String node : c.nodes()) {
            double distinct = c.nodes().indexOf(node);
            List<Future<double[]>> data = c.scatter(List.of(new double[] {distinct, 1, 2}), node);
            assertEquals(Set.of(node), c.whoHas().get(data.get(0).key()));
            assertTrue(c.hasWhat().get(node).contains(data.get(0).key()));
            for (int i = 0; i < 5; i++) {
                assertEquals(node, c.pure(false).submit(ClientTest::whereAmI, data.get(0)).result());
            }
            assertTrue(c.nbytes().get(data.get(0).key()) >= 24);
        }
    }

    @Test
    void placement_tasksWithoutInputsSpreadOverNodes() {
        Client c = client();
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            items.add(i);
        }
        List<Future<String>> where = c.map(ClientTest::whereAmI, items);
        assertEquals(new HashSet<>(c.nodes()), new HashSet<>(c.gather(where)));
    }

    @Test
    void processing_showsRunningTasks() {
        Client c = client();
        Future<Integer> f = c.pure(false).submit(ClientTest::blocked, 3);
        GridFixture.awaitCondition("the task to be processing", () -> c.processing().values().stream()
                .anyMatch(keys -> keys.contains(f.key())));
        GATE.countDown();
        assertEquals(3, f.result());
    }

    @Test
    void droppedFutures_dataRemovedAfterCollection() {
        Client c = client();
        List<Future<Integer>> futs = c.map(Ops::inc, List.of(1, 2, 3));
        c.scatter(List.of("x", "y"));
        assertEquals(List.of(2, 3, 4), c.gather(futs));
        assertTrue(c.core().backend.dataSize() >= 5);
        futs = null;
        assertNull(futs);
        GridFixture.awaitCondition("the collected futures' data to leave the cluster", () -> {
            System.gc();
            return client().core().state.size() == 0
                    && client().core().backend.dataSize() == 0;
        });
    }

    @Test
    void largeResult_fetchedFromGridOnGather() {
        Future<double[]> big = client().submit(ClientTest::zeros, 100_000);
        assertEquals(100_000, big.result().length);
        assertEquals(100_000, client().submit(ClientTest::length, big).result());
    }

    public static double[] zeros(int n) {
        return new double[n];
    }

    public static Object lambdaForZero(int x) {
        if (x == 0) {
            Runnable notSerializable = () -> { };
            return notSerializable;
        }
        return x;
    }

    @Test
    void resultThatCannotBeStored_failsItsTaskOnly() {
        List<Future<Object>> fs = client().map(ClientTest::lambdaForZero, List.of(0, 1, 2, 3));
        Throwable e = fs.get(0).exception();
        assertTrue(e != null && e.getMessage().contains("cannot be stored"), String.valueOf(e));
        assertEquals(List.of(1, 2, 3), client().gather(fs.subList(1, 4)), "its batch siblings are stored");
    }

    @Test
    void nodesKeepAShortHistoryOfRemovedEntries() {
        client();
        // Ignite's default, 200,000 removed entries per cache, held about 130 MB of each node's
        // heap after a million results were released; Ignite reads the setting once per JVM.
        assertEquals(io.kindling.grid.NodeConfig.DELETE_HISTORY, org.apache.ignite.internal.processors.cache
                .distributed.dht.topology.GridDhtLocalPartition.MAX_DELETE_QUEUE_SIZE);
    }
}
