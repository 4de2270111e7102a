package io.kindling.grid.dashboard;

import io.kindling.grid.internal.PendingTasks;
import io.kindling.grid.internal.TaskEvents;

import io.kindling.graph.Key;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCompute;
import org.apache.ignite.cluster.ClusterGroupEmptyException;
import org.apache.ignite.internal.processors.task.GridInternal;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.resources.IgniteInstanceResource;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The cluster as the dashboard shows it, gathered from every server node: each node answers for
 * itself (its {@link TaskEvents} and its share of the data), through a small job broadcast to the
 * servers. The node reports behind {@code /json/workers} and {@code /json/progress} are kept for
 * {@value #CACHE_MILLIS} ms, so any number of pages polling costs one broadcast per period; task
 * events are asked for incrementally ({@code since}), so a poll carries only what is new.
 *
 * <p>The jobs are marked {@code @GridInternal}, Ignite's mark for its own management jobs: a node
 * runs them at once on its management pool instead of queueing them behind user jobs on the
 * public pool, whose every thread may be running a batch of Kindling tasks (which is exactly when
 * the dashboard must answer). Ignite's public API offers no other pool without configuring one
 * on every node. Internal jobs also stay out of task events and metrics.
 */
final class ClusterView {
    static final long CACHE_MILLIS = 500;
    private static final long TIMEOUT_MILLIS = 5000;

    private final Ignite ignite;
    private final PendingTasks pending;
    private List<NodeReport> reports = List.of();
    private long reportsMillis;

    ClusterView(Ignite ignite, PendingTasks pending) {
        this.ignite = ignite;
        this.pending = pending;
    }

    private IgniteCompute servers() {
        return ignite.compute(ignite.cluster().forServers()).withTimeout(TIMEOUT_MILLIS).withNoFailover();
    }

    private <T> Collection<T> broadcast(IgniteCallable<T> job) {
        try {
            return servers().broadcast(job);
        } catch (ClusterGroupEmptyException e) {
            return List.of();
        }
    }

    private synchronized List<NodeReport> reports() {
        long now = System.currentTimeMillis();
        if (now - reportsMillis >= CACHE_MILLIS) {
            List<NodeReport> fresh = new ArrayList<>(broadcast(new NodeReport.Probe()));
            fresh.sort(Comparator.comparing(r -> r.node));
            reports = fresh;
            reportsMillis = System.currentTimeMillis();
        }
        return reports;
    }

    /** One entry per server node. */
    List<Map<String, Object>> workers() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (NodeReport r : reports()) {
            long done = 0;
            long erred = 0;
            for (long[] c : r.functions.values()) {
                done += c[0];
                erred += c[1];
            }
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("node", r.node);
            w.put("host", r.host);
            w.put("threads", r.threads);
            w.put("memoryBytes", r.memoryBytes);
            w.put("memoryLimitBytes", r.memoryLimitBytes);
            w.put("spilledBytes", r.spilledBytes);
            w.put("spilledValues", r.spilledValues);
            w.put("paused", r.paused);
            w.put("keys", r.keys);
            w.put("running", r.running.size());
            w.put("stuck", r.stuck.size());
            w.put("done", done);
            w.put("erred", erred);
            w.put("heapUsedBytes", r.heapUsedBytes);
            w.put("heapMaxBytes", r.heapMaxBytes);
            w.put("cpuLoad", r.cpuLoad);
            List<Map<String, Object>> running = new ArrayList<>();
            for (TaskEvent e : r.running) {
                running.add(Map.of("key", e.key().toString(), "function", e.function(), "thread", e.thread(),
                        "start", e.startMillis(), "stuck", r.stuck.contains(e.thread())));
            }
            w.put("processing", running);
            out.add(w);
        }
        return out;
    }

    /** One entry per function: done, running, waiting and erred, summed over the cluster. */
    List<Map<String, Object>> progress() {
        Map<String, long[]> byFunction = new TreeMap<>();
        for (NodeReport r : reports()) {
            r.functions.forEach((f, c) -> {
                long[] t = byFunction.computeIfAbsent(f, x -> new long[5]);
                t[0] += c[0];
                t[1] += c[1];
                t[2] += c[2];
                t[4] = Math.max(t[4], c[3]);
            });
            for (TaskEvent e : r.running) {
                byFunction.computeIfAbsent(e.function(), x -> new long[5])[3]++;
            }
        }
        Map<String, Long> notFinished = pending.total();
        for (String f : notFinished.keySet()) {
            byFunction.computeIfAbsent(f, x -> new long[5]);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        byFunction.forEach((f, t) -> {
            long running = t[3];
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("function", f);
            p.put("done", t[0]);
            p.put("running", running);
            p.put("waiting", Math.max(0, notFinished.getOrDefault(f, 0L) - running));
            p.put("erred", t[1]);
            p.put("seconds", t[2] / 1e9);
            p.put("last", t[4]);
            out.add(p);
        });
        return out;
    }

    /** Events of tasks that stopped at or after {@code since}, at most {@code limit} (the newest), by stop time. */
    List<TaskEvent> events(double since, int limit, boolean withInputs) {
        List<TaskEvent> all = new ArrayList<>();
        for (List<TaskEvent> some : broadcast(new EventsProbe(since, limit, withInputs))) {
            all.addAll(some);
        }
        all.sort(Comparator.comparingDouble(TaskEvent::stopMillis));
        return all.size() <= limit ? all : new ArrayList<>(all.subList(all.size() - limit, all.size()));
    }

    List<Map<String, Object>> tasks(double since, int limit) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TaskEvent e : events(since, limit, false)) {
            out.add(json(e));
        }
        return out;
    }

    static Map<String, Object> json(TaskEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (e.sequence() >= 0) {
            m.put("id", TaskEvents.id(e));
        }
        m.put("key", e.key().toString());
        m.put("function", e.function());
        m.put("node", e.node());
        m.put("thread", e.thread());
        m.put("start", e.startMillis());
        m.put("stop", e.stopMillis());
        m.put("status", e.ok() ? "ok" : "error");
        return m;
    }

    /** The recent tasks (at most {@code limit}) and their dependencies, and the same summed per function. */
    Map<String, Object> graph(int limit) {
        List<TaskEvent> events = events(0, limit, true);
        Set<Key> present = new HashSet<>();
        for (TaskEvent e : events) {
            present.add(e.key());
        }
        List<Map<String, Object>> tasks = new ArrayList<>();
        List<List<String>> edges = new ArrayList<>();
        Map<String, Long> functionCounts = new TreeMap<>();
        Map<List<String>, Long> functionEdges = new HashMap<>();
        Map<Key, String> functionOf = new HashMap<>();
        for (TaskEvent e : events) {
            functionOf.put(e.key(), e.function());
        }
        for (TaskEvent e : events) {
            tasks.add(json(e));
            functionCounts.merge(e.function(), 1L, Long::sum);
            for (Key in : new HashSet<>(e.inputs())) {
                if (present.contains(in)) {
                    edges.add(List.of(in.toString(), e.key().toString()));
                    functionEdges.merge(List.of(functionOf.get(in), e.function()), 1L, Long::sum);
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tasks", tasks);
        out.put("edges", edges);
        List<Map<String, Object>> functions = new ArrayList<>();
        functionCounts.forEach((f, n) -> functions.add(Map.of("function", f, "count", n)));
        out.put("functions", functions);
        List<List<Object>> fEdges = new ArrayList<>();
        functionEdges.forEach((k, n) -> fEdges.add(List.of(k.get(0), k.get(1), n)));
        out.put("functionEdges", fEdges);
        return out;
    }

    /** The recent events of the node it runs on (an internal job, as {@link NodeReport.Probe}). */
    @GridInternal
    static final class EventsProbe implements IgniteCallable<List<TaskEvent>> {
        private static final long serialVersionUID = 1L;
        private final double since;
        private final int limit;
        private final boolean withInputs;

        @IgniteInstanceResource
        private transient Ignite ignite;

        EventsProbe(double since, int limit, boolean withInputs) {
            this.since = since;
            this.limit = limit;
            this.withInputs = withInputs;
        }

        @Override
        public List<TaskEvent> call() {
            return TaskEvents.forNode(ignite.name()).finishedSince(since, limit, withInputs);
        }
    }
}
