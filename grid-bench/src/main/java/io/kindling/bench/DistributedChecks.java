package io.kindling.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The targets for the {@code distributed} section, checked against this run's figures:
 * one {@code "system": "check"} line each, with the figure, the bar and whether it held
 * ({@code null} when a figure is missing, such as Dask's when the reference did not run).
 */
final class DistributedChecks {
    static final double MIN_TASKS_PER_S = 20_000;
    static final double MAX_LATENCY_OVER_RAW = 1.2;
    static final double MIN_CHAIN_STEPS_PER_S = 2_000;

    private DistributedChecks() {
    }

    /** Prints the checks; {@code peer} is the Dask reference's lines, or null if it did not run. */
    static void print(Report report, List<Map<String, String>> peer) {
        Map<String, Map<String, Object>> ours = new LinkedHashMap<>();
        for (Map<String, Object> l : report.lines()) {
            ours.putIfAbsent(String.valueOf(l.get("case")), l);
        }
        for (String c : List.of("dist_submit_gather", "dist_map_gather", "dist_delayed_tree_compute")) {
            Double rate = number(ours, c, "tasks_per_s");
            check(c, "tasks_per_s", rate, ">=", MIN_TASKS_PER_S, c.equals("dist_map_gather")
                    ? "the issue names submit+gather and the tree; map+gather is shown against the same bar" : null);
        }
        Double million = number(ours, "dist_map_gather_1M", "tasks_per_s");
        Double tenThousand = number(ours, "dist_map_gather", "tasks_per_s");
        check("dist_map_gather_1M", "tasks_per_s", million, ">=", tenThousand == null ? null : 0.8 * tenThousand,
                "bound = 0.8 x dist_map_gather's tasks_per_s in the same run");
        check("dist_map_gather_1M", "release_s", number(ours, "dist_map_gather_1M", "release_s"), "<=", 1.0,
                "releasing the million futures one by one");
        Double shared = number(ours, "dist_map_gather_shared", "tasks_per_s");
        check("dist_map_gather_shared", "tasks_per_s", shared, ">=", tenThousand == null ? null : 0.5 * tenThousand,
                "bound = 0.5 x dist_map_gather's tasks_per_s in the same run (this project's goal for what sharing "
                        + "keys with another client costs); ratio = " + (shared == null || tenThousand == null ? null
                        : Math.round(shared / tenThousand * 100) / 100.0));
        Double raw = number(ours, "raw_ignite_roundtrip_latency", "seconds");
        Double lat = number(ours, "dist_roundtrip_latency", "seconds");
        check("dist_roundtrip_latency", "seconds", lat, "<=", raw == null ? null : MAX_LATENCY_OVER_RAW * raw,
                "bound = 1.2 x raw_ignite_roundtrip_latency; ratio to raw = "
                        + (lat == null || raw == null ? null : Math.round(lat / raw * 100) / 100.0));
        check("dist_future_chain", "steps_per_s", number(ours, "dist_future_chain", "tasks_per_s"), ">=",
                MIN_CHAIN_STEPS_PER_S, null);
        check("dist_memory_pressure", "intact", count(ours, "dist_memory_pressure", "intact"), ">=",
                count(ours, "dist_memory_pressure", "values"), "every value scattered past the memory limit reads back intact");
        againstDask(ours, peer, "dist_scatter", "seconds", 0.5);
        againstDask(ours, peer, "dist_scatter_task_len", "seconds", 1.0);
        againstDask(ours, peer, "dist_scatter_task_sum", "seconds", 1.0);
        againstDask(ours, peer, "dist_cluster_startup", "seconds", 2.0);
        againstDask(ours, peer, "dist_cluster_startup_inprocess", "dist_cluster_startup", "seconds", 1.0);
        Map<String, Object> rss = ours.get("peak_rss");
        Double node = null;
        if (rss != null && rss.get("node_processes_peak_rss_mib") instanceof Map<?, ?> nodes) {
            for (Object v : nodes.values()) {
                if (v instanceof Number n) {
                    node = node == null ? n.doubleValue() : Math.max(node, n.doubleValue());
                }
            }
        }
        Double worker = peerNumber(peer, "peak_rss", Main.WORKER_RSS_MAX);
        check("peak_rss", "node_peak_rss_mib", node, "<=", worker == null ? null : 2 * worker,
                "bound = 2 x the largest Dask worker's peak_rss (" + worker + " MiB), both after the same cases");
    }

    /** Checks that our {@code metric} of case {@code c} is at most {@code times} Dask's in this run. */
    private static void againstDask(Map<String, Map<String, Object>> ours, List<Map<String, String>> peer, String c,
            String metric, double times) {
        againstDask(ours, peer, c, c, metric, times);
    }

    /** Checks that our {@code metric} of case {@code c} is at most {@code times} Dask's of case {@code daskCase}. */
    private static void againstDask(Map<String, Map<String, Object>> ours, List<Map<String, String>> peer, String c,
            String daskCase, String metric, double times) {
        Double dask = peerNumber(peer, daskCase, metric);
        String bar = (times == 1.0 ? "" : times + " x ") + "Dask's " + daskCase + " " + metric;
        check(c, metric, number(ours, c, metric), "<=", dask == null ? null : times * dask,
                dask == null ? "bound = " + bar + ": the reference did not run"
                        : "bound = " + bar + " (" + dask + "); ratio = "
                        + (number(ours, c, metric) == null ? null : Math.round(number(ours, c, metric) / dask * 100) / 100.0));
    }

    /** Field {@code field} of the reference's line for case {@code c}, or null. */
    private static Double peerNumber(List<Map<String, String>> peer, String c, String field) {
        for (Map<String, String> f : peer == null ? List.<Map<String, String>>of() : peer) {
            if (c.equals(f.get("case")) && !"ratio".equals(f.get("system")) && f.get(field) != null
                    && !f.get(field).equals("null")) {
                try {
                    return Double.parseDouble(f.get(field));
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static Double count(Map<String, Map<String, Object>> lines, String c, String field) {
        Map<String, Object> l = lines.get(c);
        return l != null && l.get(field) instanceof Number n ? n.doubleValue() : null;
    }

    /** One check line; {@code held} is null when the figure or the bound is missing. */
    static void check(String c, String metric, Double value, String op, Double bound, String note) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("system", "check");
        line.put("case", c);
        line.put("metric", metric);
        line.put("value", value);
        line.put("target", op);
        line.put("bound", bound);
        line.put("held", value == null || bound == null ? null : op.equals(">=") ? value >= bound : value <= bound);
        if (note != null) {
            line.put("note", note);
        }
        System.out.println(Measure.json(line));
        System.out.flush();
    }

    private static Double number(Map<String, Map<String, Object>> lines, String c, String field) {
        Map<String, Object> l = lines.get(c);
        return l != null && l.get(field) instanceof Double d ? d : null;
    }
}
