package io.kindling.bench;

import io.kindling.client.Client;
import io.kindling.client.Future;
import io.kindling.client.LocalCluster;
import io.kindling.client.TaskStream;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code faults} section: what a node's death costs. Each trial starts a local cluster of
 * three child-JVM nodes (one task thread each) and a thick client, warms the work up, times it
 * without a fault, then runs it again and kills one node with {@code kill -9} once
 * {@value #KILL_AT_PERCENT}% of its tasks have reported; it checks the result and times the run,
 * the kill to the result, and the client's seeing the node gone. The work is the 20,000-task tree
 * reduction ({@code fault_tree_kill}) and a 10,000-task map plus a sum ({@code fault_map_kill}).
 * One line per case: {@code trials}, {@code correct}, the medians, and how many trials finished
 * within the target: the fault-free time, plus the lost share (the dead node's part of the work,
 * done again by the two others: half the fault-free time), plus the failure detection. {@code replica_memory} scatters the same data with no
 * replica and with one, and reports the memory the nodes' data regions hold for each.
 */
final class FaultCases {
    static final int TRIALS = Integer.getInteger("kindling.bench.faultTrials", 5);
    static final int TREE_LEAVES = Integer.getInteger("kindling.bench.faultTreeLeaves", 10_000);
    static final int MAP_N = Integer.getInteger("kindling.bench.faultMapN", 10_000);
    static final int KILL_AT_PERCENT = 40;
    static final int NODES = 3;
    static final int REPLICA_VALUES = 20;
    static final int REPLICA_VALUE_MB = 4;
    private static final Pattern MEMORY = Pattern.compile("\"memoryBytes\":\\s*(\\d+)");

    private FaultCases() {
    }

    /** A computation to run on a client: how many tasks it has, and a way to start it. */
    private interface Work {
        int tasks();

        /** Starts the work; the last future is the result, the others are released with it. */
        List<Future<Integer>> start(Client client);

        int expected();
    }

    private static Future<Integer> resultOf(List<Future<Integer>> futures) {
        return futures.get(futures.size() - 1);
    }

    private static void release(List<Future<Integer>> futures) {
        futures.forEach(Future::release);
    }

    private static final Work TREE = new Work() {
        @Override
        public int tasks() {
            return 2 * TREE_LEAVES - 1;
        }

        @Override
        public List<Future<Integer>> start(Client client) {
            return List.of(client.compute(LocalCases.tree(TREE_LEAVES)));
        }

        @Override
        public int expected() {
            return (int) LocalCases.expectedTree(TREE_LEAVES);
        }
    };

    private static final Work MAP = new Work() {
        @Override
        public int tasks() {
            return MAP_N + 1;
        }

        @Override
        public List<Future<Integer>> start(Client client) {
            List<Integer> items = new ArrayList<>(MAP_N);
            for (int i = 0; i < MAP_N; i++) {
                items.add(i);
            }
            List<Future<Integer>> futures = new ArrayList<>(client.pure(false).map(LocalCases::inc, items));
            futures.add(client.pure(false).submit(FaultCases::sum, new ArrayList<>(futures)));
            return futures;
        }

        @Override
        public int expected() {
            return MAP_N * (MAP_N + 1) / 2;
        }
    };

    public static int sum(List<Integer> xs) {
        int s = 0;
        for (int x : xs) {
            s += x;
        }
        return s;
    }

    static void run(Report report) {
        DistributedCases.guarded(report, "fault_tree_kill", () -> kills(report, "fault_tree_kill", TREE));
        DistributedCases.guarded(report, "fault_map_kill", () -> kills(report, "fault_map_kill", MAP));
        DistributedCases.guarded(report, "replica_memory", () -> replicaMemory(report));
    }

    private static LocalCluster start() {
        return LocalCluster.builder().processes(true).nodes(NODES).threads(1).start();
    }

    /** One trial's figures. */
    private record Trial(boolean correct, double faultFree, double withKill, double killToResult, double detection,
            long outcomes) {
    }

    private static void kills(Report report, String name, Work work) throws Exception {
        Measure.Contention contention = new Measure.Contention();
        List<Trial> trials = new ArrayList<>();
        for (int t = 0; t < TRIALS; t++) {
            trials.add(trial(work));
            System.err.printf("[%s] trial %d: %s%n", name, t + 1, trials.get(trials.size() - 1));
        }
        List<Double> faultFree = new ArrayList<>();
        List<Double> withKill = new ArrayList<>();
        List<Double> killToResult = new ArrayList<>();
        List<Double> detection = new ArrayList<>();
        int correct = 0;
        int withinTarget = 0;
        for (Trial t : trials) {
            correct += t.correct() ? 1 : 0;
            faultFree.add(t.faultFree());
            withKill.add(t.withKill());
            killToResult.add(t.killToResult());
            detection.add(t.detection());
            double target = t.faultFree() * (1 + 1.0 / (NODES - 1)) + t.detection();
            withinTarget += t.withKill() <= target ? 1 : 0;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("system", Report.SYSTEM);
        line.put("case", name);
        line.put("n", work.tasks());
        line.put("trials", trials.size());
        line.put("correct", correct);
        line.put("seconds", median(withKill));
        line.put("fault_free_seconds", median(faultFree));
        line.put("kill_to_result_seconds", median(killToResult));
        line.put("detection_seconds", median(detection));
        line.put("slowdown", Math.round(median(withKill) / median(faultFree) * 100) / 100.0);
        line.put("within_target", withinTarget);
        line.put("outcomes", trials.stream().map(Trial::outcomes).toList());
        line.put("with_kill_runs_s", withKill);
        line.put("fault_free_runs_s", faultFree);
        line.put("other_procs_cores", contention.cores());
        line.put("note", NODES + " child-JVM nodes x 1 thread, thick client; kill -9 of one node once " + KILL_AT_PERCENT
                + "% of the tasks reported; seconds: the run with the kill; target per trial: fault_free + the lost "
                + "share + detection, where the lost share is the dead node's part of the work done again by the "
                + (NODES - 1) + " others (fault_free / " + (NODES - 1) + ": what it had computed is lost, what it had "
                + "left moves to them) and detection is the kill until the client saw the node gone; outcomes: task "
                + "outcomes that reached the client (above n: values computed again)");
        report.print(line);
    }

    private static Trial trial(Work work) throws Exception {
        try (LocalCluster cluster = start(); Client client = Client.of(cluster)) {
            for (int i = 0; i < 3; i++) {
                run(client, work);
            }
            List<Double> clean = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                clean.add(run(client, work));
            }
            String victim = client.nodes().get(1);
            ProcessHandle process = cluster.process(victim);
            try (TaskStream stream = TaskStream.record()) {
                long t0 = System.nanoTime();
                List<Future<Integer>> futures = work.start(client);
                Future<Integer> result = resultOf(futures);
                int killAt = work.tasks() * KILL_AT_PERCENT / 100;
                while (stream.size() < killAt && !result.done()) {
                    Thread.onSpinWait();
                }
                long kill = System.nanoTime();
                process.destroyForcibly();
                long[] seen = {0};
                Thread watcher = new Thread(() -> {
                    while (client.nodes().contains(victim) && !Thread.currentThread().isInterrupted()) {
                        Thread.onSpinWait();
                    }
                    seen[0] = System.nanoTime();
                }, "kindling-bench-detection");
                watcher.setDaemon(true);
                watcher.start();
                int value = result.result(java.time.Duration.ofMinutes(5));
                long done = System.nanoTime();
                release(futures);
                watcher.join(TimeUnit.SECONDS.toMillis(30));
                watcher.interrupt();
                process.onExit().get(30, TimeUnit.SECONDS);
                return new Trial(value == work.expected(), median(clean), (done - t0) / 1e9, (done - kill) / 1e9,
                        seen[0] == 0 ? Double.NaN : (seen[0] - kill) / 1e9, stream.size());
            }
        }
    }

    private static double run(Client client, Work work) {
        long t0 = System.nanoTime();
        List<Future<Integer>> futures = work.start(client);
        LocalCases.check(resultOf(futures).result() == work.expected());
        double s = Measure.seconds(t0);
        release(futures);
        return s;
    }

    private static double median(List<Double> xs) {
        List<Double> sorted = new ArrayList<>(xs);
        Collections.sort(sorted);
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The memory the nodes' data regions hold, summed, as the dashboard shows it. */
    private static long memoryHeld(Client client) throws Exception {
        String json = new String(URI.create(client.dashboardLink().replace("/status", "/json/workers")).toURL()
                .openStream().readAllBytes(), StandardCharsets.UTF_8);
        long total = 0;
        Matcher m = MEMORY.matcher(json);
        while (m.find()) {
            total += Long.parseLong(m.group(1));
        }
        return total;
    }

    private static void replicaMemory(Report report) throws Exception {
        Measure.Contention contention = new Measure.Contention();
        try (LocalCluster cluster = start(); Client client = Client.of(cluster)) {
            long base = memoryHeld(client);
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("system", Report.SYSTEM);
            line.put("case", "replica_memory");
            line.put("n", REPLICA_VALUES);
            line.put("value_bytes", (long) REPLICA_VALUE_MB << 20);
            line.put("base_bytes", base);
            double[] seconds = new double[2];
            long[] held = new long[2];
            List<List<Future<double[]>>> kept = new ArrayList<>();
            long before = base;
            for (int replicas = 0; replicas <= 1; replicas++) {
                List<double[]> values = new ArrayList<>();
                for (int i = 0; i < REPLICA_VALUES; i++) {
                    double[] v = new double[REPLICA_VALUE_MB << 17];
                    v[0] = replicas * 1000 + i;
                    values.add(v);
                }
                long t0 = System.nanoTime();
                kept.add(client.replicas(replicas).scatter(values));
                seconds[replicas] = Measure.seconds(t0);
                long after = memoryHeld(client);
                held[replicas] = after - before;
                before = after;
            }
            LocalCases.check(kept.size() == 2);
            line.put("seconds", seconds[1]);
            line.put("held_bytes_no_replica", held[0]);
            line.put("held_bytes_one_replica", held[1]);
            line.put("memory_ratio", held[0] > 0 ? Math.round((double) held[1] / held[0] * 100) / 100.0 : null);
            line.put("scatter_seconds_no_replica", seconds[0]);
            line.put("scatter_seconds_one_replica", seconds[1]);
            line.put("other_procs_cores", contention.cores());
            line.put("note", REPLICA_VALUES + " values of " + REPLICA_VALUE_MB + " MB scattered on " + NODES
                    + " child-JVM nodes, with client.replicas(0) and client.replicas(1); held: pages in use in the "
                    + "nodes' data regions (the dashboard's memoryBytes) that each set of values added");
            report.print(line);
        }
    }
}
