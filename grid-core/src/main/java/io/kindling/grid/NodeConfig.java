package io.kindling.grid;

import io.kindling.grid.internal.NodeAttributes;
import io.kindling.grid.internal.DataMemory;
import io.kindling.grid.internal.NodeWork;
import io.kindling.grid.internal.Resources;
import io.kindling.grid.internal.Spill;
import io.kindling.grid.internal.SpillSettings;

import org.apache.ignite.configuration.ClientConnectorConfiguration;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.configuration.ThinClientConfiguration;
import org.apache.ignite.logger.NullLogger;
import org.apache.ignite.ssl.SslContextFactory;
import org.apache.ignite.logger.slf4j.Slf4jLogger;
import org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;

import java.nio.file.Path;
import java.util.List;

/**
 * The Ignite configuration of a Kindling node, built in code: the same settings as
 * {@code config/kindling-server.xml}, for nodes that tests and local clusters start.
 *
 * <p>What every Kindling node gets, and why:
 * <ul>
 *   <li>static discovery on the given host and port range (never multicast);</li>
 *   <li>communication socket buffers left to the OS (0): Ignite's default 32 KB disables TCP
 *       window scaling, and node-to-node links stalled for minutes under load;</li>
 *   <li>the binary REST connector off (it is an open port nobody here uses);</li>
 *   <li>the thin-client connector with compute enabled, or off;</li>
 *   <li>peer class loading on by default, so thick clients can ship their functions;</li>
 *   <li>an explicit work directory (otherwise Ignite writes to /tmp/ignite/work) and a bounded
 *       data region;</li>
 *   <li>Ignite's log through slf4j, or no log at all.</li>
 * </ul>
 */
public final class NodeConfig {
    /** The node attribute that tells clients how many tasks the node runs at once. */
    public static final String THREADS_ATTRIBUTE = NodeAttributes.THREADS;
    /** How long discovery waits before it asks a node that is itself still joining again. */
    static final int RECONNECT_DELAY_MILLIS = 100;
    /** Data regions of at least this many bytes have {@link #LARGE_PAGE} pages. */
    public static final long LARGE_PAGE_REGION = 512L << 20;
    /** Ignite's largest page size (its default is 4 KiB). */
    public static final int LARGE_PAGE = 16 * 1024;

    /**
     * The page size of a node's data: {@value #LARGE_PAGE} bytes in a region of at least
     * {@value #LARGE_PAGE_REGION} bytes, so that a large value goes in a quarter of the pages (a
     * 100 MB value is written in about a third less time than with 4 KiB pages, measured here);
     * Ignite's 4 KiB in a smaller region, where the pages every partition of every cache takes for
     * itself (a few each) would take a share worth having (a 64 MiB region held a third less data
     * with 16 KiB pages). 4 KiB too with the persistent region of users, whose files keep the page
     * size they were made with.
     */
    static int pageSize(long dataRegionBytes, boolean persistent) {
        return !persistent && dataRegionBytes >= LARGE_PAGE_REGION ? LARGE_PAGE : 4 * 1024;
    }

    /**
     * The size of Ignite's public pool for a node that runs {@code threads} tasks at once (0: one
     * per core): room for the two batches per thread that clients keep in flight, which wait
     * there for a task slot ({@link NodeWork}), and for a few threads stuck in cancelled tasks
     * that ignore their interrupt. The XML configurations call this too.
     */
    public static int publicPoolSize(int threads) {
        int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return 2 * t + 4;
    }

    /** {@link #publicPoolSize(int)} of a setting given as text, as the XML configurations pass it. */
    public static int publicPoolSize(String threads) {
        return publicPoolSize(threads == null || threads.isBlank() ? 0 : Integer.parseInt(threads.trim()));
    }

    /** The client-connector pool of a node: thin clients' batches wait there for a task slot too. */
    public static int connectorPoolSize(int threads) {
        return Math.max(8, publicPoolSize(threads));
    }

    /** {@link #connectorPoolSize(int)} of a setting given as text, as the XML configurations pass it. */
    public static int connectorPoolSize(String threads) {
        return connectorPoolSize(threads == null || threads.isBlank() ? 0 : Integer.parseInt(threads.trim()));
    }

