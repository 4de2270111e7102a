package io.kindling.client;

import io.kindling.Delayed;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.kindling.Delayed.delayed;

/**
 * Task functions for fault tests: slow ones (so that a node can be killed while they run), and
 * hostile ones: a task that ends its JVM, one that kills its own node, one that ignores its
 * interrupt, one that fails a given number of times. Some keep state in statics, which only
 * in-process nodes share with the test.
 */
public final class Hostile {
    /** Released by tests to let {@link #stubborn} tasks end. */
    static volatile boolean release;
    static final AtomicInteger STUBBORN_RUNNING = new AtomicInteger();
    private static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();

    private Hostile() {
    }

    /** Busy for about {@code micros} microseconds, without sleeping. */
    static void spin(long micros) {
        long until = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(micros);
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    public static int slowInc(int x) {
        spin(100);
        return x + 1;
    }

    public static int slowAdd(int a, int b) {
        spin(100);
        return a + b;
    }

    public static int sum(List<Integer> xs) {
        int s = 0;
        for (int x : xs) {
            s += x;
        }
        return s;
    }

    /** A binary tree of {@code slowAdd} over {@code leaves} {@code slowInc} leaves: {@code 2 * leaves - 1} tasks. */
    static Delayed<Integer> tree(int leaves) {
        List<Delayed<Integer>> level = new ArrayList<>();
        for (int i = 0; i < leaves; i++) {
            level.add(delayed(Hostile::slowInc, i));
        }
        while (level.size() > 1) {
            List<Delayed<Integer>> next = new ArrayList<>();
            for (int i = 0; i + 1 < level.size(); i += 2) {
                next.add(delayed(Hostile::slowAdd, level.get(i), level.get(i + 1)));
            }
            if (level.size() % 2 == 1) {
                next.add(level.get(level.size() - 1));
            }
            level = next;
        }
        return level.get(0);
    }

    /** What {@link #tree} computes: the sum of 1 to {@code leaves}. */
    static int treeValue(int leaves) {
        return leaves * (leaves + 1) / 2;
    }

    /** Ends the JVM of the node that runs it. */
    public static int exit(int status) {
        System.exit(status);
        return status;
    }

    /** Ends the JVM of the node that runs it without its shutdown hooks. */
    public static int halt(int status) {
        Runtime.getRuntime().halt(status);
        return status;
    }

    /** Kills the process of the node that runs it, as {@code kill -9} would. */
    public static int killNode(int x) throws Exception {
        new ProcessBuilder("kill", "-9", String.valueOf(ProcessHandle.current().pid())).start().waitFor();
        Thread.sleep(60_000);
        return x;
    }

    /** Runs until {@link #release}, ignoring interrupts. */
    public static int stubborn(int x) {
        STUBBORN_RUNNING.incrementAndGet();
        try {
            while (!release) {
                spin(1000);
            }
            return x;
        } finally {
            STUBBORN_RUNNING.decrementAndGet();
        }
    }

    /** Throws on its first {@code failures} calls with this {@code name}, then returns the number of calls. */
    public static int flaky(String name, int failures) {
        int call = CALLS.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
        if (call <= failures) {
            throw new IllegalStateException("failure " + call + " of " + name);
        }
        return call;
    }

    public static String whereAmI(int x) {
        return org.apache.ignite.Ignition.localIgnite().name();
    }
}
