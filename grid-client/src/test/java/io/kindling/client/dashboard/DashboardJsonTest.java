package io.kindling.client.dashboard;

import io.kindling.Delayed;
import io.kindling.client.Client;
import io.kindling.client.Future;
import io.kindling.client.LocalCluster;
import io.kindling.grid.internal.Ports;
import io.kindling.grid.dashboard.Dashboard;
import io.kindling.grid.internal.PendingTasks;
import io.kindling.testing.Ops;
import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.kindling.Delayed.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboard's JSON and pages, over a real two-node cluster and a real client. */
class DashboardJsonTest {
    private static LocalCluster cluster;
    private static Client client;
    private static Dashboard dashboard;
    private static String base;

    /** Holds {@link #gated} tasks until a test opens it. */
    static volatile CountDownLatch gate = new CountDownLatch(1);

    public static int gated(int x) throws InterruptedException {
        if (!gate.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the gate never opened");
        }
        return x;
    }

    @BeforeAll
    static void start() {
        cluster = LocalCluster.builder().nodes(2).threads(2).dashboard(false).start();
        client = Client.of(cluster);
        dashboard = Dashboard.start(cluster.ignite(), "127.0.0.1", Ports.freeBlock(20));
        base = "http://127.0.0.1:" + dashboard.port();
    }

    @AfterAll
    static void stop() {
        gate.countDown();
        try {
            if (dashboard != null) {
                dashboard.close();
            }
        } finally {
            try {
                if (client != null) {
                    client.close();
                }
            } finally {
                if (cluster != null) {
                    cluster.close();
                }
            }
        }
    }

    private static List<Integer> runIncs(int n, int from) {
        List<Future<Integer>> futures = client.pure(false).map(Ops::inc,
                IntStream.range(from, from + n).boxed().collect(Collectors.toList()));
        try {
            return client.gather(futures);
        } finally {
            futures.forEach(Future::release);
        }
    }

    @Test
    void url_isTheStatusPageOnTheBoundPort() {
        assertEquals(base + "/status", dashboard.url());
    }

    @Test
    void find_givesTheDashboardOfTheCluster_fromAnyNode() {
        assertEquals(Optional.of(dashboard.url()), Dashboard.find(cluster.ignite()));
        Ignite other = Ignition.allGrids().stream()
                .filter(g -> g != cluster.ignite() && cluster.ignite().cluster().node(g.cluster().localNode().id()) != null)
                .findFirst().orElseThrow();
        assertEquals(Optional.of(dashboard.url()), Dashboard.find(other));
    }

    @Test
    void workers_listsEveryServerNode_withTheTasksEachRanAndWhatItHolds() {
        runIncs(40, 0);
        List<Future<Integer>> held = client.scatter(List.of(1, 2, 3, 4, 5, 6));
        try {
            List<Map<String, Object>> workers = Http.await("every node's report of the 40 tasks and 6 keys",
                    () -> Http.list(base + "/json/workers"),
                    w -> w.stream().mapToLong(x -> number(x, "done")).sum() >= 40
                            && w.stream().mapToLong(x -> number(x, "keys")).sum() >= 6);
            assertEquals(Set.copyOf(client.nodes()), workers.stream().map(w -> (String) w.get("node")).collect(Collectors.toSet()));
            for (Map<String, Object> w : workers) {
                assertEquals(2L, number(w, "threads"));
                assertTrue(number(w, "memoryBytes") > 0, w::toString);
                assertTrue(number(w, "heapMaxBytes") > 0, w::toString);
                assertTrue(!((String) w.get("host")).isEmpty(), w::toString);
                assertTrue(w.containsKey("running") && w.containsKey("erred") && w.containsKey("processing"), w::toString);
            }
        } finally {
            held.forEach(Future::release);
        }
    }

