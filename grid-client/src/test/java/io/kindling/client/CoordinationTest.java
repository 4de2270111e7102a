package io.kindling.client;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dask's coordination primitives over the cluster ({@link Coordination}): semaphores and locks
 * (with a holder killed with {@code kill -9}), queues, variables and events, from clients and from
 * tasks, thick and thin clients alike.
 */
class CoordinationTest {
    private static final Duration SHORT = Duration.ofMillis(200);
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
    void semaphore_givesAtMostItsLeases_takesThemBack_refusesAnExtraRelease() throws Exception {
        Coordination.Semaphore a = client.semaphore("two", 2);
        Coordination.Semaphore b = client.semaphore("two", 2);
        assertTrue(a.acquire(SHORT));
        assertTrue(b.acquire(SHORT));
        assertFalse(a.acquire(SHORT), "a third lease of two");
        assertEquals(2, a.leasesInUse());
        b.release();
        assertTrue(a.acquire(SHORT), "the lease given back");
        a.release();
        a.release();
        CoordinationException e = assertThrows(CoordinationException.class, a::release);
        assertTrue(e.getMessage().contains("released more often"), e.getMessage());
        assertEquals(0, a.leasesInUse());
    }

    static final AtomicInteger RUNNING = new AtomicInteger();
    static final AtomicInteger MOST = new AtomicInteger();

    /** A task that holds a lease of the cluster-wide semaphore "downloads" while it "downloads". */
    public static int download(int i) throws Exception {
        return Coordination.here().semaphore("downloads", 2).withLease(BOUND, () -> {
            MOST.accumulateAndGet(RUNNING.incrementAndGet(), Math::max);
            Thread.sleep(40);
            RUNNING.decrementAndGet();
            return i;
        });
    }