    private String instanceName = "kindling";
    private boolean client;
    private String host = "127.0.0.1";
    private int discoveryPort = 47500;
    private int discoveryPortRange = 10;
    private List<String> discoveryAddresses;
    private int communicationPort = 47100;
    private int thinClientPort = 10800;
    private boolean peerClassLoading = true;
    private Path workDirectory;
    private long dataRegionBytes = 1L << 30;
    private java.util.Map<String, String> memory = java.util.Map.of();
    private int threads = Runtime.getRuntime().availableProcessors();
    private boolean logging = true;
    private Path keyStore;
    private String keyStorePassword;
    private Path trustStore;
    private String trustStorePassword;
    private boolean authentication;
    private boolean installedCaches;
    private java.util.Map<String, Double> resources = java.util.Map.of();

    public NodeConfig instanceName(String name) {
        this.instanceName = name;
        return this;
    }

    /** A thick client node (joins the cluster, stores no data) rather than a server. */
    public NodeConfig client(boolean client) {
        this.client = client;
        return this;
    }

    /** The address this node binds and advertises; 127.0.0.1 by default. */
    public NodeConfig host(String host) {
        this.host = host;
        return this;
    }

    /** This node's discovery port and how many ports above it the cluster's nodes use. */
    public NodeConfig discovery(int port, int range) {
        this.discoveryPort = port;
        this.discoveryPortRange = range;
        return this;
    }

    /** Where to look for the cluster ({@code host:port} or {@code host:from..to}); default: this host's range. */
    public NodeConfig discoveryAddresses(List<String> addresses) {
        this.discoveryAddresses = List.copyOf(addresses);
        return this;
    }

    public NodeConfig communicationPort(int port) {
        this.communicationPort = port;
        return this;
    }

    /** The thin-client port, or -1 for no thin-client connector. */
    public NodeConfig thinClientPort(int port) {
        this.thinClientPort = port;
        return this;
    }

    public NodeConfig peerClassLoading(boolean enabled) {
        this.peerClassLoading = enabled;
        return this;
    }

    public NodeConfig workDirectory(Path dir) {
        this.workDirectory = dir;
        return this;
    }

    /** The most off-heap memory this node's data may take. */
    public NodeConfig dataRegionBytes(long bytes) {
        this.dataRegionBytes = bytes;
        return this;
    }

    /**
     * The fractions of the data memory past which this node spills values to disk and past which
     * it starts no new batch ({@link Spill}; 0.6 and 0.8 by default, as Dask's {@code target} and
     * {@code pause}), and whether it spills at all.
     */
    public NodeConfig memory(double target, double pause, boolean spill) {
        requireMemoryFractions(target, pause);
        this.memory = java.util.Map.of(SpillSettings.TARGET, String.valueOf(target),
                SpillSettings.PAUSE, String.valueOf(pause),
                SpillSettings.ENABLED, String.valueOf(spill));
        return this;
    }

    /** Refuses memory fractions ({@link #memory}) outside (0, 1], naming them. */
    public static void requireMemoryFractions(double target, double pause) {
        if (!(target > 0 && target <= 1 && pause > 0 && pause <= 1)) {
            throw new IllegalArgumentException("memory fractions must be above 0 and at most 1, such as 0.6 and 0.8, "
                    + "not " + target + " and " + pause);
        }
    }

    /** Abstract resources this node declares to tasks ({@link Resources}), such as {@code Map.of("GPU", 2.0)}. */
    public NodeConfig resources(java.util.Map<String, Double> resources) {
        this.resources = Resources.parse(Resources.format(resources));
        return this;
    }

    /** Threads that run tasks on this node. */
    public NodeConfig threads(int threads) {
        this.threads = threads;
        return this;
    }

    /**
     * A server that starts Kindling's caches with itself, in the exchange of its own join, rather
     * than in the four exchanges of {@link KindlingServer#install} after it has started (two child
     * nodes were ready in 2.7-3.2 s against 3.2-3.9 s without, in the same hour). Only for a
     * cluster whose every server runs Kindling, as a local cluster's do: the data cache names
     * Kindling's classes, which a stock Ignite server could not load. Off by default.
     */
    public NodeConfig installedCaches(boolean installedCaches) {
        this.installedCaches = installedCaches;
        return this;
    }

