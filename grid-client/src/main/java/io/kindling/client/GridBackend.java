package io.kindling.client;

import io.kindling.graph.Key;
import io.kindling.grid.internal.CancelReport;
import io.kindling.grid.internal.GridBatch;
import io.kindling.grid.internal.Outcome;
import io.kindling.grid.internal.TopologySnapshot;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * How a client reaches the cluster: a thick client (an Ignite node in this JVM) or a thin one
 * (Ignite's thin protocol to a Kindling service on the servers). The client's scheduling is the
 * same over both; only these operations differ.
 *
 * <p>Errors: every method turns what Ignite throws into a {@link ClusterUnavailableException}
 * naming the operation, and every blocking call waits at most the given or the backend's
 * operation timeout ({@link ClientCore#OPERATION_TIMEOUT_MILLIS}).
 */
interface GridBackend extends AutoCloseable {
    /** A name for messages: the Ignite instance, or the thin-client addresses. */
    String name();

    Topology topology();

    /** Reads the topology again now and returns it; throws {@link ClusterUnavailableException} if the cluster cannot be reached. */
    TopologySnapshot refresh();

    /** The Ignite node of a thick client (its leaving the cluster is the client's death), or null. */
    UUID clientNode();

    /** Runs a batch on {@code node}; the future may complete on any thread. */
    CompletableFuture<List<Outcome>> run(String node, GridBatch batch);

    /** Runs {@code function} once on each of {@code nodes} ({@link io.kindling.grid.internal.NodeRun}). */
    CompletableFuture<List<io.kindling.grid.internal.NodeRun.Result>> runOn(Collection<String> nodes,
            io.kindling.graph.Fn0<?> function);

    /** Cancels tasks of a batch running on {@code node}. */
    CompletableFuture<CancelReport> cancel(String node, String client, long batch, List<Key> keys);

    /** The values stored at {@code locations}; a location without a value is left out. */
    Map<Location, Object> getAll(Collection<Location> locations);

    /** Stores values (each location once). */
    void putAll(Map<Location, Object> values);

    /**
     * Asks every server to spill values to disk so that {@code bytes} more fit in its memory
     * ({@link io.kindling.grid.internal.Spill#makeRoom}), for a store that found memory full; within a
     * bound, and silent if a node cannot.
     */
    void makeRoom(long bytes);

    void removeAll(Collection<Location> locations, long timeoutMillis);

    /** Removes without waiting; failures are ignored (the data is unreachable either way). */
    void removeAllAsync(Collection<Location> locations);

    /** Waits at most {@code timeoutMillis} for the removals {@link #removeAllAsync} started. */
    void awaitRemovals(long timeoutMillis);

    /** Which of {@code locations} hold a value, asked within {@code timeoutMillis}. */
    Set<Location> present(Collection<Location> locations, long timeoutMillis);

    /** The nodes that hold {@code partition} of data cache {@code cache}: its primary, then its backups. */
    Set<String> holders(String cache, int partition);

    /** Makes sure the data cache for values with {@code replicas} copies exists. */
    void createDataCache(int replicas);

    /**
     * Makes the cluster know the class of {@code sample} (and of what it holds) before a batch
     * carries it, the first time this client meets that class; best effort, a no-op where the
     * servers do the marshalling (the thin client).
     */
    default void introduce(Object sample) {
    }

    /**
     * Kindling's shared table {@code name} ({@link io.kindling.grid.internal.Claims}), created if
     * the cluster lacks it.
     */
    <V> SharedTable<V> table(String name);

    /**
     * Writes {@code record} under each of {@code keys} of the shared key table that has no record,
     * atomically per key; returns the records found under the others.
     */
    Map<String, byte[]> claimKeys(Set<String> keys, byte[] record);

    /** Which of {@code clients} hold a lease now. */
    Set<String> leased(Collection<String> clients);

    /** How many values the data caches hold, cluster-wide. */
    long dataSize();

    /**
     * Writes this client's lease, to expire after {@code millis} unless written again (see
     * {@code Leases}); with {@code await}, waits until it is written (bounded), otherwise does not wait.
     */
    void renewLease(String clientId, long millis, boolean await);

    /** Removes this client's lease (it is closing, its data deleted). */
    void dropLease(String clientId);

    /** Tells the servers' dashboards what this client still waits for (best effort). */
    void publishPending(String clientId, Map<String, Long> pendingByFunction);

    /** Releases what the backend opened for this client (not the cluster). */
    @Override
    void close();
}