    @Test
    void semaphoreInTasks_boundsWhatRunsAtOnceClusterWide() throws Exception {
        // Two nodes of two threads run four tasks at once; the semaphore lets two download.
        List<Integer> items = IntStream.range(0, 16).boxed().collect(Collectors.toList());
        assertEquals(items, client.gather(client.pure(false).map(CoordinationTest::download, items)));
        assertTrue(MOST.get() >= 1 && MOST.get() <= 2, "downloads at once: " + MOST.get());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"thick", "thin"})
    void aHolderKilled_givesBackItsSemaphoreLeaseAndItsLock(String kind) throws Exception {
        String where;
        if (kind.equals("thin")) {
            where = cluster.thinClientAddress();
        } else {
            String discovery = cluster.discoveryAddresses();
            where = discovery.substring(discovery.indexOf(':') + 1, discovery.indexOf(".."));
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(io.kindling.grid.internal.JvmFlags.addOpens());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SemaphoreHolder.class.getName(),
                "held-" + kind, "held-lock-" + kind, where, kind));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            String line;
            while ((line = out.readLine()) != null && !line.startsWith(SemaphoreHolder.HOLDING)) {
                seen.append(line).append('\n');
            }
            assertTrue(line != null, "the holder never held:\n" + seen);
            Coordination.Semaphore held = client.semaphore("held-" + kind, 1);
            Coordination.Lock lock = client.lock("held-lock-" + kind);
            assertFalse(held.acquire(SHORT), "the holder's lease");
            assertEquals(1, held.leasesInUse());
            assertTrue(lock.locked());
            assertFalse(lock.acquire(SHORT), "the holder's lock");

            child.destroyForcibly();   // kill -9
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            assertTrue(held.acquire(BOUND), "the dead holder's lease came back");
            assertTrue(lock.acquire(BOUND), "the dead holder's lock came back");
            lock.release();
            held.release();
            assertFalse(lock.locked());
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void lock_oneHolderAtATime() throws Exception {
        Coordination.Lock mine = client.lock("one");
        Coordination.Lock theirs = client.lock("one");
        assertFalse(mine.locked());
        mine.acquire();
        assertTrue(theirs.locked());
        assertFalse(theirs.acquire(SHORT));
        mine.release();
        assertTrue(theirs.acquire(SHORT));
        assertThrows(CoordinationException.class, mine::release, "mine holds nothing now");
        theirs.release();
    }

    /** Puts {@code i} into the queue "from-tasks" and returns it. */
    public static int enqueue(int i) {
        Coordination.here().<Integer>queue("from-tasks", 0).put(i);
        return i;
    }

    @Test
    void queue_firstInFirstOut_boundedWithTimeouts_fedByTasks() throws Exception {
        Coordination.Queue<String> q = client.queue("fifo", 0);
        q.put("a");
        q.put("b");
        q.put("c");
        assertEquals(3, q.size());
        assertEquals(List.of("a", "b", "c"), List.of(q.get(), q.get(SHORT), q.get()));
        assertThrows(TimeoutException.class, () -> q.get(SHORT));

        Coordination.Queue<Integer> small = client.queue("small", 1);
        small.put(1);
        assertThrows(TimeoutException.class, () -> small.put(2, SHORT), "a full queue of one");
        assertEquals(1, small.get());

        Future<Integer> f = client.submit(CoordinationTest::enqueue, 5);
        assertEquals(5, f.result(BOUND));
        assertEquals(5, client.<Integer>queue("from-tasks", 0).get(BOUND));
        client.<Object>queue("fifo", 0).put(f);
        Object back = client.<Object>queue("fifo", 0).get(BOUND);
        assertTrue(back instanceof Future<?>, "a future goes through a queue as a future: " + back);
        assertEquals(5, ((Future<?>) back).result());
        q.close();
    }

    /** Sets the variable "answer" and the event "done". */
    public static int answer() {
        Coordination.here().<Integer>variable("answer").set(42);
        Coordination.here().event("done").set();
        return 0;
    }

    @Test
    void variableAndEvent_setInATask_seenByTheClient() throws Exception {
        Coordination.Variable<Integer> v = client.variable("answer");
        Coordination.Event done = client.event("done");
        assertThrows(TimeoutException.class, () -> v.get(SHORT), "not set yet");
        assertFalse(done.await(SHORT));
        assertFalse(done.isSet());

        client.submit(CoordinationTest::answer);
        assertTrue(done.await(BOUND), "the task set the event");
        assertEquals(42, v.get(BOUND));
        v.set(null);
        assertTrue(v.isSet());
        assertEquals(null, v.get(SHORT));
        v.delete();
        assertFalse(v.isSet());
        done.clear();
        assertFalse(done.isSet());
        assertFalse(done.await(SHORT));
    }

    /** A wait that may throw what the JDK's waits throw. */
    interface Wait {
        void run() throws Exception;
    }

    @Test
    void interruptedWaits_timedOnesThrowInterruptedException_untimedOnesKeepTheFlag() throws Exception {
        Coordination.Semaphore one = client.semaphore("interrupted-one", 1);
        one.acquire();
        Coordination.Queue<String> empty = client.queue("interrupted-empty", 0);
        Coordination.Event never = client.event("interrupted-never");
        Coordination.Variable<String> unset = client.variable("interrupted-unset");
        try {
            List<Wait> timed = List.of(() -> one.acquire(BOUND), () -> empty.get(BOUND), () -> never.await(BOUND),
                    () -> unset.get(BOUND));
            for (Wait w : timed) {
                Thread.currentThread().interrupt();
                assertThrows(InterruptedException.class, w::run);
                assertFalse(Thread.interrupted(), "InterruptedException clears the flag, as the JDK's waits do");
            }
            Thread.currentThread().interrupt();
            CoordinationException e = assertThrows(CoordinationException.class, empty::get);
            assertTrue(Thread.interrupted(), "an unchecked wait keeps the flag set");
            assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
        } finally {
            Thread.interrupted();
            one.release();
            one.close();
            empty.close();
        }
    }

    @Test
    void thinClient_sharesEachPrimitiveWithThickClientsAndTasks() throws Exception {
        try (Client thin = Client.connect(cluster.thinClientAddress())) {
            Coordination.Semaphore theirs = client.semaphore("thin-two", 2);
            Coordination.Semaphore mine = thin.semaphore("thin-two", 5);
            assertEquals(2, mine.maxLeases(), "the first caller's number of leases");
            assertTrue(theirs.acquire(SHORT));
            assertTrue(mine.acquire(SHORT));
            assertFalse(mine.acquire(SHORT), "a third lease of two");
            assertEquals(2, theirs.leasesInUse());
            mine.release();
            assertTrue(theirs.acquire(SHORT), "the thin client's lease given back");
            theirs.release();
            theirs.release();

            Coordination.Lock lock = thin.lock("thin-lock");
            lock.acquire();
            assertTrue(client.lock("thin-lock").locked());
            lock.release();
            assertFalse(client.lock("thin-lock").locked());

            // A task puts into a queue a thin client reads; a future goes from the thin client to the thick one.
            assertEquals(7, client.submit(CoordinationTest::enqueue, 7).result(BOUND));
            assertEquals(7, thin.<Integer>queue("from-tasks", 0).get(BOUND));
            Future<Integer> f = thin.submit(CoordinationTest::enqueue, 8);
            assertEquals(8, thin.<Integer>queue("from-tasks", 0).get(BOUND));
            thin.<Object>queue("thin-handoff", 1).put(f);
            assertThrows(TimeoutException.class, () -> thin.<Object>queue("thin-handoff", 1).put("more", SHORT),
                    "a full queue of one");
            f.release();
            Object back = client.<Object>queue("thin-handoff", 1).get(BOUND);
            assertTrue(back instanceof Future<?>, "a future goes through a queue as a future: " + back);
            assertEquals(8, ((Future<?>) back).result(BOUND), "the queue kept the value after its client let go");

            thin.<String>variable("thin-variable").set("from thin");
            assertEquals("from thin", client.<String>variable("thin-variable").get(SHORT));
            Coordination.Event done = thin.event("done-for-thin");
            client.submit(CoordinationTest::answerFor, "done-for-thin");
            assertTrue(done.await(BOUND), "a task set the event the thin client waits for");
            done.clear();
            assertFalse(client.event("done-for-thin").isSet());
        }
    }

    /** Sets the event {@code name}. */
    public static int answerFor(String name) {
        Coordination.here().event(name).set();
        return 0;
    }

    @Test
    void queue_manyPutsAndTakesAtOnce_loseAndRepeatNothing() throws Exception {
        Coordination.Queue<Integer> q = client.queue("busy", 3);
        int perThread = 200;
        List<Thread> threads = new ArrayList<>();
        java.util.Set<Integer> got = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicInteger repeated = new AtomicInteger();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int p = 0; p < 3; p++) {
            int base = p * perThread;
            threads.add(new Thread(() -> {
                try {
                    for (int i = 0; i < perThread; i++) {
                        q.put(base + i, BOUND);
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
            threads.add(new Thread(() -> {
                try {
                    for (int i = 0; i < perThread; i++) {
                        if (!got.add(q.get(BOUND))) {
                            repeated.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(120));
            assertFalse(t.isAlive(), "a queue user stuck");
        }
        assertEquals(List.of(), errors);
        assertEquals(0, repeated.get(), "items taken twice");
        assertEquals(3 * perThread, got.size(), "every item taken once");
        assertEquals(0, q.size());
        q.close();
    }

    public static int square(int x) {
        return x * x;
    }

    private static long stored() {
        return io.kindling.grid.internal.KindlingGrid.dataCache(cluster.ignite())
                .sizeLong(org.apache.ignite.cache.CachePeekMode.PRIMARY);
    }

    @Test
    void futuresThroughAQueue_twoTakers_eachTakenOnce_andLetGoOnceReleased() throws Exception {
        long before = stored();
        List<Integer> items = IntStream.range(0, 20).boxed().collect(Collectors.toList());
        Coordination.Queue<Object> q = client.queue("futures-busy", 0);
        List<Future<Integer>> fs = client.pure(false).map(CoordinationTest::square, items);
        client.gather(fs);
        for (Future<Integer> f : fs) {
            q.put(f);
        }
        fs.forEach(Future::release);
        try (Client other = Client.of(cluster)) {
            java.util.Map<Integer, Integer> seen = new java.util.concurrent.ConcurrentHashMap<>();
            List<Future<?>> taken = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicInteger left = new AtomicInteger(items.size());
            List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> takers = new ArrayList<>();
            for (Client c : List.of(client, other)) {
                takers.add(new Thread(() -> {
                    try {
                        Coordination.Queue<Object> mine = c.queue("futures-busy", 0);
                        while (left.get() > 0) {
                            Object v;
                            try {
                                v = mine.get(SHORT);
                            } catch (TimeoutException empty) {
                                continue;
                            }
                            left.decrementAndGet();
                            Future<?> f = (Future<?>) v;
                            taken.add(f);
                            seen.merge((Integer) f.result(BOUND), 1, Integer::sum);
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }));
            }
            takers.forEach(Thread::start);
            for (Thread t : takers) {
                t.join(TimeUnit.SECONDS.toMillis(120));
                assertFalse(t.isAlive(), "a taker stuck");
            }
            assertEquals(List.of(), errors);
            assertEquals(items.stream().collect(Collectors.toMap(i -> i * i, i -> 1)), seen,
                    "every future taken once, its value intact");
            taken.forEach(Future::release);
        }
        // Nothing holds the values any more: the queue let go of each as it was taken.
        GridFixture.awaitCondition("the values to go once released", () -> stored() <= before);
        q.close();
    }
}
