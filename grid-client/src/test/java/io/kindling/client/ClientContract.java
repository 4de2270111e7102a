package io.kindling.client;

import io.kindling.Delayed;
import io.kindling.graph.Key;
import io.kindling.scheduler.TaskFailedException;
import io.kindling.testing.Ops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static io.kindling.Delayed.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every client does, whichever way it reaches the cluster: a thick client in this JVM, a
 * thin client, or a client over worker processes. Each subclass supplies a client over two nodes
 * of two threads ({@link #client()}); the tasks here keep no state in this JVM, so they behave the
 * same when they run in another one. A task that must wait for the test waits for a file of a
 * temporary directory (the gate), which every process of this machine sees.
 */
abstract class ClientContract {
    @TempDir
    Path dir;

    /** A client over two nodes of two threads, for the whole class. */
    abstract Client client();

    /** Returns {@code x} once the file {@code gate} exists (at most 60 s). */
    public static int gated(String gate, int x) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(Path.of(gate))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the gate " + gate + " never opened");
            }
            Thread.sleep(5);
        }
        return x;
    }

    /** A value that differs on every call. */
    public static long fresh(int x) {
        return System.nanoTime() ^ ((long) x << 48);
    }

    public static int sumOfMap(Map<String, Integer> m) {
        return m.values().stream().mapToInt(Integer::intValue).sum();
    }

    public static int length(double[] a) {
        return a.length;
    }

    private Path gate(String name) {
        return dir.resolve(name);
    }

    private static void open(Path gate) throws IOException {
        Files.createFile(gate);
    }

    @Test
    void tutorial_submitMapSumComputeScatterGather() {
        Client c = client();
        Future<Integer> one = c.submit(Ops::inc, 1);
        assertEquals(2, one.result());
        List<Future<Integer>> futs = c.map(Ops::inc, List.of(1, 2, 3, 4, 5));
        assertEquals(List.of(2, 3, 4, 5, 6), c.gather(futs));
        assertEquals(20, c.submit(Ops::sum, futs).result());
        Delayed<Integer> total = delayed(Ops::add, delayed(Ops::dec, 7), delayed(Ops::inc, 6));
        assertEquals(13, c.compute(total).result());
        assertEquals(List.of(1, 2, 3), c.gather(c.scatter(List.of(1, 2, 3))));
        assertEquals("finished", one.status());
    }

    @Test
    void pureKeys_sameCallSameFuture_impureCallsDiffer() {
        Client c = client();
        Future<Integer> a = c.submit(Ops::add, 40, 2);
        Future<Integer> b = c.submit(Ops::add, 40, 2);
        assertEquals(a.key(), b.key());
        assertEquals(42, b.result());
        Future<Long> x = c.pure(false).submit(ClientContract::fresh, 1);
        Future<Long> y = c.pure(false).submit(ClientContract::fresh, 1);
        assertNotEquals(x.key(), y.key());
        assertNotEquals(x.result(), y.result());
    }

    @Test
    void futuresInsideListsMapsAndArrays_reachTheTaskAsValues() {
        Client c = client();
        Future<Integer> two = c.submit(Ops::inc, 1);
        Future<Integer> three = c.submit(Ops::inc, 2);
        assertEquals(5, c.submit(Ops::sum, List.of(two, three)).result());
        assertEquals(5, c.submit(ClientContract::sumOfMap, Map.of("a", two, "b", three)).result());
        assertEquals(6, c.submit(Ops::sumArray, (Object) new Object[] {two, three, 1}).result());
    }

    @Test
    void taskError_namesTheKey_reachesDependents_exceptionReturnsIt() {
        Client c = client();
        Future<Integer> bad = c.submit(Ops::fail, 3);
        Future<Integer> after = c.submit(Ops::inc, bad);
        TaskFailedException e = assertThrows(TaskFailedException.class, bad::result);
        assertEquals(bad.key(), e.key());
        assertTrue(String.valueOf(e.getCause()).contains("3"), String.valueOf(e.getCause()));
        TaskFailedException d = assertThrows(TaskFailedException.class, after::result);
        assertEquals(bad.key(), d.key(), "a dependent fails with the error of the task it needed");
        assertEquals("error", after.status());
        assertEquals(e.getCause().getMessage(), bad.exception().getMessage());
        ExecutionException viaGet = assertThrows(ExecutionException.class, bad::get);
        assertEquals(e.getCause().getMessage(), viaGet.getCause().getMessage());
    }

    @Test
    void timedResult_throwsTimeoutException_theTaskGoesOnAndFinishes() throws Exception {
        Path gate = gate("timed");
        Future<Integer> slow = client().pure(false).submit(ClientContract::gated, gate.toString(), 7);
        assertThrows(TimeoutException.class, () -> slow.result(Duration.ofMillis(100)));
        assertThrows(TimeoutException.class, () -> Futures.waitAll(List.of(slow), Duration.ofMillis(50)));
        assertFalse(slow.done());
        open(gate);
        assertEquals(7, slow.result(Duration.ofSeconds(60)));
    }

    @Test
    void cancel_stopsATaskAndItsDependents() throws Exception {
        Client c = client();
        Path gate = gate("never");
        Future<Integer> slow = c.pure(false).submit(ClientContract::gated, gate.toString(), 1);
        Future<Integer> after = c.submit(Ops::inc, slow);
        assertTrue(slow.cancel());
        assertThrows(FutureCancelledException.class, slow::result);
        assertThrows(FutureCancelledException.class, () -> after.result(Duration.ofSeconds(30)));
        assertEquals("cancelled", slow.status());
        assertTrue(slow.isCancelled() && after.isCancelled());
    }

    @Test
    void waitFirstCompleted_andAsCompleted_inOrderOfFinishing() throws Exception {
        Client c = client();
        Path gate = gate("wait");
        Future<Integer> slow = c.pure(false).submit(ClientContract::gated, gate.toString(), 1);
        Future<Integer> quick = c.pure(false).submit(Ops::inc, 1);
        Futures.Waited<Future<Integer>> w = Futures.wait(List.of(slow, quick), Duration.ofSeconds(60),
                Futures.ReturnWhen.FIRST_COMPLETED);
        assertEquals(Set.of(quick), w.done());
        assertEquals(Set.of(slow), w.notDone());
        List<Future<Integer>> order = new ArrayList<>();
        AsCompleted<Integer> completed = Futures.asCompleted(List.of(slow, quick));
        order.add(completed.next());
        open(gate);
        order.add(completed.next());
        assertEquals(List.of(quick, slow), order);
        assertFalse(completed.hasNext());
    }

    @Test
    void gatherWithErrorsSkip_leavesOutTheErred() {
        Client c = client();
        List<Future<Integer>> futs = List.of(c.submit(Ops::inc, 1), c.submit(Ops::fail, 2), c.submit(Ops::inc, 3));
        assertEquals(List.of(2, 4), c.gather(futs, Errors.SKIP));
        assertThrows(TaskFailedException.class, () -> c.gather(futs));
    }

    @Test
    void release_thenTheSameKeyIsComputedAgain() {
        Client c = client();
        Future<Long> first = c.key("fresh-value").submit(ClientContract::fresh, 2);
        long value = first.result();
        Future<Long> same = c.key("fresh-value").submit(ClientContract::fresh, 2);
        assertEquals(value, same.result(), "while held, the key's value is the one computed");
        first.release();
        same.release();
        Future<Long> again = c.key("fresh-value").submit(ClientContract::fresh, 2);
        assertNotEquals(value, again.result(), "released, the key is computed again");
        assertThrows(IllegalStateException.class, first::result, "a released future has no value");
    }

    @Test
    void story_tellsWhereAKeyWentAndWhy() {
        Client c = client();
        Future<Integer> f = c.submit(Ops::inc, 41);
        assertEquals(42, f.result());
        List<Transition> story = c.story(f.key());
        assertTrue(story.stream().allMatch(t -> t.key().equals(f.key())), story::toString);
        Transition finished = story.stream().filter(t -> t.to().equals("memory")).findFirst().orElseThrow();
        assertEquals("finished", finished.why(), story::toString);
        assertTrue(c.nodes().contains(finished.node()), story::toString);
    }

    @Test
    void completableFuture_andDoneCallbackOnAGivenExecutor() throws Exception {
        Client c = client();
        assertEquals(3, c.submit(Ops::inc, 2).toCompletableFuture().get(60, TimeUnit.SECONDS));
        Path gate = gate("cf");
        Future<Integer> slow = c.pure(false).submit(ClientContract::gated, gate.toString(), 1);
        CompletableFuture<Integer> view = slow.toCompletableFuture();
        assertTrue(view.cancel(true));
        assertThrows(FutureCancelledException.class, () -> slow.result(Duration.ofSeconds(30)),
                "cancelling the CompletableFuture cancels the task");
        ExecutorService mine = Executors.newSingleThreadExecutor(r -> new Thread(r, "contract-callback"));
        try {
            AtomicReference<String> thread = new AtomicReference<>();
            CompletableFuture<Void> called = new CompletableFuture<>();
            c.submit(Ops::inc, 5).addDoneCallback(f -> {
                thread.set(Thread.currentThread().getName());
                called.complete(null);
            }, mine);
            called.get(60, TimeUnit.SECONDS);
            assertEquals("contract-callback", thread.get());
        } finally {
            mine.shutdownNow();
        }
    }

    @Test
    void executor_runsCallablesOnTheCluster() throws Exception {
        ExecutorService cluster = client().executor();
        java.util.concurrent.Future<Integer> f = cluster.submit((Callable<Integer> & java.io.Serializable) () -> 6 * 7);
        assertEquals(42, f.get(60, TimeUnit.SECONDS));
        List<java.util.concurrent.Future<Integer>> all = cluster.invokeAll(List.of(
                (Callable<Integer> & java.io.Serializable) () -> 1, (Callable<Integer> & java.io.Serializable) () -> 2));
        assertEquals(3, all.get(0).get() + all.get(1).get());
    }

    @Test
    void persist_keepsAGraphsValuesOnTheCluster() {
        Client c = client();
        Delayed<Integer> persisted = c.persist(delayed(Ops::add, delayed(Ops::inc, 1), delayed(Ops::inc, 2)));
        assertEquals(5, c.compute(persisted).result());
        assertEquals(6, c.compute(delayed(Ops::inc, persisted)).result());
    }

    @Test
    void unserializableTask_failsAtSubmit_namingTheClass() {
        ByteArrayOutputStream notSerializable = new ByteArrayOutputStream();
        TaskNotSerializableException e = assertThrows(TaskNotSerializableException.class,
                () -> client().submit(x -> notSerializable.size() + (int) x, 1));
        assertTrue(e.getMessage().contains(ByteArrayOutputStream.class.getName()), e.getMessage());
    }

    @Test
    void scatteredData_isHeldByANodeOfTheCluster_andTasksReadItThere() {
        Client c = client();
        Future<double[]> data = c.scatter(new double[1000]);
        Set<String> holders = c.whoHas().get(data.key());
        assertTrue(holders != null && !holders.isEmpty() && c.nodes().containsAll(holders), String.valueOf(holders));
        assertEquals(1000, c.submit(ClientContract::length, data).result());
        Key key = data.key();
        data.release();
        assertNull(c.whoHas().get(key), "released data is no longer held");
    }

    @Test
    void largeArraysOfEveryPrimitiveType_readBackExactly_fromScatterAndFromTasks() {
        Client c = client();
        int n = 70_000;   // over the size from which arrays are stored packed, for every element type
        double[] doubles = new double[n];
        long[] longs = new long[n];
        int[] ints = new int[n];
        float[] floats = new float[n];
        short[] shorts = new short[n];
        char[] chars = new char[n];
        for (int i = 0; i < n; i++) {
            doubles[i] = i * 0.5 - 7;
            longs[i] = Long.MIN_VALUE + 31L * i;
            ints[i] = -i;
            floats[i] = i / 3f;
            shorts[i] = (short) (i * 7);
            chars[i] = (char) (i * 13);
        }
        doubles[1] = Double.NaN;
        doubles[2] = -0.0;
        // A user's bytes that begin as a stored packed value does: they must come back as they went in.
        byte[] lookalike = new byte[n];
        java.nio.ByteBuffer.wrap(lookalike).putLong(0x4B494E444C504B31L).put((byte) 2);
        lookalike[n - 1] = 42;
        List<Object> values = List.of(doubles, longs, ints, floats, shorts, chars, lookalike, new byte[] {1, 2, 3});
        List<Future<Object>> scattered = c.scatter(values);
        List<Object> back = c.gather(scattered);
        for (int i = 0; i < values.size(); i++) {
            assertTrue(java.util.Objects.deepEquals(values.get(i), back.get(i)), "value " + i + " changed on its way");
            assertEquals(Boolean.TRUE, c.submit(ClientContract::sameAsGiven, scattered.get(i), values.get(i)).result(),
                    "value " + i + " as a task read it");
        }
        Future<long[]> made = c.submit(ClientContract::squares, n);
        long[] squares = made.result();
        assertEquals(n, squares.length);
        assertEquals((long) (n - 1) * (n - 1), squares[n - 1]);
        assertEquals(squares[n - 1] + squares[1], c.submit(ClientContract::lastPlusSecond, made).result());
    }

    private static boolean sameAsGiven(Object read, Object given) {
        return java.util.Objects.deepEquals(read, given);
    }

    private static long[] squares(int n) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = (long) i * i;
        }
        return out;
    }

    private static long lastPlusSecond(long[] a) {
        return a[a.length - 1] + a[1];
    }

    @Test
    void nodesAndThreads_describeTwoNodesOfTwoThreads() {
        Client c = client();
        assertEquals(2, c.nodes().size());
        assertEquals(Map.of(c.nodes().get(0), 2, c.nodes().get(1), 2), c.nthreads());
        assertInstanceOf(String.class, c.toString());
    }
}
