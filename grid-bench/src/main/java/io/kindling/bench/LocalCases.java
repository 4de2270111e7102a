package io.kindling.bench;

import io.kindling.Delayed;
import io.kindling.graph.Graph;
import io.kindling.scheduler.Callback;
import io.kindling.scheduler.Scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.kindling.Delayed.delayed;

/**
 * The {@code local} section: the cases of {@code dask_peer.py --section local}, same shapes and
 * sizes, plus a million-task tree that reports memory per task.
 */
final class LocalCases {
    static final int TREE_LEAVES = Integer.getInteger("kindling.bench.treeLeaves", 10_000);
    static final int CHAIN = Integer.getInteger("kindling.bench.chain", 1_000);
    static final int BIG_LEAVES = Integer.getInteger("kindling.bench.bigLeaves", 1 << 19);
    static final int WARMUPS = Integer.getInteger("kindling.bench.warmups", 5);
    static final int REPS = Integer.getInteger("kindling.bench.reps", 3);

    private LocalCases() {
    }

    public static int inc(int x) {
        return x + 1;
    }

    public static int add(int x, int y) {
        return x + y;
    }

    /** A binary tree of {@code add} over {@code leaves} {@code delayed(inc)} leaves: 2 * leaves - 1 tasks. */
    static Delayed<Integer> tree(int leaves) {
        List<Delayed<Integer>> level = new ArrayList<>(leaves);
        for (int i = 0; i < leaves; i++) {
            level.add(delayed(LocalCases::inc, i));
        }
        while (level.size() > 1) {
            List<Delayed<Integer>> next = new ArrayList<>(level.size() / 2 + 1);
            for (int i = 0; i + 1 < level.size(); i += 2) {
                next.add(delayed(LocalCases::add, level.get(i), level.get(i + 1)));
            }
            if (level.size() % 2 == 1) {
                next.add(level.get(level.size() - 1));
            }
            level = next;
        }
        return level.get(0);
    }

    static long expectedTree(long leaves) {
        return leaves * (leaves + 1) / 2;
    }

    static Delayed<Integer> chain(int n) {
        Delayed<Integer> x = delayed(LocalCases::inc, 0);
        for (int i = 1; i < n; i++) {
            x = delayed(LocalCases::inc, x);
        }
        return x;
    }

    static void run(Report report) throws Exception {
        int tasks = 2 * TREE_LEAVES - 1;
        report.emit("delayed_tree_build", tasks, Measure.repeat(WARMUPS, REPS, () -> {
            long t0 = System.nanoTime();
            Delayed<Integer> t = tree(TREE_LEAVES);
            double s = Measure.seconds(t0);
            check(t != null);
            return s;
        }), true, Map.of("leaves", TREE_LEAVES, "note", "time to build the Delayed tree (no compute)"));

        Scheduler threads = Scheduler.threads(2);
        for (Object[] named : new Object[][] {{"sync", Scheduler.SYNC}, {"threads", threads}}) {
            Scheduler s = (Scheduler) named[1];
            report.emit(named[0] + "_delayed_tree_compute", tasks, Measure.repeat(WARMUPS, REPS, () -> {
                Delayed<Integer> t = tree(TREE_LEAVES);
                long t0 = System.nanoTime();
                int v = t.compute(s);
                double sec = Measure.seconds(t0);
                check(v == expectedTree(TREE_LEAVES));
                return sec;
            }), true, Map.of("leaves", TREE_LEAVES, "note", ".compute() only (graph build and scheduling), Delayed build excluded"));
        }

        report.emit("delayed_chain_build", CHAIN, Measure.repeat(WARMUPS, REPS, () -> {
            long t0 = System.nanoTime();
            Delayed<Integer> c = chain(CHAIN);
            double s = Measure.seconds(t0);
            check(c != null);
            return s;
        }), true, Map.of());
        for (Object[] named : new Object[][] {{"sync", Scheduler.SYNC}, {"threads", threads}}) {
            Scheduler s = (Scheduler) named[1];
            report.emit(named[0] + "_delayed_chain_compute", CHAIN, Measure.repeat(WARMUPS, REPS, () -> {
                Delayed<Integer> c = chain(CHAIN);
                long t0 = System.nanoTime();
                int v = c.compute(s);
                double sec = Measure.seconds(t0);
                check(v == CHAIN);
                return sec;
            }), true, Map.of());
        }
        bigTree(report, threads);
    }

    /** Heap in use when a computation starts, beyond a baseline taken before its Delayed values were built. */
    static final class MemoryProbe implements Callback {
        private long baseline;
        private long bytesPerTask;

        void baseline() {
            baseline = usedHeap();
        }

        @Override
        public void start(Graph graph) {
            bytesPerTask = Math.max(bytesPerTask, (usedHeap() - baseline) / Math.max(1, graph.size()));
        }
    }

    /**
     * About a million tasks on the threads scheduler; memory per task is the heap in use when the
     * computation starts (Delayed values, graph and scheduler state all alive) minus the heap in
     * use before the Delayed values were built, over the task count.
     */
    private static void bigTree(Report report, Scheduler threads) throws Exception {
        int tasks = 2 * BIG_LEAVES - 1;
        MemoryProbe probe = new MemoryProbe();
        probe.baseline();
        Delayed<Integer> probed = tree(BIG_LEAVES);
        try (Callback.Registration r = probe.register()) {
            check(probed.compute(threads) == (int) expectedTree(BIG_LEAVES));
        }
        probed = null;
        Measure.Runs runs = Measure.repeat(1, REPS, () -> {
            Delayed<Integer> t = tree(BIG_LEAVES);
            long t0 = System.nanoTime();
            int v = t.compute(threads);
            double sec = Measure.seconds(t0);
            check(v == (int) expectedTree(BIG_LEAVES));
            return sec;
        });
        report.emit("threads_delayed_tree_compute_1M", tasks, runs, true, Map.of("leaves", BIG_LEAVES,
                "bytes_per_task", probe.bytesPerTask, "max_heap_mb", Runtime.getRuntime().maxMemory() >> 20,
                "note", "compute only; bytes_per_task: heap in use at compute start (Delayed values, graph, "
                        + "scheduler state) over tasks, measured in a run of its own before the timed runs"));
    }

    static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    static void check(boolean ok) {
        if (!ok) {
            throw new IllegalStateException("a benchmark computed a wrong result");
        }
    }
}
