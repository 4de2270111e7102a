package io.kindling.grid.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A task stream saved as one HTML file, as Dask's {@code performance_report}: the chart of the
 * dashboard's task stream over the whole recorded span and a table per function, with the
 * stylesheet, the script and the events inline, so the file opens anywhere without a network.
 */
final class TaskStreamReport {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    private TaskStreamReport() {
    }

    /** Writes the report of {@code events} to {@code file}, replacing it. */
    static void save(Path file, String title, List<TaskEvent> events) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, html(title, events), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the task-stream report to " + file, e);
        }
    }

    /** The report of {@code events} as HTML text. */
    static String html(String title, List<TaskEvent> events) {
        List<Map<String, Object>> data = new ArrayList<>(events.size());
        for (TaskEvent e : events) {
            data.add(ClusterView.json(e));
        }
        String template = text("report.html");
        return template.replace("{{CSS}}", text("kindling.css"))
                .replace("{{SCRIPT}}", text("taskstream.js").replace("</script", "<\\/script"))
                .replace("{{SUMMARY}}", summary(events))
                .replace("{{META}}", meta(events))
                .replace("{{TITLE}}", escape(title))
                .replace("{{DATA}}", Json.write(data));
    }

    private static String meta(List<TaskEvent> events) {
        if (events.isEmpty()) {
            return "no tasks recorded";
        }
        long start = Long.MAX_VALUE;
        double stop = 0;
        Set<String> nodes = new HashSet<>();
        Set<String> threads = new HashSet<>();
        double busy = 0;
        for (TaskEvent e : events) {
            start = Math.min(start, e.startMillis());
            stop = Math.max(stop, e.stopMillis());
            nodes.add(e.node());
            threads.add(e.node() + "/" + e.thread());
            busy += e.durationNanos() / 1e6;
        }
        double span = Math.max(1e-3, stop - start);
        return String.format(Locale.ROOT, "%s · <b>%,d</b> tasks · <b>%s</b> · <b>%d</b> nodes · <b>%d</b> threads"
                + " · <b>%.0f%%</b> busy", WHEN.format(Instant.ofEpochMilli(start)), events.size(), millis(span),
                nodes.size(), threads.size(), 100 * busy / (span * threads.size()));
    }

    private static String summary(List<TaskEvent> events) {
        Map<String, double[]> byFunction = new TreeMap<>();
        for (TaskEvent e : events) {
            double[] s = byFunction.computeIfAbsent(e.function(), f -> new double[] {0, 0, 0, Double.MAX_VALUE, 0});
            s[e.ok() ? 0 : 1]++;
            s[2] += e.durationNanos() / 1e6;
            s[3] = Math.min(s[3], e.durationNanos() / 1e6);
            s[4] = Math.max(s[4], e.durationNanos() / 1e6);
        }
        if (byFunction.isEmpty()) {
            return "<div class=\"empty\">No tasks recorded.</div>";
        }
        StringBuilder h = new StringBuilder("<table class=\"grid\"><thead><tr><th>Function</th><th class=\"num\">Done"
                + "</th><th class=\"num\">Erred</th><th class=\"num\">Total time</th><th class=\"num\">Mean</th>"
                + "<th class=\"num\">Min</th><th class=\"num\">Max</th></tr></thead><tbody>");
        byFunction.forEach((f, s) -> h.append("<tr data-function=\"").append(escape(f)).append("\"><td>")
                .append(escape(f)).append("</td><td class=\"num\">").append(String.format(Locale.ROOT, "%,d", (long) s[0]))
                .append("</td><td class=\"num\">").append(String.format(Locale.ROOT, "%,d", (long) s[1]))
                .append("</td><td class=\"num\">").append(millis(s[2])).append("</td><td class=\"num\">")
                .append(millis(s[2] / (s[0] + s[1]))).append("</td><td class=\"num\">").append(millis(s[3]))
                .append("</td><td class=\"num\">").append(millis(s[4])).append("</td></tr>"));
        return h.append("</tbody></table>").toString();
    }

    private static String millis(double ms) {
        if (ms < 1) {
            return String.format(Locale.ROOT, "%.0f µs", ms * 1000);
        } else if (ms < 1000) {
            return String.format(Locale.ROOT, ms < 10 ? "%.2f ms" : "%.0f ms", ms);
        }
        return String.format(Locale.ROOT, "%.2f s", ms / 1000);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String text(String name) {
        return new String(Dashboard.resource(name), StandardCharsets.UTF_8);
    }
}
