package io.kindling.bench;

import io.kindling.client.Client;
import io.kindling.client.Future;
import io.kindling.client.LocalCluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The {@code distributed} section's {@code dist_memory_pressure} case, on a cluster of its own. */
final class MemoryPressureCase {
    private MemoryPressureCase() {
    }

    static final int PRESSURE_REGION_MB = Integer.getInteger("kindling.bench.pressureRegionMb", 128);
    static final int PRESSURE_VALUES = Integer.getInteger("kindling.bench.pressureValues", 48);

    /** An 8 MiB array of {@code mark}, for {@code dist_memory_pressure}. */
    public static double[] marked(int mark) {
        double[] a = new double[1 << 20];
        java.util.Arrays.fill(a, mark);
        return a;
    }

    /** The spill figures of the node this runs on: bytes written since it started, values on disk now. */
    public static long[] spilled() {
        io.kindling.grid.internal.Spill s = io.kindling.grid.internal.Spill.of(org.apache.ignite.Ignition.localIgnite());
        return new long[] {s.spilledTotal(), s.spilledValues()};
    }

    /**
     * {@code dist_memory_pressure}: on a cluster of its own (2 node JVMs with a small data
     * memory), 8 MiB values scattered one after another until they are half as much again as the
     * nodes' memory together, then every value read back and checked. Kindling only: a Dask
     * worker's memory limit covers its whole process, so no setting of Dask's is the same.
     */
    static void run(Report report) {
        long region = PRESSURE_REGION_MB * (1L << 20);
        Measure.Contention contention = new Measure.Contention();
        try (Client client = Client.local(LocalCluster.builder().processes(true).nodes(2).threads(1)
                .dataRegionBytes(region))) {
            long t0 = System.nanoTime();
            List<Future<double[]>> futures = new ArrayList<>();
            for (int i = 0; i < PRESSURE_VALUES; i++) {
                futures.add(client.scatter(marked(i)));
            }
            double scatter = Measure.seconds(t0);
            long t1 = System.nanoTime();
            int intact = 0;
            for (int i = 0; i < PRESSURE_VALUES; i++) {
                double[] v = futures.get(i).result();
                boolean same = v.length == 1 << 20;
                for (int j = 0; same && j < v.length; j += 4096) {
                    same = v[j] == i;
                }
                intact += same && v[v.length - 1] == i ? 1 : 0;
            }
            double gather = Measure.seconds(t1);
            double seconds = Measure.seconds(t0);
            long spilledBytes = 0;
            long onDisk = 0;
            for (long[] s : client.run(MemoryPressureCase::spilled).values()) {
                spilledBytes += s[0];
                onDisk += s[1];
            }
            Map<String, Object> line = DistributedCases.caseLine("dist_memory_pressure");
            line.put("n", PRESSURE_VALUES);
            line.put("seconds", seconds);
            line.put("values", PRESSURE_VALUES);
            line.put("intact", intact);
            line.put("scattered_bytes", PRESSURE_VALUES * 8L << 20);
            line.put("memory_limit_bytes", 2 * region);
            line.put("spilled_bytes", spilledBytes);
            line.put("values_on_disk", onDisk);
            line.put("scatter_s", scatter);
            line.put("read_back_s", gather);
            line.put("nodes_up", client.nodes().size());
            line.put("other_procs_cores", contention.cores());
            line.put("note", "2 node JVMs x " + PRESSURE_REGION_MB + " MiB data memory; " + PRESSURE_VALUES
                    + " values of 8 MiB scattered one by one, then each read back and checked; spilled_bytes: "
                    + "written to disk by the nodes (spill past 60% of their memory); no Dask side (its memory "
                    + "limit covers the whole worker process)");
            report.print(line);
        }
    }
}
