package io.kindling.client;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Client#executor()}: a client as a {@link ExecutorService}, as Dask's {@code get_executor}. */
class ExecutorTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static LocalCluster cluster;
    private static Client client;

    @BeforeAll
    static void start() {
        cluster = LocalCluster.builder().nodes(2).threads(2).start();
        client = Client.of(cluster);
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void submit_runsTheCallableOnTheCluster_andGivesItsFuture() throws Exception {
        ExecutorService executor = client.executor();
        java.util.concurrent.Future<Integer> f = executor.submit((Callable<Integer> & Serializable) () -> 6 * 7);
        assertEquals(42, f.get(60, TimeUnit.SECONDS));
        Future<?> kindling = assertInstanceOf(Future.class, f);
        assertEquals("finished", kindling.status());
        assertTrue(client.nodes().containsAll(client.whoHas().get(kindling.key())),
                "its value lives on a node of the cluster");
    }

    @Test
    void aCallableThatIsNotSerializable_isRefusedWithTheFix() {
        Callable<Integer> plain = () -> 1;
        TaskNotSerializableException e = assertThrows(TaskNotSerializableException.class,
                () -> client.executor().submit(plain));
        assertTrue(e.getMessage().contains("(Callable & Serializable)"), e.getMessage());
    }

    @Test
    void aFailingCallable_failsItsFutureWithTheCause() {
        java.util.concurrent.Future<Integer> f = client.executor().submit((Callable<Integer> & Serializable) () -> {
            throw new IllegalStateException("no luck");
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(60, TimeUnit.SECONDS));
        assertTrue(String.valueOf(e.getCause()).contains("no luck"), String.valueOf(e.getCause()));
    }

    @Test
    void invokeAllAndInvokeAny() throws Exception {
        ExecutorService executor = client.executor();
        List<Callable<Integer>> three = List.of((Callable<Integer> & Serializable) () -> 1,
                (Callable<Integer> & Serializable) () -> 2, (Callable<Integer> & Serializable) () -> 3);
        List<java.util.concurrent.Future<Integer>> all = executor.invokeAll(three);
        assertEquals(List.of(1, 2, 3), List.of(all.get(0).get(), all.get(1).get(), all.get(2).get()));
        int any = executor.invokeAny(List.of((Callable<Integer> & Serializable) () -> {
            throw new IllegalStateException("fails");
        }, (Callable<Integer> & Serializable) () -> 9), 60, TimeUnit.SECONDS);
        assertEquals(9, any, "the one that succeeds");
    }

    public static int slow() throws InterruptedException {
        Thread.sleep(30_000);
        return 0;
    }

    @Test
    void shutdown_refusesNewWork_waitsForTheRest_leavesTheClientOpen() throws Exception {
        ExecutorService executor = client.executor();
        java.util.concurrent.Future<Integer> f = executor.submit((Callable<Integer> & Serializable) () -> 5);
        executor.shutdown();
        assertTrue(executor.isShutdown());
        assertThrows(RejectedExecutionException.class, () -> executor.submit((Callable<Integer> & Serializable) () -> 1));
        assertTrue(executor.awaitTermination(60, TimeUnit.SECONDS));
        assertTrue(executor.isTerminated());
        assertEquals(5, f.get());
        assertEquals(2, client.submit(io.kindling.testing.Ops::inc, 1).result(BOUND), "the client is still open");

        ExecutorService other = client.executor();
        java.util.concurrent.Future<Integer> long_ = other.submit((Callable<Integer> & Serializable) ExecutorTest::slow);
        other.shutdownNow();
        assertTrue(other.awaitTermination(60, TimeUnit.SECONDS), "shutdownNow cancelled the running task");
        assertTrue(long_.isCancelled());
        assertFalse(client.executor().isShutdown(), "a new executor takes work");
    }
}
