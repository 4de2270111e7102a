package io.kindling.grid.internal;

import org.apache.ignite.Ignite;
import org.apache.ignite.lang.IgniteBiPredicate;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tasks that clients have submitted and not yet seen finish, per function: the "waiting" of
 * the dashboard's progress bars, which only clients know (a task waiting for its inputs, or ready
 * but not yet sent, has never reached a node).
 *
 * <p>A client {@link #publish publishes} its counts every second or so as an Ignite message on
 * topic {@value #TOPIC} to every node; each dashboard listens, keeps the latest counts of each
 * client, and forgets a client it has not heard from for {@value #EXPIRE_MILLIS} ms (closed or
 * gone). A message, rather than a cache, because a new cache costs a cluster-wide exchange and
 * these counts are worthless a few seconds later.
 */
public final class PendingTasks implements AutoCloseable {
    /** The Ignite message topic of pending counts. */
    public static final String TOPIC = "kindling-dashboard-pending";
    static final long EXPIRE_MILLIS = 5000;

    private final Ignite ignite;
    private final Map<String, Counts> clients = new ConcurrentHashMap<>();
    private final IgniteBiPredicate<UUID, Object> listener;

    /** One client's counts, as sent. */
    static final class Counts implements Serializable {
        private static final long serialVersionUID = 1L;
        final String client;
        final HashMap<String, Long> pending;
        transient long receivedMillis;

        Counts(String client, HashMap<String, Long> pending) {
            this.client = client;
            this.pending = pending;
        }
    }

    /**
     * Tells every node's dashboard how many tasks of each function the client {@code client} (a
     * name unique in the cluster) has not seen finish. Best effort: a cluster that cannot be
     * reached is ignored. An empty map says the client has nothing pending.
     */
    public static void publish(Ignite ignite, String client, Map<String, Long> pendingByFunction) {
        try {
            ignite.message().send(TOPIC, new Counts(client, new HashMap<>(pendingByFunction)));
        } catch (RuntimeException e) {
            // the dashboard is a view: a client must not fail because it cannot update it
        }
    }

    /** Starts listening on {@code ignite}; {@link #close} stops. */
    public PendingTasks(Ignite ignite) {
        this.ignite = ignite;
        this.listener = (node, message) -> {
            if (message instanceof Counts c) {
                c.receivedMillis = System.currentTimeMillis();
                clients.put(c.client, c);
            }
            return true;
        };
        ignite.message().localListen(TOPIC, listener);
    }

    /** The pending counts of every client heard from lately, summed per function. */
    public Map<String, Long> total() {
        long now = System.currentTimeMillis();
        clients.values().removeIf(c -> now - c.receivedMillis > EXPIRE_MILLIS);
        Map<String, Long> out = new TreeMap<>();
        for (Counts c : clients.values()) {
            c.pending.forEach((f, n) -> out.merge(f, n, Long::sum));
        }
        return out;
    }

    /** Stops listening. */
    @Override
    public void close() {
        try {
            ignite.message().stopLocalListen(TOPIC, listener);
        } catch (RuntimeException e) {
            // the node is stopping: its listeners go with it
        }
    }
}
