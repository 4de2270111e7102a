package io.kindling.grid.dashboard;

import io.kindling.grid.internal.PendingTasks;
import io.kindling.grid.internal.TaskEvents;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.ignite.Ignite;
import org.apache.ignite.internal.processors.task.GridInternal;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.resources.IgniteInstanceResource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The dashboard of a Kindling cluster, as Dask's: a small web server on one node that shows the
 * whole cluster, its workers, the task stream, progress per function and a graph of recent tasks,
 * with the same data as JSON.
 *
 * <pre>{@code
 * try (Dashboard dashboard = Dashboard.start(ignite, "127.0.0.1", 8787)) {
 *     System.out.println("dashboard: " + dashboard.url());     // http://127.0.0.1:8787/status
 * }
 * }</pre>
 *
 * <p>Pages: {@code /status} (also {@code /}), {@code /tasks}, {@code /workers}, {@code /graph}.
 * JSON: {@code /json/workers}, {@code /json/tasks?since=MILLIS&limit=N}, {@code /json/progress},
 * {@code /json/graph?limit=N}. Pages are static HTML, CSS and JavaScript from this jar (no network
 * at run time) that poll the JSON every second with {@code fetch}; charts are plain SVG.
 *
 * <p>Design. The server is the JDK's own {@code com.sun.net.httpserver.HttpServer}: maintained with
 * the JDK, no dependency for every server node to carry, and enough for a few pages and small JSON
 * answers (Jetty would bring a dozen jars for features a dashboard does not use). It runs on a
 * dispatcher thread and {@value #THREADS} handler threads, all daemons and all stopped by
 * {@link #close}. What the JSON reports is gathered from every server node by {@link ClusterView}.
 *
 * <p>Security: anyone who can reach the port sees key names and node addresses, so the dashboard
 * binds to 127.0.0.1 unless told otherwise.
 */
public final class Dashboard implements AutoCloseable {
    /** The first port tried, as Dask's. */
    public static final int DEFAULT_PORT = 8787;
    /** The address bound unless configured otherwise: this machine only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** System property for the address to bind (e.g. {@code 0.0.0.0} for every interface). */
    public static final String HOST_PROPERTY = "kindling.dashboard.host";
    /** System property for the first port to try. */
    public static final String PORT_PROPERTY = "kindling.dashboard.port";
    /** Ports tried above the first one before giving up. */
    static final int PORTS_TRIED = 100;
    private static final int THREADS = 4;
    private static final AtomicInteger SERVERS = new AtomicInteger();
    private static final Pattern STATIC_FILE = Pattern.compile("[a-z0-9-]+\\.(js|css|svg)");
    private static final Map<String, String> PAGES = Map.of("/", "status.html", "/status", "status.html",
            "/tasks", "tasks.html", "/workers", "workers.html", "/graph", "graph.html");

    /** The dashboards open in this JVM, to answer {@link #find}. */
    private static final Set<Dashboard> OPEN = ConcurrentHashMap.newKeySet();

    private final String igniteName;
    private final HttpServer server;
    private final ExecutorService handlers;
    private final PendingTasks pending;
    private final ClusterView view;
    private final String host;
    private final int port;

    private Dashboard(Ignite ignite, HttpServer server, String host) {
        this.igniteName = ignite.name();
        this.server = server;
        this.host = host;
        this.port = server.getAddress().getPort();
        int n = SERVERS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.handlers = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "kindling-dashboard-" + n + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.pending = new PendingTasks(ignite);
        this.view = new ClusterView(ignite, pending);
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        startAsDaemon(server);
        OPEN.add(this);
    }

    /**
     * Starts the server's dispatcher thread as a daemon, so that a dashboard left open never keeps
     * a JVM alive: {@code HttpServer} has no switch for it, but a thread is a daemon when the
     * thread that makes it is.
     */
    private static void startAsDaemon(HttpServer server) {
        Thread starter = new Thread(server::start, "kindling-dashboard-start");
        starter.setDaemon(true);
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the dashboard", e);
        }
    }

    /**
     * Writes the task-stream report of {@code events} to {@code file} (replacing it): one
     * self-contained HTML file, the chart and a table per function, as
     * {@code TaskStream.saveHtml} does.
     */
    public static void saveTaskStream(java.nio.file.Path file, String title, java.util.List<TaskEvent> events) {
        TaskStreamReport.save(file, title, events);
    }

    /**
     * Starts a dashboard over the cluster of {@code ignite} on {@code host} (an address of this
     * machine; {@code 0.0.0.0} for all), at the first free port from {@code firstPort}.
     *
     * @throws IllegalStateException if the {@value #PORTS_TRIED} ports from {@code firstPort} are all taken
     * @throws IllegalArgumentException if {@code host} is not an address of this machine
     */
    public static Dashboard start(Ignite ignite, String host, int firstPort) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("the dashboard cannot bind to unknown host '" + host + "'", e);
        }
        requireLocal(address, host);
        int last = Math.min(65535, firstPort + PORTS_TRIED - 1);
        for (int p = firstPort; p <= last; p++) {
            HttpServer server;
            try {
                server = HttpServer.create(new InetSocketAddress(address, p), 64);
            } catch (BindException taken) {
                continue;
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the dashboard on " + host + ":" + p, e);
            }
            try {
                return new Dashboard(ignite, server, host);
            } catch (RuntimeException e) {
                server.stop(0);
                throw e;
            }
        }
        throw new IllegalStateException("no free port for the dashboard on " + host + ": tried " + firstPort + " to "
                + last + "; stop what holds them or set -D" + PORT_PROPERTY + " to another first port");
    }

    private static void requireLocal(InetAddress address, String host) {
        try {
            if (!address.isAnyLocalAddress() && !address.isLoopbackAddress()
                    && NetworkInterface.getByInetAddress(address) == null) {
                throw new IllegalArgumentException("the dashboard cannot bind to " + host + ": not an address of this "
                        + "machine (use 127.0.0.1, 0.0.0.0 or one of this machine's addresses)");
            }
        } catch (SocketException e) {
            throw new UncheckedIOException("could not list this machine's addresses", e);
        }
    }

    /** Starts a dashboard as the system properties {@value #HOST_PROPERTY} and {@value #PORT_PROPERTY} say (defaults 127.0.0.1, 8787). */
    public static Dashboard start(Ignite ignite) {
        String host = System.getProperty(HOST_PROPERTY, DEFAULT_HOST);
        String port = System.getProperty(PORT_PROPERTY, String.valueOf(DEFAULT_PORT));
        try {
            return start(ignite, host, Integer.parseInt(port.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + PORT_PROPERTY + "=" + port + " is not a port number", e);
        }
    }

    /** The address of the status page, such as {@code http://127.0.0.1:8787/status}. */
    public String url() {
        String shown = host;
        if ("0.0.0.0".equals(host) || "::".equals(host)) {
            try {
                shown = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                shown = "localhost";
            }
        } else if (host.contains(":")) {
            shown = "[" + host + "]";
        }
        return "http://" + shown + ":" + port + "/status";
    }

    /** The port the dashboard listens on. */
    public int port() {
        return port;
    }

    /**
     * The address of a dashboard of the cluster of {@code ignite}, if a server node (or {@code ignite}
     * itself) runs one: what a client shows as its dashboard link.
     */
    public static Optional<String> find(Ignite ignite) {
        for (Dashboard d : OPEN) {
            if (Objects.equals(d.igniteName, ignite.name())) {
                return Optional.of(d.url());
            }
        }
        try {
            return ignite.compute(ignite.cluster().forServers()).withTimeout(5000).broadcast(new Find()).stream()
                    .flatMap(List::stream).sorted().findFirst();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The addresses of the dashboards over the node it runs on (an internal job, as in {@link ClusterView}). */
    @GridInternal
    static final class Find implements IgniteCallable<List<String>> {
        private static final long serialVersionUID = 1L;

        @IgniteInstanceResource
        private transient Ignite ignite;

        @Override
        public List<String> call() {
            List<String> urls = new ArrayList<>();
            for (Dashboard d : OPEN) {
                if (Objects.equals(d.igniteName, ignite.name())) {
                    urls.add(d.url());
                }
            }
            return urls;
        }
    }

    /** Stops the server and its threads. */
    @Override
    public void close() {
        OPEN.remove(this);
        server.stop(0);
        handlers.shutdownNow();
        try {
            handlers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pending.close();
    }

    // ------------------------------------------------------------------ requests

    private void handle(HttpExchange exchange) {
        try (exchange) {
            try {
                respond(exchange);
            } catch (IllegalArgumentException e) {
                send(exchange, 400, "text/plain", "bad request: " + e.getMessage() + "\n");
            } catch (RuntimeException e) {
                send(exchange, 500, "text/plain", "dashboard error: " + e + "\n");
            }
        } catch (IOException | RuntimeException e) {
            // the browser went away, or the answer had begun before the error: nothing more to say
        }
    }

    private void respond(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            send(exchange, 405, "text/plain", "only GET and HEAD\n");
            return;
        }
        String path = exchange.getRequestURI().getPath();
        String file = path.startsWith("/static/") ? path.substring("/static/".length()) : "";
        if (PAGES.containsKey(path)) {
            send(exchange, 200, "text/html", resource(PAGES.get(path)));
        } else if (STATIC_FILE.matcher(file).matches() && resourceExists(file)) {
            send(exchange, 200, contentType(file), resource(file));
        } else if (path.startsWith("/json/")) {
            Object body = json(path.substring("/json/".length()), query(exchange.getRequestURI().getRawQuery()));
            if (body == null) {
                send(exchange, 404, "application/json", "{\"error\":\"no such JSON: " + path + "\"}");
            } else {
                send(exchange, 200, "application/json", Json.write(body));
            }
        } else {
            send(exchange, 404, "text/plain", "not found: " + path + "; try /status\n");
        }
    }

    private Object json(String name, Map<String, String> query) {
        return switch (name) {
            case "workers" -> view.workers();
            case "progress" -> view.progress();
            case "tasks" -> view.tasks(number(query, "since", 0), (int) number(query, "limit", 2000));
            case "graph" -> view.graph((int) number(query, "limit", 300));
            default -> null;
        };
    }

    private static double number(Map<String, String> query, String name, double otherwise) {
        String v = query.get(name);
        if (v == null || v.isEmpty()) {
            return otherwise;
        }
        try {
            double d = Double.parseDouble(v);
            return "limit".equals(name) ? Math.max(1, Math.min(TaskEvents.CAPACITY, d)) : d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "=" + v + " is not a number");
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        send(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Kindling-Now", String.valueOf(System.currentTimeMillis()));
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static String contentType(String path) {
        return path.endsWith(".js") ? "text/javascript" : path.endsWith(".css") ? "text/css" : "image/svg+xml";
    }

    private static boolean resourceExists(String name) {
        return Dashboard.class.getResource("/kindling/dashboard/" + name) != null;
    }

    /** A file of the dashboard's pages, from the jar. */
    static byte[] resource(String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream("/kindling/dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard's file " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the dashboard's file " + name, e);
        }
    }
}
