package io.kindling.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints results as JSON lines with the fields of the Dask reference script ({@code system},
 * {@code case}, {@code n}, {@code seconds}, {@code tasks_per_s}, ...) and keeps them for the
 * side-by-side comparison at the end.
 */
final class Report {
    static final String SYSTEM = "kindling-" + version();

    private final List<Map<String, Object>> lines = new ArrayList<>();

    private static String version() {
        String v = Report.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }

    /** Prints and keeps one case: the median of the runs, the rate (n / median) when {@code rate}. */
    void emit(String name, long n, Measure.Runs runs, boolean rate, Map<String, Object> extra) {
        double median = runs.median();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("system", SYSTEM);
        line.put("case", name);
        line.put("n", n);
        line.put("seconds", median);
        line.put("tasks_per_s", rate && median > 0 ? Math.round(n / median * 10) / 10.0 : null);
        line.put("warmup_s", runs.warmup());
        line.put("runs_s", runs.runs());
        line.put("other_procs_cores", runs.otherCores());
        line.putAll(extra);
        print(line);
    }

    void print(Map<String, Object> line) {
        lines.add(line);
        System.out.println(Measure.json(line));
        System.out.flush();
    }

    List<Map<String, Object>> lines() {
        return lines;
    }
}
