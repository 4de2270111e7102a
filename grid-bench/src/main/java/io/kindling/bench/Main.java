package io.kindling.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kindling-bench SECTION [--peer dask_peer.py] [--python /usr/bin/python3]}: runs one
 * section of Kindling's benchmark, printing JSON lines; with {@code --peer}, then runs the same
 * section of the Dask reference script and prints both sides and their ratio for every case they
 * share ({@code "system": "ratio"} lines).
 */
public final class Main {
    private static final Pattern FIELD = Pattern.compile("\"(case|tasks_per_s|seconds|system|other_procs_cores)\": "
            + "(\"[^\"]*\"|[-0-9.eE]+|null)");

    /** The reference's {@code peak_rss} line: one figure per worker, of which the checks take the largest. */
    private static final Pattern WORKER_RSS = Pattern.compile("\"worker_processes_peak_rss_mib\": \\{([^}]*)}");
    /** The field a peer line gets for the largest of its workers' peak resident memory. */
    static final String WORKER_RSS_MAX = "worker_peak_rss_mib_max";

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].startsWith("-")) {
            usage();
            return;
        }
        String section = args[0];
        String peer = null;
        String python = "/usr/bin/python3";
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--peer" -> peer = args[++i];
                case "--python" -> python = args[++i];
                default -> {
                    System.err.println("unknown option " + args[i]);
                    usage();
                    System.exit(2);
                }
            }
        }
        Report report = new Report();
        switch (section) {
            case "local" -> LocalCases.run(report);
            case "distributed" -> DistributedCases.run(report);
            case "thin" -> ThinCases.run(report);
            case "dashboard" -> DashboardCases.run(report);
            case "faults" -> FaultCases.run(report);
            default -> {
                System.err.println("unknown section '" + section + "'");
                usage();
                System.exit(2);
            }
        }
        List<Map<String, String>> peerLines = null;
        if (peer != null) {
            peerLines = section.equals("thin") || section.equals("dashboard") || section.equals("faults") ? List.of()
                    : runPeer(python, peer, peerSection(section));
            compare(report, peerLines);
        }
        if (section.equals("distributed")) {
            DistributedChecks.print(report, peerLines == null || peerLines.isEmpty() ? null : peerLines);
        }
    }

    private static void usage() {
        System.err.println("usage: kindling-bench local|distributed|thin|dashboard|faults [--peer ../shared/bench/dask_peer.py] "
                + "[--python /usr/bin/python3]");
        System.err.println("  prints one JSON object per line; with --peer, the Dask reference and a ratio line per case");
    }

    private static String peerSection(String section) {
        return section;
    }

    private static List<Map<String, String>> runPeer(String python, String script, String section) throws Exception {
        if (!Files.exists(Path.of(script))) {
            System.err.println("no Dask reference script at " + script + ": skipping the comparison");
            return List.of();
        }
        Process p = new ProcessBuilder(python, script, "--section", section)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<Map<String, String>> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                System.out.println(line);
                out.add(fields(line));
            }
        }
        int rc = p.waitFor();
        if (rc != 0) {
            System.err.println("the Dask reference exited with " + rc + " (is python3-distributed installed? see ../shared/bench/README.md)");
        }
        return out;
    }

    private static Map<String, String> fields(String jsonLine) {
        Map<String, String> f = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(jsonLine);
        while (m.find()) {
            f.putIfAbsent(m.group(1), m.group(2).replace("\"", ""));
        }
        Matcher workers = WORKER_RSS.matcher(jsonLine);
        if (workers.find()) {
            double max = 0;
            Matcher v = Pattern.compile(": ([0-9.]+)").matcher(workers.group(1));
            while (v.find()) {
                max = Math.max(max, Double.parseDouble(v.group(1)));
            }
            f.put(WORKER_RSS_MAX, String.valueOf(max));
        }
        return f;
    }

    private static void compare(Report report, List<Map<String, String>> peer) {
        Map<String, Map<String, String>> byCase = new LinkedHashMap<>();
        for (Map<String, String> f : peer) {
            if (f.containsKey("case")) {
                byCase.put(f.get("case"), f);
            }
        }
        for (Map<String, Object> ours : new ArrayList<>(report.lines())) {
            Map<String, String> theirs = byCase.get(String.valueOf(ours.get("case")));
            if (theirs == null || (ours.get("seconds") == null && number(theirs.get("seconds")) == null)) {
                continue;
            }
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("system", "ratio");
            line.put("case", ours.get("case"));
            line.put("kindling_seconds", ours.get("seconds"));
            line.put("dask_seconds", number(theirs.get("seconds")));
            line.put("kindling_tasks_per_s", ours.get("tasks_per_s"));
            line.put("dask_tasks_per_s", number(theirs.get("tasks_per_s")));
            Double ds = number(theirs.get("seconds"));
            Object ks = ours.get("seconds");
            line.put("speedup", ds != null && ks instanceof Double k && k > 0 ? Math.round(ds / k * 100) / 100.0 : null);
            line.put("kindling_other_procs_cores", ours.get("other_procs_cores"));
            line.put("dask_other_procs_cores", number(theirs.get("other_procs_cores")));
            line.put("note", "speedup = dask seconds / kindling seconds (above 1: Kindling is faster)");
            System.out.println(Measure.json(line));
        }
    }

    private static Double number(String s) {
        if (s == null || s.equals("null")) {
            return null;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
