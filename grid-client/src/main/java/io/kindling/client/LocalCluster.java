package io.kindling.client;

import io.kindling.grid.internal.KindlingGrid;
import io.kindling.grid.KindlingServer;
import io.kindling.grid.dashboard.Dashboard;
import io.kindling.grid.internal.TaskEvents;
import io.kindling.grid.NodeConfig;
import io.kindling.grid.internal.NodeMain;
import io.kindling.grid.internal.Ports;
import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A cluster on this machine, as Dask's {@code LocalCluster}: Ignite server nodes in this JVM, or
 * in child JVMs ({@link Builder#processes(boolean)}), on loopback ports of their own (a random
 * free block, so that clusters, test JVMs and servers on Ignite's default ports never meet), with
 * a temporary work directory. Closing it stops every node and process it started and deletes
 * the directory. Child processes also stop by themselves when this JVM exits, however it exits:
 * they watch a pipe that this JVM holds open.
 *
 * <p>Why one file of this size: most of it is the {@link Builder}, one short option per setting a
 * local cluster passes to its nodes, whether they start in this JVM or as child processes.
 */
public final class LocalCluster implements AutoCloseable {
    private static final int PORTS = 30;
    private static final long START_TIMEOUT_SECONDS = 60;
    /** How long close() waits for one node of this JVM to stop (see NodeStop). */
    private static final long STOP_MILLIS = 20_000;

    private final Builder options;
    private final int basePort;
    private final Path workDirectory;
    private final List<Ignite> inProcess = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    /** The class-data archive of the node JVMs (null: none for this JDK and class path). */
    private ClassDataArchive archive;
    private final String prefix;
    private Ignite clientNode;
    private Dashboard dashboard;

    /** Options for a local cluster. */
    public static final class Builder {
        private int nodes = 2;
        private int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        private boolean processes;
        private boolean logging;
        private boolean peerClassLoading = true;
        private boolean dashboard = true;
        private long dataRegionBytes = 512L << 20;
        private String nodeHeap = "1g";
        /** As {@link #memory} was given them; null: the nodes' defaults. */
        private MemorySettings memory;
        private java.nio.file.Path keyStore;
        private String keyStorePassword;
        private java.nio.file.Path trustStore;
        private String trustStorePassword;
        private String user;
        private String password;
        private final java.util.Map<Integer, String> resources = new java.util.HashMap<>();

        private Builder() {
        }

        /** Server nodes to start (default 2). */
        public Builder nodes(int nodes) {
            if (nodes < 1 || nodes > 10) {
                throw new IllegalArgumentException("a local cluster has 1 to 10 nodes, not " + nodes);
            }
            this.nodes = nodes;
            return this;
        }

        /** Tasks each node runs at once (default: half the cores, at least 1). */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("a node needs at least one thread, not " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Whether nodes run in child JVMs (true) or in this one (false, the default). */
        public Builder processes(boolean processes) {
            this.processes = processes;
            return this;
        }

        /** Whether nodes log through slf4j (default: silent). */
        public Builder logging(boolean logging) {
            this.logging = logging;
            return this;
        }

        /** Whether nodes load classes from clients (default true; false models a production cluster). */
        public Builder peerClassLoading(boolean enabled) {
            this.peerClassLoading = enabled;
            return this;
        }

        /** Whether this JVM serves the cluster's dashboard, on the first free port from 8787 (default true). */
        public Builder dashboard(boolean dashboard) {
            this.dashboard = dashboard;
            return this;
        }

        /**
         * The fractions of each node's data memory past which it spills values to disk (0.6) and
         * past which it starts no new task until memory frees (0.8), as Dask's worker memory
         * {@code target} and {@code pause}; and whether nodes spill at all (yes). See
         * {@link io.kindling.grid.internal.Spill}.
         */
        public Builder memory(double target, double pause, boolean spill) {
            NodeConfig.requireMemoryFractions(target, pause);
            this.memory = new MemorySettings(target, pause, spill);
            return this;
        }

        /**
         * The heap of each node process, as the JVM's {@code -Xmx} takes it ({@code "512m"},
         * {@code "2g"}; default {@code "1g"}); only with {@link #processes}. A node refuses a
         * scattered value larger than a quarter of its heap (it needs about three times a value's
         * size while the value arrives).
         */
        public Builder nodeHeap(String heap) {
            if (heap == null || !heap.matches("[0-9]+[kKmMgG]?")) {
                throw new IllegalArgumentException("a node heap is a size as -Xmx takes it (512m, 2g), not " + heap);
            }
            this.nodeHeap = heap;
            return this;
        }

        /** Off-heap memory for data, per node (default 512 MB). */
        public Builder dataRegionBytes(long bytes) {
            this.dataRegionBytes = bytes;
            return this;
        }

        /** TLS between the nodes and on the thin-client port (in-process nodes only). */
        public Builder tls(java.nio.file.Path keyStore, String keyStorePassword, java.nio.file.Path trustStore,
                String trustStorePassword) {
            this.keyStore = keyStore;
            this.keyStorePassword = keyStorePassword;
            this.trustStore = trustStore;
            this.trustStorePassword = trustStorePassword;
            return this;
        }

        /** Thin clients must authenticate; {@code user} is created with {@code password} (in-process nodes only). */
        public Builder authentication(String user, String password) {
            this.user = user;
            this.password = password;
            return this;
        }

        /**
         * Abstract resources node {@code node} (0 for the first) declares to tasks that ask for
         * them, such as {@code "GPU=2,MEMORY=10e9"} (see {@code Submitter.resources}).
         */
        public Builder resources(int node, String spec) {
            io.kindling.grid.internal.Resources.parse(spec);
            this.resources.put(node, spec);
            return this;
        }

        /** Starts the cluster. */
        public LocalCluster start() {
            return new LocalCluster(this);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    private LocalCluster(Builder options) {
        io.kindling.grid.internal.JvmFlags.require("the local cluster (" + (options.processes ? "its client node runs"
                : "its nodes run") + " in this JVM)");
        this.options = options;
        this.basePort = Ports.freeBlock(PORTS);
        this.prefix = "kindling-local-" + basePort;
        try {
            this.workDirectory = Files.createTempDirectory("kindling-local-");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a work directory for the local cluster", e);
        }
        try {
            if (options.processes && (options.keyStore != null || options.user != null)) {
                throw new IllegalArgumentException("TLS and authentication are set up for in-process local clusters only");
            }
            if (options.processes) {
                startProcesses();
                clientNode = Ignition.start(nodeConfig(prefix + "-client").client(true).build());
            } else {
                for (int i = 0; i < options.nodes; i++) {
                    inProcess.add(Ignition.start(nodeConfig(prefix + "-node-" + i).installedCaches(true)
                            .resources(io.kindling.grid.internal.Resources.parse(options.resources.get(i))).build()));
                }
                clientNode = inProcess.get(0);
            }
            if (options.user != null) {
                KindlingServer.activate(clientNode);
                KindlingServer.setUser(clientNode, KindlingServer.INITIAL_ADMIN_PASSWORD, options.user, options.password);
            }
            KindlingServer.install(clientNode);
            if (options.dashboard) {
                dashboard = Dashboard.start(clientNode);
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private NodeConfig nodeConfig(String name) {
        NodeConfig config = new NodeConfig().instanceName(name).discovery(basePort, 10).communicationPort(basePort + 10)
                .thinClientPort(basePort + 20).threads(options.threads).workDirectory(workDirectory.resolve(name))
                .dataRegionBytes(options.dataRegionBytes).logging(options.logging)
                .peerClassLoading(options.peerClassLoading)
                .tls(options.keyStore, options.keyStorePassword, options.trustStore, options.trustStorePassword)
                .authentication(options.user != null);
        MemorySettings m = options.memory;
        return m == null ? config : config.memory(m.target(), m.pause(), m.spill());
    }

    /** A local cluster's {@link Builder#memory} settings. */
    private record MemorySettings(double target, double pause, boolean spill) {
        String option() {
            return target + "," + pause + "," + spill;
        }
    }

    private void startProcesses() {
        String java = javaCommand();
        archive = ClassDataArchive.of(System.getProperty("java.home"), System.getProperty("java.class.path"));
        for (int i = 0; i < options.nodes; i++) {
            String name = prefix + "-node-" + i;
            List<String> command = new ArrayList<>();
            command.add(java);
            command.addAll(io.kindling.grid.internal.JvmFlags.addOpens());
            if (archive != null) {
                command.addAll(archive.options());
            }
            command.add("-Xmx" + options.nodeHeap);
            command.addAll(io.kindling.grid.internal.JvmFlags.NODE_GC);
            command.addAll(io.kindling.grid.internal.JvmFlags.NODE_JIT);
            command.add("-Dkindling.node.logging=" + options.logging);
            command.add("-cp");
            command.add(archive != null ? archive.classPath() : System.getProperty("java.class.path"));
            command.add(NodeMain.class.getName());
            command.addAll(List.of("--name", name, "--discovery-port", String.valueOf(basePort), "--port-range", "10",
                    "--communication-port", String.valueOf(basePort + 10), "--thin-port", String.valueOf(basePort + 20),
                    "--threads", String.valueOf(options.threads), "--work-dir", workDirectory.resolve(name).toString(),
                    "--data-region-bytes", String.valueOf(options.dataRegionBytes)));
            if (options.memory != null) {
                command.addAll(List.of("--memory", options.memory.option()));
            }
            if (!options.peerClassLoading) {
                command.add("--no-peer-class-loading");
            }
            command.add("--installed-caches");
            if (options.resources.containsKey(i)) {
                command.addAll(List.of("--resources", options.resources.get(i)));
            }
            try {
                processes.add(new ProcessBuilder(command).redirectErrorStream(true).start());
            } catch (IOException e) {
                throw new UncheckedIOException("could not start node " + name + " (" + java + ")", e);
            }
        }
        // All JVMs start at once (each takes seconds to boot); then each must report ready.
        for (int i = 0; i < processes.size(); i++) {
            awaitReady(processes.get(i), prefix + "-node-" + i);
        }
    }

    /** Set when {@link #close} begins: a node process that ends after it was meant to. */
    private volatile boolean closing;
    /** Lines of a node's output kept after it is ready, to say why it ended if it ends early. */
    private static final int TAIL_LINES = 50;

    /**
     * Waits until the child says it is ready, at most {@value #START_TIMEOUT_SECONDS} s and only
     * while it lives; its output is read on a thread of its own, which goes on draining it (and
     * ends with the child), so that a silent or hung child cannot block the wait. A child that
     * ends while the cluster is open (killed, or stopped by Ignite's failure handler) is reported
     * on this JVM's standard error with its exit code and its last lines.
     */
    private void awaitReady(Process p, String name) {
        java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        StringBuffer seen = new StringBuffer();
        Thread reader = new Thread(() -> {
            java.util.ArrayDeque<String> tail = new java.util.ArrayDeque<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (ready.getCount() > 0) {
                        if (line.startsWith(NodeMain.READY)) {
                            ready.countDown();
                        } else if (seen.length() < 20_000) {
                            seen.append(line).append('\n');
                        }
                    } else {
                        if (tail.size() == TAIL_LINES) {
                            tail.poll();
                        }
                        tail.add(line);
                    }
                }
            } catch (IOException e) {
                // the child is gone
            }
            if (ready.getCount() == 0 && !closing) {
                reportEnded(p, name, tail);
            }
        }, name + "-output");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        try {
            while (!ready.await(100, TimeUnit.MILLISECONDS)) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("node " + name + " exited with " + p.exitValue()
                            + " before it was ready; its output:\n" + seen);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("node " + name + " was not ready within " + START_TIMEOUT_SECONDS
                            + " s; its output:\n" + seen);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while node " + name + " started", e);
        }
    }

    private static void reportEnded(Process p, String name, java.util.Collection<String> tail) {
        String code;
        try {
            code = p.waitFor(5, TimeUnit.SECONDS) ? String.valueOf(p.exitValue()) : "unknown (still ending)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = "unknown";
        }
        System.err.println("kindling: node " + name + " (pid " + p.pid() + ") ended while its local cluster was open, "
                + "exit code " + code + (tail.isEmpty() ? "; it printed nothing after it was ready"
                : "; its last output:\n  " + String.join("\n  ", tail)));
    }

    /** The Ignite node in this JVM that clients of this cluster use. */
    public Ignite ignite() {
        return clientNode;
    }

    /** The dashboard's address, such as {@code http://127.0.0.1:8787/status}, or null without one. */
    public String dashboardLink() {
        return dashboard == null ? null : dashboard.url();
    }

    /**
     * The thin-client addresses of the cluster's nodes, as {@code host:from..to}: a thin client
     * connects to any of them, so it goes on working when one node leaves.
     */
    public String thinClientAddress() {
        return "127.0.0.1:" + (basePort + 20) + ".." + (basePort + 20 + options.nodes - 1);
    }

    /** The discovery addresses of this cluster, for joining it from elsewhere. */
    public String discoveryAddresses() {
        return "127.0.0.1:" + basePort + ".." + (basePort + 9);
    }

    /** The child processes of the nodes (empty for in-process nodes). */
    public List<ProcessHandle> processes() {
        return processes.stream().map(Process::toHandle).toList();
    }

    /**
     * The child process of the node whose consistent id is {@code node} (one of
     * {@link Client#nodes()}), for instance to stop or kill it.
     *
     * @throws IllegalArgumentException if the cluster has no such child process
     */
    public ProcessHandle process(String node) {
        for (int i = 0; i < processes.size(); i++) {
            if ((prefix + "-node-" + i).equals(node)) {
                return processes.get(i).toHandle();
            }
        }
        throw new IllegalArgumentException("no child process runs node '" + node + "' in this local cluster"
                + (processes.isEmpty() ? " (its nodes run in this JVM)" : "; its nodes: " + prefix + "-node-0.."
                + (processes.size() - 1)));
    }

    /** Stops every node and process this cluster started and deletes its work directory. */
    @Override
    public void close() {
        closing = true;
        if (dashboard != null) {
            dashboard.close();
            dashboard = null;
        }
        for (Ignite node : inProcess) {
            TaskEvents.remove(node.name());
        }
        if (!inProcess.isEmpty()) {
            // Dropping the caches first means that no node moves partitions to another that is
            // stopping: a node stopped while reading rebalanced pages brought down its JVM here.
            try {
                List<String> caches = new ArrayList<>(KindlingGrid.dataCacheNames(inProcess.get(0)));
                caches.add(KindlingGrid.LEASE_CACHE);
                caches.addAll(KindlingGrid.bookkeepingCaches(inProcess.get(0)));
                inProcess.get(0).destroyCaches(caches);
            } catch (RuntimeException e) {
                // stopping anyway
            }
        }
        if (options.processes && clientNode != null) {
            io.kindling.grid.internal.NodeStop.stop(clientNode.name(), STOP_MILLIS);
        }
        clientNode = null;
        for (int i = inProcess.size() - 1; i >= 0; i--) {
            io.kindling.grid.internal.NodeStop.stop(inProcess.get(i).name(), STOP_MILLIS);
        }
        inProcess.clear();
        for (Process p : processes) {
            try {
                p.getOutputStream().close();
            } catch (IOException e) {
                p.destroy();
            }
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        deleteRecursively(workDirectory);
        if (archive != null) {
            archive.writeIfMissing(javaCommand(), io.kindling.grid.internal.JvmFlags.addOpens());
            archive = null;
        }
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp directory
        }
    }
}