    @Test
    void tasks_holdAnEventForEveryTaskThatRan_sinceTheGivenTime() {
        long since = System.currentTimeMillis();
        List<Future<Integer>> futures = client.pure(false).map(Ops::dec, List.of(1, 2, 3, 4, 5, 6, 7, 8));
        client.gather(futures);
        Set<String> keys = futures.stream().map(f -> f.key().toString()).collect(Collectors.toSet());
        futures.forEach(Future::release);

        List<Map<String, Object>> events = Http.list(base + "/json/tasks?since=" + since);
        Map<String, Map<String, Object>> byKey = events.stream().collect(Collectors.toMap(e -> (String) e.get("key"), e -> e, (a, b) -> a));
        assertTrue(byKey.keySet().containsAll(keys), () -> "missing " + keys + " in " + byKey.keySet());
        for (String k : keys) {
            Map<String, Object> e = byKey.get(k);
            assertEquals("dec", e.get("function"));
            assertEquals("ok", e.get("status"));
            assertTrue(client.nodes().contains((String) e.get("node")), e::toString);
            assertTrue(!((String) e.get("thread")).isEmpty(), e::toString);
            assertTrue(((Number) e.get("start")).doubleValue() >= since - 1, e::toString);
            assertTrue(((Number) e.get("start")).doubleValue() <= ((Number) e.get("stop")).doubleValue(), e::toString);
        }
        assertTrue(Http.list(base + "/json/tasks?since=" + (System.currentTimeMillis() + 60_000)).isEmpty());
        assertEquals(1, Http.list(base + "/json/tasks?limit=1").size());
    }

    @Test
    void progress_countsDoneErredRunningPerFunction_andWaitingThatClientsPublish() {
        List<Future<Integer>> failing = client.pure(false).map(Ops::fail, List.of(1, 2, 3));
        failing.forEach(f -> f.exception());
        failing.forEach(Future::release);
        gate = new CountDownLatch(1);
        List<Future<Integer>> blocked = client.pure(false).map(DashboardJsonTest::gated, List.of(1, 2));
        try {
            PendingTasks.publish(client.ignite(), "test-client", Map.of("gated", 2L + 5L));
            Map<String, Object> gatedRow = Http.await("2 gated tasks running and 5 waiting", () -> row("gated"),
                    r -> r != null && number(r, "running") == 2 && number(r, "waiting") == 5);
            assertEquals(0L, number(gatedRow, "done"));
            Map<String, Object> failRow = row("fail");
            assertTrue(number(failRow, "erred") >= 3, failRow::toString);

            List<Map<String, Object>> workers = Http.list(base + "/json/workers");
            Set<String> processing = new HashSet<>();
            for (Map<String, Object> w : workers) {
                for (Object p : (List<?>) w.get("processing")) {
                    processing.add((String) ((Map<?, ?>) p).get("key"));
                }
            }
            assertEquals(blocked.stream().map(f -> f.key().toString()).collect(Collectors.toSet()), processing);
        } finally {
            gate.countDown();
            client.gather(blocked);
            blocked.forEach(Future::release);
            PendingTasks.publish(client.ignite(), "test-client", Map.of());
        }
        Http.await("the gated tasks done", () -> row("gated"), r -> number(r, "done") == 2 && number(r, "running") == 0
                && number(r, "waiting") == 0);
    }

    /** As {@link #gated}, under its own name, for the progress of work two clients share. */
    public static int sharedGated(int x) throws InterruptedException {
        return gated(x);
    }

    @Test
    void progress_countsWorkThatTwoClientsShare_once() {
        gate = new CountDownLatch(1);
        List<Integer> items = List.of(1, 2, 3, 4);
        List<Future<Integer>> first = client.map(DashboardJsonTest::sharedGated, items);
        try (Client other = Client.of(cluster)) {
            List<Future<Integer>> second = other.map(DashboardJsonTest::sharedGated, items);
            io.kindling.client.SharedKeysProbe.awaitWaitingForOthers(other, items.size());
            // The second client does not count the four as its own pending work: the first does.
            assertEquals(null, io.kindling.client.SharedKeysProbe.pending(other).get("sharedGated"));
            assertEquals(4L, io.kindling.client.SharedKeysProbe.pending(client).get("sharedGated"));
            Http.await("4 sharedGated tasks running or waiting, not 8", () -> row("sharedGated"),
                    r -> r != null && number(r, "running") >= 1 && number(r, "running") + number(r, "waiting") == 4);
            gate.countDown();
            assertEquals(items, other.gather(second));
            assertEquals(client.gather(first), other.gather(second));
            Http.await("the shared tasks done once", () -> row("sharedGated"),
                    r -> number(r, "running") == 0 && number(r, "waiting") == 0);
            assertEquals(4L, number(row("sharedGated"), "done"), "done counts each shared task once");
        } finally {
            gate.countDown();
            first.forEach(Future::release);
        }
    }

    private static Map<String, Object> row(String function) {
        return Http.list(base + "/json/progress").stream().filter(p -> function.equals(p.get("function"))).findFirst()
                .orElse(null);
    }

