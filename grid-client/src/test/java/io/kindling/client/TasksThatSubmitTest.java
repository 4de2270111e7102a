package io.kindling.client;

import io.kindling.Delayed;
import io.kindling.KindlingException;
import io.kindling.scheduler.Scheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.kindling.Delayed.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tasks that submit tasks ({@link Client#current()}, Dask's {@code get_client()}): a recursive
 * fan-out on two nodes of two threads each, where every thread soon waits on children, finishes
 * without deadlock; the node never runs more tasks at once than it has threads; a Delayed works
 * inside a task with the local schedulers and with the task's client.
 */
@Timeout(300)
class TasksThatSubmitTest {
    private static final Duration BOUND = Duration.ofSeconds(120);
    /** Also checks, after the class, that the nodes' own clients stopped with their nodes. */
    @RegisterExtension
    static final GridFixture GRID = new GridFixture(LocalCluster.builder().nodes(2).threads(2));

    /** Fibonacci as Dask's docs write it with {@code get_client()}: each task submits its two children and waits for them. */
    public static long fib(int n) throws Exception {
        if (n < 2) {
            return n;
        }
        Client c = Client.current();
        Future<Long> a = c.submit(TasksThatSubmitTest::fib, n - 1);
        Future<Long> b = c.submit(TasksThatSubmitTest::fib, n - 2);
        return a.result(BOUND) + b.result(BOUND);
    }

    /** The same with unique keys: every call is its own task (2 fib(n+1) - 1 of them), none shared. */
    public static long fibUnique(int n) throws Exception {
        if (n < 2) {
            return n;
        }
        Client c = Client.current();
        List<Future<Long>> children = c.pure(false).map(TasksThatSubmitTest::fibUnique, List.of(n - 1, n - 2));
        return c.gather(children).stream().mapToLong(Long::longValue).sum();
    }

    @Test
    void fibonacciFanOut_n20_onTwoNodesOfTwoThreads_givesTheRightAnswer() throws Exception {
        assertEquals(6765L, GRID.client().submit(TasksThatSubmitTest::fib, 20).result(BOUND));
    }

    @Test
    void fanOutOfUniqueTasks_whereEveryThreadWaitsOnChildren_finishes() throws Exception {
        // 753 tasks, 376 of them waiting on their children at some point: far more than the 4 task threads.
        assertEquals(233L, GRID.client().pure(false).submit(TasksThatSubmitTest::fibUnique, 13).result(BOUND));
    }

    static final AtomicInteger WORKING = new AtomicInteger();
    static final AtomicInteger MOST = new AtomicInteger();

    /**
     * Counts itself as working except while it waits on its children: a root, 4 parents, 6 leaves
     * each. A parent whose leaves are done works on (for longer than a leaf) while other parents'
     * leaves still run, so without taking a slot back first it would be a fifth task at work.
     */
    public static int tree(int depth) throws Exception {
        MOST.accumulateAndGet(WORKING.incrementAndGet(), Math::max);
        try {
            if (depth == 0) {
                spin(30);
                return 1;
            }
            Client c = Client.current();
            List<Future<Integer>> children = c.pure(false).map(TasksThatSubmitTest::tree,
                    Collections.nCopies(depth == 2 ? 4 : 6, depth - 1));
            WORKING.decrementAndGet();
            int sum;
            try {
                sum = c.gather(children).stream().mapToInt(Integer::intValue).sum();
            } finally {
                MOST.accumulateAndGet(WORKING.incrementAndGet(), Math::max);
            }
            spin(150);
            return sum;
        } finally {
            WORKING.decrementAndGet();
        }
    }

    private static void spin(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    @Test
    void tasksThatWait_takeASlotBackAfter_soNoMoreRunAtOnceThanTheNodesHaveThreads() throws Exception {
        WORKING.set(0);
        MOST.set(0);
        assertEquals(24, GRID.client().pure(false).submit(TasksThatSubmitTest::tree, 2).result(BOUND));
        assertTrue(MOST.get() <= 4, "at most 2 nodes x 2 threads working at once, saw " + MOST.get());
        assertTrue(MOST.get() >= 2, "the tree should have kept more than one thread working, saw " + MOST.get());
    }

    public static int inc(int x) {
        return x + 1;
    }

    public static int add(int a, int b) {
        return a + b;
    }

    /** A Delayed graph computed inside a task with the scheduler named. */
    public static int delayedInside(String scheduler) {
        Delayed<Integer> a = delayed(TasksThatSubmitTest::inc, 1);
        Delayed<Integer> b = delayed(TasksThatSubmitTest::inc, 10);
        Delayed<Integer> total = delayed(TasksThatSubmitTest::add, a, b);
        return switch (scheduler) {
            case "sync" -> total.compute(Scheduler.SYNC);
            case "threads" -> total.compute(Scheduler.THREADS);
            default -> total.compute(Client.current());
        };
    }

    @Test
    void delayedComputedInsideATask_worksWithLocalSchedulersAndTheTasksClient() throws Exception {
        for (String s : List.of("sync", "threads", "client")) {
            assertEquals(13, GRID.client().pure(false).submit(TasksThatSubmitTest::delayedInside, s).result(BOUND), s);
        }
    }

    /** Closes the task's client as try-with-resources would, then uses it again. */
    public static int closesItsClient(int x) throws Exception {
        try (Client c = Client.current()) {
            c.submit(TasksThatSubmitTest::inc, x).result(BOUND);
        }
        return Client.current().submit(TasksThatSubmitTest::inc, x).result(BOUND);
    }

    @Test
    void aTaskClosingItsSharedClient_leavesItWorkingForTheOthers() throws Exception {
        List<Future<Integer>> fs = GRID.client().pure(false).map(TasksThatSubmitTest::closesItsClient,
                IntStream.range(0, 8).boxed().collect(Collectors.toList()));
        assertEquals(IntStream.range(1, 9).boxed().collect(Collectors.toList()), GRID.client().gather(fs));
    }

    @Test
    void current_outsideATask_isTheNewestClient_orSaysHowToOpenOne() {
        assertSame(GRID.client(), Client.current());
        try (Scheduler.Scope ignored = Scheduler.use(Scheduler.SYNC)) {
            KindlingException e = assertThrows(KindlingException.class, Client::current);
            assertTrue(e.getMessage().contains("Client.local()"), e.getMessage());
        }
    }
}
