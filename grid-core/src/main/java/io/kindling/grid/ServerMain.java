package io.kindling.grid;

import io.kindling.grid.internal.JvmFlags;

import io.kindling.grid.dashboard.Dashboard;
import io.kindling.grid.internal.TaskEvents;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteState;
import org.apache.ignite.Ignition;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.cluster.ClusterState;
import org.apache.ignite.events.DiscoveryEvent;
import org.apache.ignite.events.Event;
import org.apache.ignite.events.EventType;
import org.apache.ignite.internal.processors.odbc.ClientListenerProcessor;
import org.apache.ignite.spi.communication.CommunicationSpi;
import org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi;
import org.apache.ignite.spi.discovery.tcp.internal.TcpDiscoveryNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Starts one Ignite node of a Kindling cluster from Spring XML and runs it until the JVM is told to
 * stop (Ctrl-C, SIGTERM): what {@code bin/kindling-server} runs, as {@code dask-worker} is for Dask.
 *
 * <p>Prints one block to stdout once the node is up (its name, ids, bound ports and the cluster's
 * size) and {@code kindling-server: stopped} once a signal has stopped it; Ignite's own log goes
 * through slf4j. Exits 0 after a stop by signal, 1 if the node could not start or stopped by
 * itself, 2 on a bad command line.
 */
public final class ServerMain {
    /** The text of {@code --help}, also printed by {@code bin/kindling-server --help} in a checkout without Java. */
    private static final String USAGE = usage();


    private ServerMain() {
    }

    /** With authentication: creates or updates the user KINDLING_USER (acting as the superuser), if set. */
    private static void setUserFromEnvironment(Ignite ignite) {
        String user = System.getenv("KINDLING_USER");
        if (user == null || !ignite.configuration().isAuthenticationEnabled()) {
            return;
        }
        String password = System.getenv("KINDLING_PASSWORD");
        if (password == null) {
            fail(2, "KINDLING_USER is set but KINDLING_PASSWORD is not");
        }
        String admin = System.getenv().getOrDefault("KINDLING_ADMIN_PASSWORD", KindlingServer.INITIAL_ADMIN_PASSWORD);
        KindlingServer.setUser(ignite, admin, user, password);
        System.out.println("kindling-server: user '" + user + "' set");
    }

    /** Starts the node; see {@code --help}. */
    public static void main(String[] args) {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(USAGE);
            return;
        }
        if (args.length > 1 || (args.length == 1 && args[0].startsWith("-"))) {
            fail(2, "unexpected arguments " + String.join(" ", args) + "\n\n" + USAGE);
        }
        Path home = Path.of(System.getProperty("kindling.home", "")).toAbsolutePath().normalize();
        System.setProperty("kindling.home", home.toString());
        Path config = (args.length == 1 ? Path.of(args[0]) : home.resolve("config/kindling-server.xml"))
                .toAbsolutePath().normalize();
        if (!Files.isRegularFile(config)) {
            fail(1, "no configuration file at " + config + "\nthe files in " + home.resolve("config")
                    + ": " + configFiles(home.resolve("config")));
        }
        try {
            JvmFlags.require("this server node");
        } catch (MissingJvmFlagsException e) {
            fail(1, e.getMessage());
        }
        NodeConfig.setIfUnset("IGNITE_QUIET", "false");
        NodeConfig.setIfUnset("IGNITE_NO_SHUTDOWN_HOOK", "true");
        NodeConfig.igniteDefaults();

