package io.kindling.client;

import io.kindling.grid.Outcome;
import io.kindling.grid.TaskSpec;
import org.apache.ignite.cache.affinity.AffinityKey;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * How a client reaches the cluster: a thick client (an Ignite node in this JVM) or a thin one
 * (Ignite's thin protocol to a Kindling service on the servers). The client's scheduling is the
 * same over both; only these operations differ.
 */
interface GridBackend extends AutoCloseable {
    /** A name for messages: the Ignite instance, or the thin-client addresses. */
    String name();

    Topology topology();

    /** Runs a batch on {@code node}; the future may complete on any thread. */
    CompletableFuture<List<Outcome>> run(String node, List<TaskSpec> specs);

    Map<AffinityKey<String>, Object> getAll(Set<AffinityKey<String>> keys);

    void putAll(Map<AffinityKey<String>, Object> values);

    void removeAll(Set<AffinityKey<String>> keys);

    /** Removes without waiting; failures are ignored (the data is unreachable either way). */
    void removeAllAsync(Set<AffinityKey<String>> keys);

    /** The nodes that hold {@code partition}: its primary, then its backups. */
    Set<String> holders(int partition);

    /** How many values the data cache holds, cluster-wide. */
    long dataSize();

    /** Writes this client's lease, to expire after {@code millis} unless written again (see {@code Leases}). */
    void renewLease(String clientId, long millis);

    /** Removes this client's lease (it is closing, its data deleted). */
    void dropLease(String clientId);

    /** Tells the servers' dashboards what this client still waits for (best effort). */
    void publishPending(String clientId, Map<String, Long> pendingByFunction);

    /** Releases what the backend opened for this client (not the cluster). */
    @Override
    void close();
}