    /** Ignite's log through slf4j (true), or nothing at all (false). */
    public NodeConfig logging(boolean logging) {
        this.logging = logging;
        return this;
    }

    /**
     * TLS on discovery, communication and the thin-client connector: this node presents the key in
     * {@code keyStore} and trusts the certificates in {@code trustStore} (JKS or PKCS12 files).
     */
    public NodeConfig tls(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword) {
        this.keyStore = keyStore;
        this.keyStorePassword = keyStorePassword;
        this.trustStore = trustStore;
        this.trustStorePassword = trustStorePassword;
        return this;
    }

    /**
     * Thin clients must authenticate. Ignite 2.x keeps its users in the persistent metastorage, so
     * this adds a small persistent data region (Kindling's data stays in memory), and the cluster
     * starts inactive until {@link KindlingServer#activate} (see there).
     */
    public NodeConfig authentication(boolean enabled) {
        this.authentication = enabled;
        return this;
    }

    public String instanceName() {
        return instanceName;
    }

    public int discoveryPort() {
        return discoveryPort;
    }

    public int thinClientPort() {
        return thinClientPort;
    }

    /** Ignite's removed-entry history per cache that {@link #igniteDefaults} asks for (Ignite's default: 200,000). */
    public static final int DELETE_HISTORY = 10_000;

    /**
     * Sets the JVM-wide Ignite properties a Kindling node wants, each only where the JVM's
     * command line has not set it; to call before the JVM's first Ignite node starts (Ignite reads
     * some of them once per JVM).
     * <ul>
     * <li>{@code IGNITE_UPDATE_NOTIFIER=false}: Ignite would otherwise ask the internet for new
     *     versions from a timer thread per node.
     * <li>{@code IGNITE_DUMP_THREADS_ON_FAILURE=false}: a full data region is reported by the
     *     failed write ({@link KindlingFailureHandler}), without a dump of every thread.
     * <li>{@code IGNITE_ATOMIC_CACHE_DELETE_HISTORY_SIZE=}{@value #DELETE_HISTORY}: an atomic cache
     *     keeps its last removed entries on the heap (to order a remove and a late update of the
     *     same key), 200,000 per cache by default, and drops them only as more removals come. After
     *     a million task results were released, that held about 130 MB of each node's heap for
     *     good. Kindling never writes a key again after removing it (storage names are not reused),
     *     so a short history is enough.
     * </ul>
     */
    public static void igniteDefaults() {
        setIfUnset("IGNITE_UPDATE_NOTIFIER", "false");
        setIfUnset("IGNITE_DUMP_THREADS_ON_FAILURE", "false");
        setIfUnset("IGNITE_ATOMIC_CACHE_DELETE_HISTORY_SIZE", String.valueOf(DELETE_HISTORY));
    }

    /** Sets the system property {@code name} unless the JVM has it already. */
    static void setIfUnset(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }

