package io.kindling.bench;

import io.kindling.client.Client;
import io.kindling.client.Future;
import io.kindling.client.LocalCluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code dashboard} section: what watching costs. On the cluster of {@code distributed}, with
 * its dashboard, rounds of the 10,000-task {@code dist_submit_gather} alternate between nobody
 * watching and a watcher that polls what {@code /status} polls, every second ({@code /json/workers},
 * {@code /json/progress}, {@code /json/tasks?since=..&limit=1500}); alternating rounds see the same
 * moments of a shared machine. The check: watched at most 5% slower (median against median).
 */
final class DashboardCases {
    private static final int ROUNDS = Integer.getInteger("kindling.bench.dashboardRounds", 25);

    private DashboardCases() {
    }

    static void run(Report report) throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().processes(true).nodes(2).threads(1).start();
                Client client = Client.of(cluster)) {
            String base = cluster.dashboardLink().replace("/status", "");
            DistributedCases.warmUp(report, client);
            List<Double> unwatched = new ArrayList<>();
            List<Double> watched = new ArrayList<>();
            AtomicLong polls = new AtomicLong();
            for (int r = 0; r < ROUNDS; r++) {
                unwatched.add(DistributedCases.timedGather(client, DistributedCases::submitIncs, null));
                AtomicBoolean watching = new AtomicBoolean(true);
                Thread watcher = new Thread(() -> watch(base, watching, polls), "kindling-bench-watcher");
                watcher.start();
                try {
                    watched.add(DistributedCases.timedGather(client, DistributedCases::submitIncs, null));
                } finally {
                    watching.set(false);
                    watcher.join();
                }
            }
            double plain = new Measure.Runs(0, unwatched, null).median();
            double seen = new Measure.Runs(0, watched, null).median();
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("system", Report.SYSTEM);
            line.put("case", "dashboard_watched_submit_gather");
            line.put("n", DistributedCases.N_INDEP);
            line.put("seconds", seen);
            line.put("tasks_per_s", Math.round(DistributedCases.N_INDEP / seen * 10) / 10.0);
            line.put("unwatched_seconds", plain);
            line.put("slowdown", Math.round((seen / plain - 1) * 1000) / 1000.0);
            line.put("watched_runs_s", watched);
            line.put("unwatched_runs_s", unwatched);
            line.put("polls", polls.get());
            line.put("note", "medians of alternating rounds of 10,000 submits + gather, watched by a poller doing "
                    + "what /status does every second, and unwatched");
            report.print(line);
            DistributedChecks.check("dashboard_watched_submit_gather", "seconds", seen, "<=", 1.05 * plain,
                    "bound = 1.05 x the unwatched median");
        }
    }

    /** Polls the three endpoints of /status once a second until told to stop (and at least once). */
    private static void watch(String base, AtomicBoolean watching, AtomicLong polls) {
        HttpClient http = HttpClient.newHttpClient();
        long since = System.currentTimeMillis() - 15_000;
        do {
            long next = System.nanoTime() + 1_000_000_000L;
            for (String path : List.of("/json/workers", "/json/progress", "/json/tasks?since=" + since + "&limit=1500")) {
                try {
                    http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
                    polls.incrementAndGet();
                } catch (Exception e) {
                    System.err.println("[dashboard] poll of " + path + " failed: " + e);
                }
            }
            since = System.currentTimeMillis() - 2_000;
            while (watching.get() && System.nanoTime() < next) {
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
            }
        } while (watching.get());
    }
}
