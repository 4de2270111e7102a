package io.kindling.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Timing the way the Dask reference script times: warm-up runs, then repeated runs, the median
 * reported; and how much CPU other processes took meanwhile ({@code other_procs_cores}), since
 * the machine is shared and a disturbed figure must be visible as such.
 */
final class Measure {
    /** Warm-up lasts at least this long (and at least the number of runs asked for), for the JIT. */
    static final long WARMUP_NANOS = Long.getLong("kindling.bench.warmupMillis", 2000) * 1_000_000;

    private Measure() {
    }

    /** The outcome of one case: every timed run, the warm-up, and the contention seen. */
    record Runs(double warmup, List<Double> runs, Double otherCores) {
        double median() {
            List<Double> sorted = new ArrayList<>(runs);
            Collections.sort(sorted);
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }
    }

    /**
     * Runs {@code timed} (which returns the seconds it measured) {@code warmups} times and for at
     * least {@link #WARMUP_NANOS}, then {@code reps} timed times, each after a GC.
     */
    static Runs repeat(int warmups, int reps, Callable<Double> timed) throws Exception {
        Contention c = new Contention();
        double warm = 0;
        long warmUntil = System.nanoTime() + WARMUP_NANOS;
        for (int i = 0; i < warmups || (System.nanoTime() < warmUntil && i < 1000); i++) {
            double s = timed.call();
            if (i == 0) {
                warm = s;
            }
        }
        List<Double> runs = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            System.gc();
            runs.add(timed.call());
        }
        return new Runs(warm, runs, c.cores());
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /**
     * Machine-wide busy CPU from /proc/stat minus the CPU of this process and of its child
     * processes (the node JVMs of a local cluster are ours), per second of wall time.
     */
    static final class Contention {
        private final long wall0 = System.nanoTime();
        private final double busy0 = busyCpuSeconds();
        private final double own0 = ownCpuSeconds();
        private final double child0 = childCpuSeconds();

        Double cores() {
            double busy1 = busyCpuSeconds();
            if (Double.isNaN(busy0) || Double.isNaN(busy1)) {
                return null;
            }
            double other = (busy1 - busy0) - (ownCpuSeconds() - own0) - (childCpuSeconds() - child0);
            return Math.round(Math.max(0, other) / seconds(wall0) * 100) / 100.0;
        }

        /**
         * CPU seconds of this JVM's live descendants plus those already reaped (the {@code cutime}
         * and {@code cstime} of /proc/self/stat), as Python's RUSAGE_CHILDREN plus psutil's children.
         */
        static double childCpuSeconds() {
            long[] self = procStat(ProcessHandle.current().pid());
            double total = self == null ? 0 : (self[2] + self[3]) / 100.0;
            for (ProcessHandle h : ProcessHandle.current().descendants().toList()) {
                long[] t = procStat(h.pid());
                total += t == null ? 0 : (t[0] + t[1]) / 100.0;
            }
            return total;
        }

        /** utime, stime, cutime, cstime of a process, in clock ticks; null if it is gone. */
        private static long[] procStat(long pid) {
            try {
                String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]),
                        Long.parseLong(f[14])};
            } catch (Exception e) {
                return null;
            }
        }
    }

    static double busyCpuSeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i <= 8 && i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return (total - idle) / 100.0;
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    static double ownCpuSeconds() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1e9;
        }
        return 0;
    }

    /** A JSON object, one line, from ordered fields (numbers, strings, lists, maps, null). */
    static String json(Map<String, ?> fields) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            sb.append(first ? "" : ", ").append('"').append(e.getKey()).append("\": ");
            value(sb, e.getValue());
            first = false;
        }
        return sb.append('}').toString();
    }

    private static void value(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Double d) {
            sb.append(Double.isFinite(d) ? String.format(Locale.ROOT, "%.6g", d).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2")
                    .replaceAll("\\.(e|$)", "$1") : "null");
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof List<?> list) {
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                sb.append(i == 0 ? "" : ", ");
                value(sb, list.get(i));
            }
            sb.append(']');
        } else if (v instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, ?> m = (Map<String, ?>) map;
            sb.append(json(m));
        } else {
            sb.append('"').append(v.toString().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
    }
}