    /** The Ignite configuration. */
    public IgniteConfiguration build() {
        igniteDefaults();
        IgniteConfiguration c = new IgniteConfiguration();
        c.setIgniteInstanceName(instanceName);
        c.setConsistentId(instanceName);
        c.setClientMode(client);
        c.setLocalHost(host);
        c.setPeerClassLoadingEnabled(peerClassLoading);
        c.setMetricsLogFrequency(0);
        c.setConnectorConfiguration(null);
        c.setPublicThreadPoolSize(publicPoolSize(Math.max(1, threads)));
        java.util.Map<String, Object> attributes = new java.util.HashMap<>(memory);
        attributes.put(THREADS_ATTRIBUTE, String.valueOf(Math.max(1, threads)));
        attributes.put(Resources.ATTRIBUTE, Resources.format(resources));
        c.setUserAttributes(attributes);
        c.setGridLogger(logging ? new Slf4jLogger() : new NullLogger());
        if (workDirectory != null) {
            c.setWorkDirectory(workDirectory.toAbsolutePath().toString());
        }

        TcpDiscoveryVmIpFinder finder = new TcpDiscoveryVmIpFinder();
        finder.setAddresses(discoveryAddresses != null ? discoveryAddresses
                : List.of(host + ":" + discoveryPort + ".." + (discoveryPort + discoveryPortRange - 1)));
        TcpDiscoverySpi discovery = new TcpDiscoverySpi();
        discovery.setIpFinder(finder);
        discovery.setLocalAddress(host);
        discovery.setLocalPort(discoveryPort);
        discovery.setLocalPortRange(discoveryPortRange);
        // Nodes of a local cluster start at once: each meets the others still joining, and Ignite
        // then waits this long before it asks again (2 s by default, a second or more of every start).
        discovery.setReconnectDelay(RECONNECT_DELAY_MILLIS);
        c.setDiscoverySpi(discovery);

        TcpCommunicationSpi communication = new TcpCommunicationSpi();
        communication.setLocalAddress(host);
        communication.setLocalPort(communicationPort);
        communication.setLocalPortRange(discoveryPortRange);
        communication.setSocketReceiveBuffer(0);
        communication.setSocketSendBuffer(0);
        c.setCommunicationSpi(communication);

        if (keyStore != null) {
            SslContextFactory ssl = new SslContextFactory();
            ssl.setKeyStoreFilePath(keyStore.toAbsolutePath().toString());
            ssl.setKeyStorePassword(keyStorePassword.toCharArray());
            ssl.setKeyStoreType(storeType(keyStore));
            ssl.setTrustStoreFilePath(trustStore.toAbsolutePath().toString());
            ssl.setTrustStorePassword(trustStorePassword.toCharArray());
            ssl.setTrustStoreType(storeType(trustStore));
            c.setSslContextFactory(ssl);
        }
        c.setAuthenticationEnabled(authentication && !client);
        if (thinClientPort > 0 && !client) {
            ClientConnectorConfiguration connector = new ClientConnectorConfiguration();
            if (keyStore != null) {
                connector.setSslEnabled(true);
                connector.setUseIgniteSslContextFactory(true);
            }
            connector.setHost(host);
            connector.setPort(thinClientPort);
            connector.setPortRange(discoveryPortRange);
            connector.setThreadPoolSize(connectorPoolSize(Math.max(1, threads)));
            // Stack traces go to thin clients so that a class missing on the servers can be named
            // to the client that sent it (anyone who may submit tasks may run code here anyway).
            connector.setThinClientConfiguration(new ThinClientConfiguration()
                    .setMaxActiveComputeTasksPerConnection(1024)
                    .setServerToClientExceptionStackTraceSending(true));
            c.setClientConnectorConfiguration(connector);
        } else {
            c.setClientConnectorConfiguration(null);
        }

        if (!client) {
            DataStorageConfiguration storage = new DataStorageConfiguration();
            storage.setPageSize(pageSize(dataRegionBytes, authentication));
            DataRegionConfiguration region = new DataRegionConfiguration();
            region.setName("kindling");
            region.setInitialSize(Math.min(dataRegionBytes, 64L << 20));
            region.setMaxSize(dataRegionBytes);
            // What DataMemory reads to refuse a value that would not fit.
            region.setMetricsEnabled(true);
            storage.setDefaultDataRegionConfiguration(region);
            if (authentication) {
                DataRegionConfiguration users = new DataRegionConfiguration();
                users.setName("kindling-users");
                users.setPersistenceEnabled(true);
                users.setInitialSize(16L << 20);
                users.setMaxSize(64L << 20);
                storage.setDataRegionConfigurations(users);
            }
            c.setDataStorageConfiguration(storage);
            c.setFailureHandler(new KindlingFailureHandler());
            if (installedCaches) {
                c.setCacheConfiguration(io.kindling.grid.internal.KindlingGrid.installedCaches());
            }
        }
        return c;
    }

    private static String storeType(Path store) {
        String name = store.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".p12") || name.endsWith(".pfx") ? "PKCS12" : "JKS";
    }
}
