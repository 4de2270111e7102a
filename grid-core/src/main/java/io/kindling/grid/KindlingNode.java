package io.kindling.grid;

import io.kindling.grid.internal.NodeConsole;
import io.kindling.grid.internal.NodeHoldings;
import io.kindling.grid.internal.Spill;

import io.kindling.grid.dashboard.Dashboard;
import io.kindling.grid.internal.TaskEvents;
import org.apache.ignite.Ignite;
import org.apache.ignite.cluster.ClusterState;
import org.apache.ignite.events.DiscoveryEvent;
import org.apache.ignite.events.Event;
import org.apache.ignite.events.EventType;
import org.apache.ignite.lang.IgnitePredicate;
import org.apache.ignite.lifecycle.LifecycleBean;
import org.apache.ignite.lifecycle.LifecycleEventType;
import org.apache.ignite.resources.IgniteInstanceResource;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Makes any Ignite server node that has Kindling's jar a complete Kindling node, however it was
 * started (Ignite's own {@code ignite.sh} with {@code config/kindling-server.xml}, an application's
 * {@code Ignition.start}, or {@code bin/kindling-server}): once the node is up in an active
 * cluster, the data and lease caches and the Kindling service (thin clients, lease reaper) are
 * installed and the node's dashboard starts (unless {@code -Dkindling.dashboard.off=true}); they
 * stop with the node. In the XML of a server:
 * <pre>{@code
 * <property name="lifecycleBeans"><list><bean class="io.kindling.grid.KindlingNode"/></list></property>
 * }</pre>
 * A cluster that starts inactive (secure or persistent) gets Kindling when it is activated and
 * {@link #ready(Ignite)} is called, as {@code bin/kindling-server -Dkindling.activate=true} does.
 */
public final class KindlingNode implements LifecycleBean {
    private static final Map<String, KindlingNode> NODES = new ConcurrentHashMap<>();

    @IgniteInstanceResource
    private Ignite ignite;
    private volatile Consumer<String> console;
    private final Consumer<String> sayer = this::say;
    private IgnitePredicate<Event> departures;
    private Dashboard dashboard;
    private boolean installed;
    private boolean closed;

    @Override
    public void onLifecycleEvent(LifecycleEventType event) {
        if (event == LifecycleEventType.BEFORE_NODE_START) {
            // Ignite's own startup (ignite.sh with this bean in the XML) sets nothing else first.
            NodeConfig.igniteDefaults();
        } else if (event == LifecycleEventType.AFTER_NODE_START && !ignite.cluster().localNode().isClient()) {
            NODES.put(ignite.name(), this);
            if (ignite.cluster().state() == ClusterState.ACTIVE) {
                install();
            } else {
                ignite.log().warning("Kindling waits for the cluster's activation (it starts inactive); then call "
                        + "KindlingNode.ready(ignite), or start the last server with bin/kindling-server "
                        + "-Dkindling.activate=true");
            }
        } else if (event == LifecycleEventType.BEFORE_NODE_STOP) {
            close();
        }
    }

    /**
     * Installs Kindling for the server node {@code ignite} of an active cluster and starts its
     * dashboard, once; returns the node's Kindling part. For a node whose configuration lacks the
     * bean, this is the whole of it (and {@link #close} its end).
     */
    public static KindlingNode ready(Ignite ignite) {
        KindlingNode node = NODES.computeIfAbsent(ignite.name(), n -> {
            KindlingNode created = new KindlingNode();
            created.ignite = ignite;
            return created;
        });
        node.install();
        return node;
    }

    /** The Kindling part of the node named {@code igniteName}, if it has one. */
    public static Optional<KindlingNode> of(String igniteName) {
        return Optional.ofNullable(NODES.get(igniteName));
    }

    private synchronized void install() {
        if (installed || closed) {
            return;
        }
        KindlingServer.install(ignite);
        installed = true;
        NodeConsole.register(ignite.name(), sayer);
        departures = event -> {
            if (event instanceof DiscoveryEvent d && !d.eventNode().isClient()) {
                String id = String.valueOf(d.eventNode().consistentId());
                String how = d.type() == EventType.EVT_NODE_LEFT ? "left" : "failed";
                // Off the discovery thread: the read may wait for the exchange this event starts.
                ignite.scheduler().runLocal(() -> {
                    try {
                        String line = NodeHoldings.departureLine(ignite, id, how);
                        if (line != null) {
                            say(line);
                        }
                    } catch (RuntimeException e) {
                        // the node is stopping too
                    }
                });
            }
            return true;
        };
        ignite.events().localListen(departures, EventType.EVT_NODE_LEFT, EventType.EVT_NODE_FAILED);
        dashboard = startDashboard(ignite);
    }

    /**
     * Where this node says what Kindling does on its own (data reclaimed from dead clients, data
     * lost with a server): Ignite's log at info level unless set, as {@code bin/kindling-server}
     * sets its console.
     */
    public void console(Consumer<String> console) {
        this.console = console;
    }

    private void say(String line) {
        Consumer<String> c = console;
        if (c != null) {
            c.accept(line);
        } else {
            ignite.log().info("Kindling: " + line);
        }
    }

    /** The node's dashboard, or null when {@code -Dkindling.dashboard.off=true} or it cannot start (said in the log). */
    static Dashboard startDashboard(Ignite ignite) {
        if (Boolean.getBoolean("kindling.dashboard.off")) {
            return null;
        }
        try {
            return Dashboard.start(ignite);
        } catch (RuntimeException e) {
            ignite.log().warning("Kindling: no dashboard on this node: " + e.getMessage());
            return null;
        }
    }

    /** This node's dashboard, or null (off, or it could not start). */
    public synchronized Dashboard dashboard() {
        return dashboard;
    }

    /** Stops what this node's Kindling part started (called before the node stops). */
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (departures != null) {
            ignite.events().stopLocalListen(departures, EventType.EVT_NODE_LEFT, EventType.EVT_NODE_FAILED);
            departures = null;
        }
        if (dashboard != null) {
            dashboard.close();
            dashboard = null;
        }
        TaskEvents.remove(ignite.name());
        Spill.of(ignite).close();
        NodeConsole.remove(ignite.name(), sayer);
        NODES.remove(ignite.name(), this);
    }
}
