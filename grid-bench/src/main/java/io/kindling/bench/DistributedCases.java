package io.kindling.bench;

import io.kindling.Delayed;
import io.kindling.client.Client;
import io.kindling.client.Future;
import io.kindling.client.LocalCluster;
import io.kindling.grid.internal.KindlingGrid;
import org.apache.ignite.IgniteCompute;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The {@code distributed} section: the cases of {@code dask_peer.py --section distributed}, same
 * names and shapes, on one local cluster of two server nodes in child JVMs (one task thread each,
 * as Dask's two one-thread workers) and a thick client node in this JVM; then raw Ignite
 * baselines on the same cluster ({@code raw_ignite_*}). {@link DistributedChecks} prints the
 * issue's targets against these figures.
 *
 * <p>One file, longer than most, because it mirrors the reference script's distributed section
 * case for case, so that the two can be read side by side.
 *
 * <p>Why one file of this size: the cases of one section share one cluster, its warm-up and the
 * guard that reports a failed case; the largest self-contained case is in a class of its own
 * ({@code MemoryPressureCase}).
 */
final class DistributedCases {
    static final int DIST_TREE_LEAVES = Integer.getInteger("kindling.bench.distTreeLeaves", 5_000);
    static final int N_INDEP = Integer.getInteger("kindling.bench.nIndep", 10_000);
    static final int N_LAT = Integer.getInteger("kindling.bench.nLat", 200);
    static final int N_CHAIN = Integer.getInteger("kindling.bench.chain", 1_000);
    static final int SCATTER_MB = Integer.getInteger("kindling.bench.scatterMb", 100);
    static final int REPS = LocalCases.REPS;
    private static final long IDLE_TIMEOUT_NANOS = 30_000_000_000L;
    private static final long START_TIMEOUT_MILLIS = Long.getLong("kindling.bench.startTimeoutMillis", 120_000);

    private DistributedCases() {
    }

    /** A length of an array, as the reference's {@code arr_len}. */
    public static int length(double[] a) {
        return a.length;
    }

    /** A sum of an array, as the reference's {@code arr_sum}. */
    public static double sum(double[] a) {
        double s = 0;
        for (double x : a) {
            s += x;
        }
        return s;
    }

    /** One case of the section; a failing case prints an error line and the others go on. */
    interface Case {
        void run() throws Exception;
    }

    /**
     * {@code Client.local} of two child-JVM nodes with one thread each. A watchdog kills the node
     * processes if the start hangs (a node whose main thread dies before it reports ready leaves
     * LocalCluster waiting on its output for ever), so that the start fails and the run goes on.
     */
    static Client startCluster() {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(START_TIMEOUT_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("[distributed] the local cluster did not start within " + START_TIMEOUT_MILLIS
                    + " ms: killing its node processes");
            ProcessHandle.current().children().forEach(ProcessHandle::destroyForcibly);
        }, "kindling-bench-start-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            return Client.local(LocalCluster.builder().processes(true).nodes(2).threads(1));
        } finally {
            watchdog.interrupt();
        }
    }

    static void run(Report report) throws Exception {
        Client[] client = new Client[1];
        try {
            guarded(report, "dist_cluster_startup", () -> client[0] = startup(report));
            if (client[0] == null) {
                client[0] = startCluster();
            }
            Client c = client[0];
            System.err.println("[distributed] nodes: " + c.nodes());
            guarded(report, "jit_warmup", () -> warmUp(report, c));
            guarded(report, "dist_submit_gather", () -> submitGather(report, c));
            guarded(report, "dist_map_gather", () -> mapGather(report, c));
            guarded(report, "dist_delayed_tree_compute", () -> tree(report, c));
            guarded(report, "dist_roundtrip_latency", () -> latency(report, c));
            guarded(report, "dist_scatter", () -> scatter(report, c));
            guarded(report, "dist_future_chain", () -> chain(report, c));
            // The reference measures its workers after the cases above: so does this line. The
            // cases below have no Dask side (a million tasks hold far more than any case above);
            // the nodes' peak after them is a line of its own.
            guarded(report, "peak_rss", () -> peakRss(report, "peak_rss", "after the cases the reference runs"));
            guarded(report, "dist_map_gather_shared", () -> mapGatherShared(report, c));
            guarded(report, "dist_map_gather_1M", () -> mapGatherMillion(report, c));
            guarded(report, "dist_memory_pressure", () -> MemoryPressureCase.run(report));
            guarded(report, "raw_ignite_submit_gather", () -> RawIgniteCases.submitGather(report, c));
            guarded(report, "dist_cluster_startup_inprocess", () -> startupInProcess(report));
            guarded(report, "peak_rss_all_cases", () -> peakRss(report, "peak_rss_all_cases",
                    "after every case, the million-task map included (no Dask side)"));
        } finally {
            if (client[0] != null) {
                client[0].close();
            }
        }
    }

    /**
     * Runs every case's workload for a while, untimed, so that the JIT of the client and of the
     * node JVMs has compiled the hot paths before anything is measured (a Python process has no
     * JIT to warm; each Dask case gets its one warm-up run).
     */
    static void warmUp(Report report, Client c) throws Exception {
        long t0 = System.nanoTime();
        long until = t0 + Long.getLong("kindling.bench.distWarmupMillis", 15_000) * 1_000_000;
        int rounds = 0;
        while (System.nanoTime() < until) {
            List<Future<Integer>> futures = submitIncs(c);
            c.gather(futures);
            futures.forEach(Future::release);
            LocalCases.check(c.compute(LocalCases.tree(DIST_TREE_LEAVES)).result()
                    == (int) LocalCases.expectedTree(DIST_TREE_LEAVES));
            for (int i = 0; i < N_LAT; i++) {
                c.pure(false).submit(LocalCases::inc, i).result();
            }
            Future<Integer> f = c.pure(false).submit(LocalCases::inc, 0);
            for (int i = 1; i < N_CHAIN; i++) {
                f = c.pure(false).submit(LocalCases::inc, f);
            }
            LocalCases.check(f.result() == N_CHAIN);
            rounds++;
        }
        int large = warmLargeValues(c);
        Map<String, Object> line = caseLine("jit_warmup");
        line.put("n", rounds);
        line.put("seconds", Measure.seconds(t0));
        line.put("tasks_per_s", null);
        line.put("large_values", large);
        line.put("note", "untimed rounds of the submit, tree, round-trip and chain workloads before the cases, "
                + "for the JIT of the client and node JVMs (kindling.bench.distWarmupMillis); then large_values "
                + "scatters of the dist_scatter payload, each node receiving two, each read by the len and sum tasks");
        report.print(line);
    }

    /**
     * Scatters the {@code dist_scatter} payload twice to each node and runs its two tasks on it,
     * untimed: a node's first large values take several times as long as the next (its JIT has
     * not compiled the paths that write, unpack and read them, and its heap grows to hold them),
     * and dist_scatter would otherwise time those. Returns how many values it scattered.
     */
    private static int warmLargeValues(Client c) {
        int elements = (int) (SCATTER_MB * 1_000_000L / 8);
        int n = 0;
        for (int round = 0; round < 2; round++) {
            for (String node : c.nodes()) {
                double[] a = new double[elements];
                Arrays.fill(a, -1.0 - n);
                Future<double[]> f = c.scatter(List.of(a), node).get(0);
                Future<Integer> len = c.pure(false).submit(DistributedCases::length, f);
                Future<Double> total = c.pure(false).submit(DistributedCases::sum, f);
                check(len.result() == elements && total.result() == (-1.0 - n) * elements);
                release(List.of(len, total, f));
                n++;
            }
        }
        idle(c);
        return n;
    }

    /** A report line of this system for case {@code name}, to which the case adds its figures. */
    static Map<String, Object> caseLine(String name) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("system", Report.SYSTEM);
        line.put("case", name);
        return line;
    }

    /** Runs one case; if it fails, prints an error line for it and the stack trace, and goes on. */
    static void guarded(Report report, String name, Case c) {
        String only = System.getProperty("kindling.bench.cases");
        if (only != null && !only.isBlank() && !java.util.Arrays.asList(only.split(",")).contains(name)) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            c.run();
        } catch (Exception | LinkageError | OutOfMemoryError e) {
            Map<String, Object> line = caseLine(name);
            line.put("n", null);
            line.put("seconds", null);
            line.put("tasks_per_s", null);
            line.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
            report.print(line);
            e.printStackTrace();
        } finally {
            System.err.printf("[%s] section took %.1fs%n", name, Measure.seconds(t0));
        }
    }

    /** One warm-up start and close, then REPS timed ones; the last cluster started stays up for the rest. */
    private static Client startup(Report report) {
        List<Double> starts = new ArrayList<>();
        List<Double> closes = new ArrayList<>();
        List<Double> forked = new ArrayList<>();
        Measure.Contention contention = new Measure.Contention();
        Client client = null;
        try {
            for (int i = 0; i <= REPS; i++) {
                long t0 = System.nanoTime();
                client = startCluster();
                starts.add(Measure.seconds(t0));
                check(client.nodes().size() == 2);
                List<Instant> forks = ProcessHandle.current().children().map(h -> h.info().startInstant())
                        .flatMap(Optional::stream).sorted().toList();
                forked.add(forks.size() < 2 ? null : Duration.between(forks.get(0), forks.get(1)).toMillis() / 1000.0);
                if (i < REPS) {
                    long t1 = System.nanoTime();
                    Client closing = client;
                    client = null;
                    closing.close();
                    closes.add(Measure.seconds(t1));
                }
            }
        } catch (RuntimeException | Error e) {
            if (client != null) {
                client.close();
            }
            throw e;
        }
        report.emit("dist_cluster_startup", 2, new Measure.Runs(starts.get(0), starts.subList(1, starts.size()),
                contention.cores()), false, Map.of("close_runs_s", closes, "first_node_ready_s", last(forked, REPS),
                "note", "Client.local(LocalCluster.builder().processes(true).nodes(2).threads(1)) until ready; "
                        + "n=server nodes; close_runs_s: client.close() (stops the nodes and their JVMs); "
                        + "first_node_ready_s: from the fork of the first node JVM to the fork of the second, "
                        + "which LocalCluster starts once the first is ready (the rest is the second node and "
                        + "the client node joining)"));
        return client;
    }

    /**
     * The same start and close with both nodes in this JVM ({@code processes(false)}); the reference
     * runs no in-process case, so its check is against Dask's {@code dist_cluster_startup}.
     */
    private static void startupInProcess(Report report) {
        List<Double> starts = new ArrayList<>();
        List<Double> closes = new ArrayList<>();
        Measure.Contention contention = new Measure.Contention();
        for (int i = 0; i <= REPS; i++) {
            long t0 = System.nanoTime();
            Client client = Client.local(LocalCluster.builder().processes(false).nodes(2).threads(1));
            starts.add(Measure.seconds(t0));
            long t1;
            try {
                check(client.nodes().size() == 2);
            } finally {
                t1 = System.nanoTime();
                client.close();
            }
            closes.add(Measure.seconds(t1));
        }
        report.emit("dist_cluster_startup_inprocess", 2, new Measure.Runs(starts.get(0),
                starts.subList(1, starts.size()), contention.cores()), false, Map.of("close_runs_s", last(closes, REPS),
                "note", "Client.local(LocalCluster.builder().processes(false).nodes(2).threads(1)) until ready, in "
                        + "this JVM while the child-JVM cluster of the other cases idles; n=server nodes; "
                        + "close_runs_s: client.close()"));
    }

    private static void submitGather(Report report, Client client) throws Exception {
        submitGather(report, client, "dist_submit_gather");
    }

    static void submitGather(Report report, Client client, String name) throws Exception {
        List<Double> submits = new ArrayList<>();
        report.emit(name, N_INDEP, Measure.repeat(1, REPS, () -> timedGather(client, DistributedCases::submitIncs,
                submits)), true, Map.of("submit_runs_s", last(submits, REPS), "note",
                "N x client.pure(false).submit(inc, i) + gather; submit_runs_s: the submit loop alone"));
    }

    private static void mapGather(Report report, Client client) throws Exception {
        List<Integer> range = IntStream.range(0, N_INDEP).boxed().collect(Collectors.toList());
        List<Double> submits = new ArrayList<>();
        report.emit("dist_map_gather", N_INDEP, Measure.repeat(1, REPS, () -> timedGather(client,
                c -> c.map(LocalCases::inc, range), submits)), true, Map.of("submit_runs_s", last(submits, REPS), "note",
                "client.map(inc, range(N)) (pure keys) + gather; every future is released between runs, so each run "
                        + "computes all N again"));
    }

    /**
     * {@code dist_map_gather_shared}: {@code dist_map_gather} while a second client of the cluster
     * is open and idle, so that the client shares its keys: it writes a record of each, looks its
     * new tasks up before sending them, and removes the records before the data goes. What sharing
     * costs, against {@code dist_map_gather} in the same run.
     */
    private static void mapGatherShared(Report report, Client client) throws Exception {
        if (client.ignite() == null) {
            return;
        }
        List<Integer> range = IntStream.range(0, N_INDEP).boxed().collect(Collectors.toList());
        try (Client other = Client.over(client.ignite())) {
            report.emit("dist_map_gather_shared", N_INDEP, Measure.repeat(1, REPS, () -> timedGather(client,
                    c -> c.map(LocalCases::inc, range), null)), true, Map.of("note", "dist_map_gather with a second, "
                    + "idle client of the cluster open: every key is recorded and looked up in the shared key table"));
            LocalCases.check(other.nbytes().isEmpty());
        }
    }

    static final int N_MILLION = Integer.getInteger("kindling.bench.nMillion", 1_000_000);

    /**
     * {@code dist_map_gather_1M}: one map over a million items and its gather, then the million
     * futures released one by one ({@code release_s}); the rate is to be at least 0.8 times
     * {@code dist_map_gather}'s in the same run (the cost grows linearly with the work).
     */
    private static void mapGatherMillion(Report report, Client client) {
        List<Integer> range = IntStream.range(0, N_MILLION).boxed().collect(Collectors.toList());
        Measure.Contention contention = new Measure.Contention();
        idle(client);
        System.gc();
        long t0 = System.nanoTime();
        List<Future<Integer>> futures = client.map(LocalCases::inc, range);
        double submit = Measure.seconds(t0);
        List<Integer> values = client.gather(futures);
        double seconds = Measure.seconds(t0);
        LocalCases.check(values.get(N_MILLION - 1) == N_MILLION);
        long t1 = System.nanoTime();
        for (Future<Integer> f : futures) {
            f.release();
        }
        double release = Measure.seconds(t1);
        Map<String, Object> line = caseLine("dist_map_gather_1M");
        line.put("n", N_MILLION);
        line.put("seconds", seconds);
        line.put("tasks_per_s", Math.round(N_MILLION / seconds * 10) / 10.0);
        line.put("submit_s", submit);
        line.put("release_s", release);
        line.put("other_procs_cores", contention.cores());
        line.put("note", "client.map(inc, range(1,000,000)) (pure keys, as dist_map_gather) + gather, one run; "
                + "submit_s: the map call; release_s: the million futures released one by one");
        report.print(line);
    }

    /** N independent {@code inc(i)} tasks with unique keys, as the reference's {@code submit(inc, i, pure=False)}. */
    static List<Future<Integer>> submitIncs(Client client) {
        List<Future<Integer>> futures = new ArrayList<>(N_INDEP);
        for (int i = 0; i < N_INDEP; i++) {
            futures.add(client.pure(false).submit(LocalCases::inc, i));
        }
        return futures;
    }

    /**
     * Once the client is idle: submits N inc tasks with {@code submit}, gathers them, checks the
     * last value and releases them; returns the seconds from the first submit to the gather, and
     * adds the seconds of the submits alone to {@code submits} (when given).
     */
    static double timedGather(Client client, java.util.function.Function<Client, List<Future<Integer>>> submit,
            List<Double> submits) {
        idle(client);
        long t0 = System.nanoTime();
        List<Future<Integer>> futures = submit.apply(client);
        if (submits != null) {
            submits.add(Measure.seconds(t0));
        }
        List<Integer> results = client.gather(futures);
        double s = Measure.seconds(t0);
        check(results.get(N_INDEP - 1) == N_INDEP);
        release(futures);
        return s;
    }

    private static void tree(Report report, Client client) throws Exception {
        List<Double> builds = new ArrayList<>();
        List<Double> submits = new ArrayList<>();
        report.emit("dist_delayed_tree_compute", 2L * DIST_TREE_LEAVES - 1, Measure.repeat(1, REPS, () -> {
            idle(client);
            long tb = System.nanoTime();
            Delayed<Integer> t = LocalCases.tree(DIST_TREE_LEAVES);
            builds.add(Measure.seconds(tb));
            long t0 = System.nanoTime();
            Future<Integer> f = client.compute(t);
            submits.add(Measure.seconds(t0));
            int v = f.result();
            double s = Measure.seconds(t0);
            check(v == LocalCases.expectedTree(DIST_TREE_LEAVES));
            f.release();
            return s;
        }), true, Map.of("leaves", DIST_TREE_LEAVES, "build_runs_s", last(builds, REPS),
                "submit_runs_s", last(submits, REPS), "note", "client.compute(tree).result(); build excluded; a fresh "
                        + "tree each run; submit_runs_s: until client.compute returned"));
    }

    private static void latency(Report report, Client client) throws Exception {
        latency(report, client, "dist_roundtrip_latency");
    }

    /**
     * The median of sequential submit-then-result round trips. For a thick client each round trip
     * alternates with a raw Ignite {@code affinityCall} of the same increment, measured into
     * {@code raw_ignite_roundtrip_latency}: the two then see the same moments of a shared, noisy
     * machine, and their ratio means something.
     */
    static void latency(Report report, Client client, String name) throws Exception {
        IgniteCompute raw = client.ignite() == null ? null : client.ignite().compute(client.ignite().cluster().forServers());
        List<double[]> laps = new ArrayList<>();
        List<double[]> rawLaps = new ArrayList<>();
        List<double[]> submits = new ArrayList<>();
        List<double[]> dones = new ArrayList<>();
        Measure.Runs runs = Measure.repeat(1, REPS, () -> {
            idle(client);
            double[] lap = new double[N_LAT];
            double[] rawLap = new double[N_LAT];
            double[] submit = new double[N_LAT];
            double[] done = new double[N_LAT];
            for (int i = 0; i < N_LAT; i++) {
                if (raw != null) {
                    long r0 = System.nanoTime();
                    int rv = raw.affinityCall(KindlingGrid.DATA_CACHE, i, new RawIgniteCases.IncCallable(i));
                    rawLap[i] = Measure.seconds(r0);
                    check(rv == i + 1);
                }
                long t0 = System.nanoTime();
                Future<Integer> f = client.pure(false).submit(LocalCases::inc, i);
                submit[i] = Measure.seconds(t0);
                check(f.exception() == null);
                done[i] = Measure.seconds(t0);
                int v = f.result();
                lap[i] = Measure.seconds(t0);
                f.release();
                check(v == i + 1);
            }
            laps.add(lap);
            rawLaps.add(rawLap);
            submits.add(submit);
            dones.add(done);
            return median(lap);
        });
        emitLatency(report, name, runs, laps, Map.of(
                "submit_median_us", us(median(concat(last(submits, REPS)))),
                "done_median_us", us(median(concat(last(dones, REPS))))),
                "seconds = median per-call latency of client.pure(false).submit(inc, i).result(); runs = "
                        + "per-repetition medians over N calls; submit_median_us: until submit() returned; "
                        + "done_median_us: until the future was done (exception() returned), before result() read the value"
                        + (raw != null ? "; each call alternates with the raw_ignite_roundtrip_latency call" : ""));
        if (raw != null) {
            List<double[]> timed = last(rawLaps, REPS);
            List<Double> medians = new ArrayList<>();
            for (double[] l : timed) {
                medians.add(median(l));
            }
            emitLatency(report, "raw_ignite_roundtrip_latency", new Measure.Runs(median(rawLaps.get(0)), medians,
                    runs.otherCores()), timed, Map.of(), "seconds = median per-call latency of a sequential "
                    + "affinityCall(\"" + KindlingGrid.DATA_CACHE + "\", i, IncCallable(i)), alternating with the "
                    + name + " calls");
        }
    }

    private static void chain(Report report, Client client) throws Exception {
        List<Double> submits = new ArrayList<>();
        report.emit("dist_future_chain", N_CHAIN, Measure.repeat(1, REPS, () -> {
            idle(client);
            long t0 = System.nanoTime();
            Future<Integer> f = client.pure(false).submit(LocalCases::inc, 0);
            for (int i = 1; i < N_CHAIN; i++) {
                Future<Integer> next = client.pure(false).submit(LocalCases::inc, f);
                f.release();
                f = next;
            }
            submits.add(Measure.seconds(t0));
            int v = f.result();
            double s = Measure.seconds(t0);
            check(v == N_CHAIN);
            f.release();
            return s;
        }), true, Map.of("submit_runs_s", last(submits, REPS), "note", "chain of N dependent "
                + "client.pure(false).submit(inc, prev) then .result(); each previous future is released once the "
                + "next is submitted, as Python drops it; submit_runs_s: the submit loop alone"));
    }

    private static void scatter(Report report, Client client) {
        long nbytes = SCATTER_MB * 1_000_000L;
        int elements = (int) (nbytes / 8);
        List<Double> scatters = new ArrayList<>();
        List<Double> lengths = new ArrayList<>();
        List<Double> sums = new ArrayList<>();
        Measure.Contention contention = new Measure.Contention();
        for (int rep = 0; rep <= REPS; rep++) {
            idle(client);
            double[] a = new double[elements];
            Arrays.fill(a, rep + 1.0);
            System.gc();
            long t0 = System.nanoTime();
            Future<double[]> f = client.scatter(a);
            long t1 = System.nanoTime();
            Future<Integer> len = client.pure(false).submit(DistributedCases::length, f);
            int n = len.result();
            long t2 = System.nanoTime();
            Future<Double> total = client.pure(false).submit(DistributedCases::sum, f);
            double s = total.result();
            long t3 = System.nanoTime();
            release(List.of(len, total));
            check(n == elements && s == (rep + 1.0) * elements);
            scatters.add((t1 - t0) / 1e9);
            lengths.add((t2 - t1) / 1e9);
            sums.add((t3 - t2) / 1e9);
            f.release();
        }
        Double cores = contention.cores();
        Measure.Runs runs = new Measure.Runs(scatters.get(0), scatters.subList(1, scatters.size()), cores);
        double median = runs.median();
        report.emit("dist_scatter", 1, runs, false, Map.of("bytes", nbytes,
                "mb_per_s", Math.round(nbytes / 1e6 / median * 10) / 10.0,
                "note", "client.scatter(" + SCATTER_MB + " MB double[]) (finished at once); content hashing "
                        + "for the key included; distinct content per run"));
        for (Object[] c : new Object[][] {{"dist_scatter_task_len", lengths}, {"dist_scatter_task_sum", sums}}) {
            @SuppressWarnings("unchecked")
            List<Double> l = (List<Double>) c[1];
            report.emit((String) c[0], 1, new Measure.Runs(l.get(0), l.subList(1, l.size()), cores), true,
                    Map.of("note", "client.pure(false).submit(f, scattered_future).result() of the small result"));
        }
    }

    static void emitLatency(Report report, String name, Measure.Runs runs, List<double[]> laps,
            Map<String, Object> more, String note) {
        double[] all = concat(last(laps, REPS));
        Arrays.sort(all);
        double med = runs.median();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("median_us", us(med));
        extra.put("p90_us", us(all[(int) (0.9 * (all.length - 1))]));
        extra.put("min_us", us(all[0]));
        extra.put("warmup_median_us", us(runs.warmup()));
        extra.put("runs_median_us", runs.runs().stream().map(DistributedCases::us).toList());
        extra.putAll(more);
        extra.put("note", note);
        report.emit(name, N_LAT, runs, true, extra);
    }

    /** Peak resident memory of this JVM and of the node JVMs so far, as the reference's {@code peak_rss} line. */
    private static void peakRss(Report report, String name, String when) {
        Map<String, Object> line = caseLine(name);
        line.put("n", null);
        line.put("seconds", null);
        line.put("tasks_per_s", null);
        line.put("client_process_peak_rss_mib", peakRssMib(ProcessHandle.current().pid()));
        Map<String, Object> nodes = new LinkedHashMap<>();
        for (ProcessHandle h : ProcessHandle.current().children().toList()) {
            nodes.put(String.valueOf(h.pid()), peakRssMib(h.pid()));
        }
        line.put("node_processes_peak_rss_mib", nodes);
        line.put("note", "VmHWM " + when + " of this JVM (thick client node; fixed 6 GB heap, pre-touched) and of the "
                + "server node JVMs (-Xmx1g, 512 MB data region each); includes the scatter copies");
        report.print(line);
    }

    private static Double peakRssMib(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (l.startsWith("VmHWM:")) {
                    return Math.round(Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 * 10) / 10.0;
                }
            }
        } catch (Exception e) {
            // gone
        }
        return null;
    }

    /** Waits until the client holds no data and the data cache is empty, as the reference's {@code wait_idle}. */
    /** Waits until the client holds nothing and (for a thick client, which can see it) the data cache is empty. */
    static void idle(Client client) {
        var cache = client.ignite() == null ? null : KindlingGrid.dataCache(client.ignite());
        long deadline = System.nanoTime() + IDLE_TIMEOUT_NANOS;
        while (!client.nbytes().isEmpty() || (cache != null && cache.size() > 0)) {
            System.gc(); // futures dropped without release() let go when collected
            if (System.nanoTime() > deadline) {
                System.err.println("idle: " + client.nbytes().size() + " keys held, "
                        + (cache == null ? "?" : cache.size()) + " cache entries still there after 30 s");
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void release(Collection<? extends Future<?>> futures) {
        for (Future<?> f : futures) {
            f.release();
        }
    }

    static <T> List<T> last(List<T> list, int n) {
        return new ArrayList<>(list.subList(Math.max(0, list.size() - n), list.size()));
    }

    private static double[] concat(List<double[]> arrays) {
        return arrays.stream().flatMapToDouble(Arrays::stream).toArray();
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double us(double seconds) {
        return Math.round(seconds * 1e7) / 10.0;
    }

    private static void check(boolean ok) {
        LocalCases.check(ok);
    }
}