        Ignite ignite = null;
        KindlingNode kindling = null;
        try {
            ignite = Ignition.start(config.toString());
            if (ignite.cluster().state() != ClusterState.ACTIVE && Boolean.getBoolean("kindling.activate")) {
                KindlingServer.activate(ignite);
            }
            if (ignite.cluster().state() == ClusterState.ACTIVE) {
                // Done already by the KindlingNode bean of the XML; the whole of it for an XML without one.
                kindling = KindlingNode.ready(ignite);
                setUserFromEnvironment(ignite);
            } else {
                System.out.println("kindling-server: the cluster is inactive (its configuration persists users); "
                        + "start the last server with -Dkindling.activate=true to activate it");
            }
        } catch (RuntimeException e) {
            if (ignite != null) {
                Ignition.stop(ignite.name(), true);
            }
            fail(1, "the node did not start: " + explain(e));
        }
        String name = ignite.name();
        CountDownLatch stopped = new CountDownLatch(1);
        Ignition.addListener((stoppedName, state) -> {
            if (state != IgniteState.STARTED && Objects.equals(stoppedName, name)) {
                stopped.countDown();
            }
        });
        // An inactive cluster gets Kindling at activation; its nodes show their dashboard meanwhile.
        Dashboard own = kindling == null ? KindlingNode.startDashboard(ignite) : null;
        Dashboard dashboard = kindling != null ? kindling.dashboard() : own;
        AtomicBoolean signalled = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            signalled.set(true);
            if (own != null) {
                own.close();
            }
            KindlingNode.of(name).ifPresent(KindlingNode::close);
            TaskEvents.remove(name);
            if (Ignition.stop(name, true)) {
                System.out.println("kindling-server: stopped");
                System.out.flush();
                Runtime.getRuntime().halt(0);
            }
        }, "kindling-server-stop"));
        KindlingNode.of(name).ifPresent(k -> k.console(line -> {
            System.out.println("kindling-server: " + line);
            System.out.flush();
        }));
        System.out.print(upBlock(ignite, config));
        System.out.println(dashboard != null ? "  dashboard      " + dashboard.url() : "  dashboard      off");
        System.out.println("Ctrl-C stops the node.");
        System.out.flush();
        ignite.events().localListen(ServerMain::printTopologyChange, EventType.EVT_NODE_JOINED, EventType.EVT_NODE_LEFT,
                EventType.EVT_NODE_FAILED);

        try {
            if (Ignition.state(name) == IgniteState.STARTED) {
                stopped.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!signalled.get()) {
            fail(1, "the node stopped by itself (" + Ignition.state(name) + "); see the log above");
        }
    }

    /** Prints a node joining or leaving the cluster, with the cluster it leaves (discovery events are always on). */
    private static boolean printTopologyChange(Event event) {
        if (event instanceof DiscoveryEvent d) {
            ClusterNode node = d.eventNode();
            String what = switch (d.type()) {
                case EventType.EVT_NODE_JOINED -> "joined";
                case EventType.EVT_NODE_LEFT -> "left";
                default -> "failed (gone without leaving: killed, or unreachable)";
            };
            long servers = d.topologyNodes().stream().filter(n -> !n.isClient()).count();
            long clients = d.topologyNodes().size() - servers;
            System.out.println("kindling-server: " + (node.isClient() ? "client " : "server ") + node.consistentId() + " "
                    + what + "; the cluster has " + servers + (servers == 1 ? " server, " : " servers, ") + clients
                    + (clients == 1 ? " client" : " clients"));
            System.out.flush();
        }
        return true;
    }

    private static String upBlock(Ignite ignite, Path config) {
        ClusterNode local = ignite.cluster().localNode();
        String host = ignite.configuration().getLocalHost();
        String discovery = local instanceof TcpDiscoveryNode
                ? host + ":" + ((TcpDiscoveryNode) local).discoveryPort() : "?";
        CommunicationSpi<?> spi = ignite.configuration().getCommunicationSpi();
        String communication = spi instanceof TcpCommunicationSpi
                ? host + ":" + ((TcpCommunicationSpi) spi).boundPort() : "?";
        Object thinPort = local.attribute(ClientListenerProcessor.CLIENT_LISTENER_PORT);
        return "kindling-server: node up\n"
                + "  instance       " + ignite.name() + "\n"
                + "  consistent id  " + local.consistentId() + "\n"
                + "  node id        " + local.id() + "\n"
                + "  role           " + (local.isClient() ? "client" : "server") + "\n"
                + "  addresses      " + local.addresses() + "\n"
                + "  discovery      " + discovery + "\n"
                + "  communication  " + communication + "\n"
                + "  thin client    " + (thinPort != null ? host + ":" + thinPort : "off") + "\n"
                + "  work dir       " + ignite.configuration().getWorkDirectory() + "\n"
                + "  config         " + config + "\n"
                + "  cluster        " + ignite.cluster().forServers().nodes().size() + " servers, "
                + ignite.cluster().forClients().nodes().size() + " clients\n";
    }

    /** The root cause of a failed start, with the property to change when it is a port or address. */
    private static String explain(Throwable e) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        String all = messages.toString();
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String hint = "";
        if (all.contains("Cannot assign requested address") || all.contains("Failed to resolve local host")) {
            hint = "this machine has no address " + System.getProperty("kindling.host", "127.0.0.1")
                    + ": set -Dkindling.host";
        } else if (all.contains("Failed to bind TCP server socket")) {
            hint = "every discovery port from " + System.getProperty("kindling.discovery.port", "47500")
                    + " on is taken: set -Dkindling.discovery.port (and kindling.discovery.addresses)";
        } else if (all.contains("Failed to bind to any port within range")) {
            hint = "every communication port from " + System.getProperty("kindling.communication.port", "47100")
                    + " on is taken: set -Dkindling.communication.port";
        } else if (all.contains("Failed to bind to any [host:port]")) {
            hint = "every thin-client port from " + System.getProperty("kindling.thin.port", "10800")
                    + " on is taken: set -Dkindling.thin.port";
        }
        return (hint.isEmpty() ? "" : hint + "\n  ") + root;
    }

    private static String configFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".xml")).sorted()
                    .collect(Collectors.joining(", "));
        } catch (IOException e) {
            return "(none: " + dir + " cannot be read)";
        }
    }

    private static String usage() {
        try (var in = ServerMain.class.getResourceAsStream("server-usage.txt")) {
            return in == null ? "Usage: kindling-server [options] [CONFIG_XML] (the full text is missing from the jar)\n"
                    : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void fail(int status, String message) {
        System.err.println("kindling-server: " + message);
        System.exit(status);
    }
}