    @Test
    void graph_holdsTheRecentTasksAndTheEdgesBetweenThem() {
        Delayed<Integer> a = delayed(Ops::inc, 1);
        Delayed<Integer> b = delayed(Ops::inc, 2);
        Delayed<Integer> total = delayed(Ops::add, a, b);
        assertEquals(5, client.gather(client.compute(total)));
        Map<String, Object> graph = Http.map(base + "/json/graph?limit=50");
        List<?> edges = (List<?>) graph.get("edges");
        assertTrue(edges.contains(List.of(a.key().toString(), total.key().toString())), edges::toString);
        assertTrue(edges.contains(List.of(b.key().toString(), total.key().toString())), edges::toString);
        List<?> functionEdges = (List<?>) graph.get("functionEdges");
        assertTrue(functionEdges.stream().anyMatch(e -> ((List<?>) e).subList(0, 2).equals(List.of("inc", "add"))),
                functionEdges::toString);
    }

    @Test
    void pagesAndTheirFiles_areServedFromTheJar() {
        for (String page : List.of("/", "/status", "/tasks", "/workers", "/graph")) {
            HttpResponse<String> r = Http.get(base + page);
            assertEquals(200, r.statusCode(), page);
            assertTrue(r.body().contains("<title>Kindling"), page);
        }
        for (String file : List.of("taskstream.js", "dashboard.js", "graph.js", "kindling.css")) {
            assertEquals(200, Http.get(base + "/static/" + file).statusCode(), file);
        }
        assertEquals(404, Http.get(base + "/static/report.html").statusCode());
        assertEquals(404, Http.get(base + "/static/..%2Fdashboard%2Fstatus.html").statusCode());
        assertEquals(404, Http.get(base + "/json/nothing").statusCode());
        assertEquals(404, Http.get(base + "/nothing").statusCode());
    }

    @Test
    void start_takesTheNextFreePort_whenTheFirstIsTaken() {
        try (Dashboard second = Dashboard.start(cluster.ignite(), "127.0.0.1", dashboard.port())) {
            assertEquals(dashboard.port() + 1, second.port());
            assertEquals(200, Http.get("http://127.0.0.1:" + second.port() + "/json/workers").statusCode());
        }
    }

    @Test
    void start_namesThePortsTried_whenAllAreTaken() throws IOException {
        int first = Ports.freeBlock(100);
        List<ServerSocket> taken = new ArrayList<>();
        try {
            for (int p = first; p < first + 100; p++) {
                taken.add(new ServerSocket(p, 1, InetAddress.getByName("127.0.0.1")));
            }
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Dashboard.start(cluster.ignite(), "127.0.0.1", first));
            assertTrue(e.getMessage().contains(first + " to " + (first + 99)), e.getMessage());
        } finally {
            for (ServerSocket s : taken) {
                s.close();
            }
        }
    }

    @Test
    void badQuery_isABadRequest_namingTheParameter() {
        HttpResponse<String> r = Http.get(base + "/json/tasks?since=yesterday");
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("since=yesterday"), r.body());
    }

    @Test
    void start_refusesAnAddressThatIsNotThisMachines() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dashboard.start(cluster.ignite(), "192.0.2.1", 8787));
        assertTrue(e.getMessage().contains("192.0.2.1"), e.getMessage());
    }

    @Test
    void close_stopsTheServerAndItsThreads() throws IOException {
        Dashboard other = Dashboard.start(cluster.ignite(), "127.0.0.1", Ports.freeBlock(5));
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        assertEquals(200, Http.get("http://127.0.0.1:" + other.port() + "/json/progress").statusCode());
        List<Thread> started = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t)
                && (t.getName().startsWith("kindling-dashboard") || t.getName().startsWith("HTTP-Dispatcher"))).toList();
        assertTrue(!started.isEmpty() && started.stream().allMatch(Thread::isDaemon), () -> "daemons: " + started);
        other.close();
        try (ServerSocket again = new ServerSocket(other.port(), 1, InetAddress.getByName("127.0.0.1"))) {
            assertEquals(other.port(), again.getLocalPort());
        }
        Http.await("the dashboard's threads to stop", () -> Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t)
                        && (t.getName().startsWith("kindling-dashboard") || t.getName().startsWith("HTTP-Dispatcher")))
                .map(Thread::getName).toList(), List::isEmpty);
    }

    private static long number(Map<String, Object> m, String field) {
        Object v = m.get(field);
        if (!(v instanceof Number n)) {
            throw new AssertionError("no number '" + field + "' in " + m);
        }
        return n.longValue();
    }
}
