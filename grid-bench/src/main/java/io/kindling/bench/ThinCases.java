package io.kindling.bench;

import io.kindling.client.Client;
import io.kindling.client.LocalCluster;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code thin} section: the same two-node cluster of child JVMs as {@code distributed}, with a
 * thick client (a node in this JVM) and a thin client (Ignite's thin protocol to the servers'
 * Kindling service) side by side: {@code thin_submit_gather}, {@code thin_roundtrip_latency} and
 * the thick client's {@code dist_roundtrip_latency}, then check lines for the thin client's targets.
 */
final class ThinCases {
    private ThinCases() {
    }

    static void run(Report report) throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().processes(true).nodes(2).threads(1).dashboard(false).start();
                Client thick = Client.of(cluster);
                Client thin = Client.connect(cluster.thinClientAddress())) {
            DistributedCases.warmUp(report, thick);
            DistributedCases.warmUp(report, thin);
            DistributedCases.submitGather(report, thin, "thin_submit_gather");
            DistributedCases.latency(report, thin, "thin_roundtrip_latency");
            DistributedCases.latency(report, thick, "dist_roundtrip_latency");
        }
        Map<String, Double> seconds = new LinkedHashMap<>();
        Map<String, Double> rates = new LinkedHashMap<>();
        for (Map<String, Object> line : report.lines()) {
            if (line.get("seconds") instanceof Double s) {
                seconds.put(String.valueOf(line.get("case")), s);
            }
            if (line.get("tasks_per_s") instanceof Double r) {
                rates.put(String.valueOf(line.get("case")), r);
            }
        }
        Double thinRt = seconds.get("thin_roundtrip_latency");
        Double thickRt = seconds.get("dist_roundtrip_latency");
        DistributedChecks.check("thin_roundtrip_latency", "seconds", thinRt, "<=", thickRt == null ? null : 1.5 * thickRt,
                "bound = 1.5 x the thick client's dist_roundtrip_latency");
        DistributedChecks.check("thin_submit_gather", "tasks_per_s", rates.get("thin_submit_gather"), ">=", 10_000.0,
                null);
    }
}
