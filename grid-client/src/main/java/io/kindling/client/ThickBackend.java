package io.kindling.client;

import io.kindling.graph.Key;
import io.kindling.grid.internal.CancelReport;
import io.kindling.grid.internal.CancelTasks;
import io.kindling.grid.internal.GridBatch;
import io.kindling.grid.internal.KindlingGrid;
import io.kindling.grid.internal.NodeWork;
import io.kindling.grid.internal.Outcome;
import io.kindling.grid.internal.RunTasks;
import io.kindling.grid.internal.TopologySnapshot;
import io.kindling.grid.internal.PendingTasks;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.IgniteCompute;
import org.apache.ignite.cache.CachePeekMode;
import org.apache.ignite.cache.affinity.AffinityKey;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.lang.IgniteFuture;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ModifiedExpiryPolicy;

/** A client that is an Ignite node (thick client, or a server the application owns): compute jobs and cache calls. */
final class ThickBackend implements GridBackend {
    private final Ignite ignite;
    private final SnapshotTopology topology;
    private final Map<String, IgniteCache<AffinityKey<String>, Object>> caches = new ConcurrentHashMap<>();
    private final Map<UUID, IgniteCompute> computes = new ConcurrentHashMap<>();
    private final Removals removals = new Removals();
    private final Map<String, SharedTable<?>> tables = new ConcurrentHashMap<>();

    ThickBackend(Ignite ignite) {
        this.ignite = ignite;
        try {
            cache(KindlingGrid.DATA_CACHE);
            // Registered now, while the cluster is healthy, not on a first send during a failure.
            io.kindling.grid.internal.WireClasses.register(ignite);
            // Every reader of the topology (Client.nodes() among them) gets a Kindling exception when the cluster is gone.
            this.topology = new SnapshotTopology(() -> readTopology(() -> TopologySnapshot.of(ignite)),
                    () -> readTopology(() -> ignite.cluster().topologyVersion()));
        } catch (RuntimeException e) {
            throw GridErrors.unavailable("reach the cluster of " + ignite.name(), e);
        }
    }

    /** {@code read} of the topology, with what Ignite throws as the Kindling exception. */
    private static <T> T readTopology(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (RuntimeException gone) {
            throw GridErrors.unavailable("read the cluster's topology", gone);
        }
    }

    Ignite ignite() {
        return ignite;
    }

    @Override
    public String name() {
        return ignite.name();
    }

    @Override
    public Topology topology() {
        return topology;
    }

    @Override
    public TopologySnapshot refresh() {
        try {
            return topology.snapshot();
        } catch (RuntimeException e) {
            throw GridErrors.unavailable("read the cluster's topology", e);
        }
    }

    @Override
    public UUID clientNode() {
        return ignite.cluster().localNode().id();
    }

    private IgniteCache<AffinityKey<String>, Object> cache(String name) {
        return caches.computeIfAbsent(name, n -> KindlingGrid.dataCache(ignite, n));
    }

    @Override
    public CompletableFuture<List<Outcome>> run(String nodeId, GridBatch batch) {
        CompletableFuture<List<Outcome>> out = new CompletableFuture<>();
        ClusterNode node = node(nodeId);
        if (node == null) {
            out.completeExceptionally(new ClusterUnavailableException("node " + nodeId
                    + " left the cluster before its tasks were sent", null));
            return out;
        }
        computeOn(node).callAsync(new RunTasks(batch)).listen(done -> {
            try {
                out.complete(done.get().list());
            } catch (RuntimeException e) {
                out.completeExceptionally(e);
            }
        });
        return out;
    }

    @Override
    public CompletableFuture<List<io.kindling.grid.internal.NodeRun.Result>> runOn(Collection<String> nodes,
            io.kindling.graph.Fn0<?> function) {
        CompletableFuture<List<io.kindling.grid.internal.NodeRun.Result>> out = new CompletableFuture<>();
        List<UUID> ids = new java.util.ArrayList<>();
        for (String n : nodes) {
            UUID id = topology.snapshot().nodeIds().get(n);
            if (id != null) {
                ids.add(id);
            }
        }
        if (ids.isEmpty()) {
            out.complete(List.of());
            return out;
        }
        try {
            ignite.compute(ignite.cluster().forNodeIds(ids)).withNoFailover()
                    .broadcastAsync(new io.kindling.grid.internal.NodeRun(function)).listen(done -> {
                        try {
                            out.complete(new java.util.ArrayList<>(done.get()));
                        } catch (RuntimeException e) {
                            out.completeExceptionally(e);
                        }
                    });
        } catch (RuntimeException e) {
            out.completeExceptionally(e);
        }
        return out;
    }

    @Override
    public CompletableFuture<CancelReport> cancel(String nodeId, String client, long batch, List<Key> keys) {
        CompletableFuture<CancelReport> out = new CompletableFuture<>();
        ClusterNode node = node(nodeId);
        if (node == null) {
            out.complete(null);
            return out;
        }
        try {
            ignite.compute(ignite.cluster().forNode(node)).withNoFailover()
                    .withTimeout(NodeWork.graceMillis() + ClientCore.CONTROL_TIMEOUT_MILLIS)
                    .callAsync(new CancelTasks(client, batch, keys)).listen(done -> complete(out, done));
        } catch (RuntimeException e) {
            out.completeExceptionally(e);
        }
        return out;
    }

    private static <T> void complete(CompletableFuture<T> out, IgniteFuture<T> done) {
        try {
            out.complete(done.get());
        } catch (RuntimeException e) {
            out.completeExceptionally(e);
        }
    }

    private ClusterNode node(String nodeId) {
        UUID id = topology.snapshot().nodeIds().get(nodeId);
        return id == null ? null : ignite.cluster().node(id);
    }

    /**
     * The compute facade for one node, kept while the node lives: building a cluster group and a
     * facade per batch showed in round-trip latency. No failover: a batch whose node left is
     * reported as failed, and the client decides.
     */
    private IgniteCompute computeOn(ClusterNode node) {
        if (computes.size() > 64) {
            computes.keySet().removeIf(id -> ignite.cluster().node(id) == null);
        }
        return computes.computeIfAbsent(node.id(), id -> ignite.compute(ignite.cluster().forNode(node)).withNoFailover());
    }

    @Override
    public Map<Location, Object> getAll(Collection<Location> locations) {
        Map<Location, Object> out = new HashMap<>();
        try {
            for (Map.Entry<String, Set<AffinityKey<String>>> c : Location.keysByCache(locations).entrySet()) {
                Map<AffinityKey<String>, Object> got = cache(c.getKey()).getAllAsync(c.getValue())
                        .get(ClientCore.OPERATION_TIMEOUT_MILLIS);
                io.kindling.grid.internal.SpillCalls.resolveAll(ignite, got, ClientCore.OPERATION_TIMEOUT_MILLIS);
                got.forEach((k, v) -> out.put(Location.of(c.getKey(), k), v));
            }
        } catch (RuntimeException e) {
            throw GridErrors.unavailable("read values from the cluster", e);
        }
        return out;
    }

    @Override
    public void makeRoom(long bytes) {
        try {
            io.kindling.grid.internal.SpillCalls.makeRoomEverywhere(ignite, bytes, ClientCore.CONTROL_TIMEOUT_MILLIS);
        } catch (RuntimeException e) {
            // a node that cannot spill now: the store that follows decides
        }
    }

    @Override
    public void putAll(Map<Location, Object> values) {
        Map<String, Map<AffinityKey<String>, Object>> byCache = Location.valuesByCache(values);
        try {
            for (Map.Entry<String, Map<AffinityKey<String>, Object>> c : byCache.entrySet()) {
                cache(c.getKey()).putAllAsync(c.getValue()).get(ClientCore.OPERATION_TIMEOUT_MILLIS);
            }
        } catch (RuntimeException e) {
            if (io.kindling.grid.internal.DataMemory.isFull(e)) {
                throw new io.kindling.grid.DataMemoryFullException("a value did not fit in a node's data memory", e);
            }
            throw GridErrors.unavailable("store values in the cluster", e);
        }
    }

    @Override
    public void removeAll(Collection<Location> locations, long timeoutMillis) {
        try {
            for (Map.Entry<String, Set<AffinityKey<String>>> c : Location.keysByCache(locations).entrySet()) {
                cache(c.getKey()).removeAllAsync(c.getValue()).get(timeoutMillis);
            }
        } catch (RuntimeException e) {
            throw GridErrors.unavailable("remove values from the cluster", e);
        }
    }

    @Override
    public void removeAllAsync(Collection<Location> locations) {
        try {
            for (Map.Entry<String, Set<AffinityKey<String>>> c : Location.keysByCache(locations).entrySet()) {
                java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
                cache(c.getKey()).removeAllAsync(c.getValue()).listen(f -> done.complete(null));
                removals.started(done);
            }
        } catch (RuntimeException e) {
            // the data is unreachable either way
        }
    }

    @Override
    public void awaitRemovals(long timeoutMillis) {
        removals.await(timeoutMillis);
    }

    @Override
    public Set<Location> present(Collection<Location> locations, long timeoutMillis) {
        Set<Location> out = new HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        try {
            Map<Location, IgniteFuture<Boolean>> asked = new HashMap<>();
            for (Location l : locations) {
                asked.put(l, cache(l.cache()).containsKeyAsync(l.cacheKey()));
            }
            for (Map.Entry<Location, IgniteFuture<Boolean>> a : asked.entrySet()) {
                long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                if (a.getValue().get(left)) {
                    out.add(a.getKey());
                }
            }
        } catch (RuntimeException e) {
            throw GridErrors.unavailable("look up values in the cluster", e);
        }
        return out;
    }

    @Override
    public Set<String> holders(String cache, int partition) {
        Set<String> nodes = new LinkedHashSet<>();
        try {
            for (ClusterNode n : ignite.affinity(cache).mapPartitionToPrimaryAndBackups(partition)) {
                nodes.add(String.valueOf(n.consistentId()));
            }
        } catch (RuntimeException e) {
            throw GridErrors.unavailable("read where values are", e);
        }
        return nodes;
    }

    /**
     * Ignite registers a class name cluster-wide the first time a node sends an object of it,
     * and a node that dies during that registration can leave it waiting for good: every later
     * send of the class then waits too (a tree reduction's first batches of its upper levels,
     * sent when a fault test kills a node, carried the function's class for the first time). So
     * the classes of a task's function and arguments are registered when the task is submitted,
     * once per class, before any batch carries them.
     */
    @Override
    public void introduce(Object sample) {
        if (sample != null && introduced.add(sample.getClass())) {
            try {
                ignite.binary().toBinary(sample);
            } catch (RuntimeException e) {
                // The batch that carries it registers it, or reports why it cannot.
                introduced.remove(sample.getClass());
            }
        }
    }

    private final Set<Class<?>> introduced = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    public void createDataCache(int replicas) {
        try {
            cache(KindlingGrid.dataCacheName(replicas));
        } catch (RuntimeException e) {
            if (io.kindling.grid.internal.DataMemory.isFull(e)) {
                throw GridErrors.noRoomForCache(e);
            }
            throw GridErrors.unavailable("create the data cache for " + replicas + " replica(s)", e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> SharedTable<V> table(String name) {
        return (SharedTable<V>) tables.computeIfAbsent(name, n -> SharedTable.over(GridErrors.await(
                CompletableFuture.supplyAsync(() -> io.kindling.grid.internal.Claims.<V>table(ignite, n)),
                ClientCore.CONTROL_TIMEOUT_MILLIS, "open Kindling's table " + n)));
    }

    @Override
    public Map<String, byte[]> claimKeys(Set<String> keys, byte[] record) {
        if (keys.isEmpty()) {
            return Map.of();
        }
        try {
            org.apache.ignite.IgniteCache<String, byte[]> table = io.kindling.grid.internal.Claims.table(ignite,
                    io.kindling.grid.internal.Claims.KEYS);
            return io.kindling.grid.internal.ClaimKeys.found(table.invokeAllAsync(keys,
                    new io.kindling.grid.internal.ClaimKeys(record)).get(ClientCore.CONTROL_TIMEOUT_MILLIS));
        } catch (RuntimeException e) {
            throw GridErrors.unavailable("claim shared keys", e);
        }
    }

    @Override
    public Set<String> leased(Collection<String> clients) {
        try {
            return clients.isEmpty() ? Set.of() : new HashSet<>(KindlingGrid.leaseCache(ignite)
                    .getAllAsync(new HashSet<>(clients)).get(ClientCore.CONTROL_TIMEOUT_MILLIS).keySet());
        } catch (RuntimeException e) {
            throw GridErrors.unavailable("read client leases", e);
        }
    }

    @Override
    public long dataSize() {
        long n = 0;
        for (String name : KindlingGrid.dataCacheNames(ignite)) {
            n += cache(name).sizeLong(CachePeekMode.PRIMARY);
        }
        return n;
    }

    @Override
    public void publishPending(String clientId, Map<String, Long> pendingByFunction) {
        PendingTasks.publish(ignite, clientId, pendingByFunction);
    }

    @Override
    public void renewLease(String clientId, long millis, boolean await) {
        IgniteFuture<Void> put = KindlingGrid.leaseCache(ignite)
                .withExpiryPolicy(new ModifiedExpiryPolicy(new Duration(TimeUnit.MILLISECONDS, millis)))
                .putAsync(clientId, Boolean.TRUE);
        if (await) {
            try {
                put.get(ClientCore.CONTROL_TIMEOUT_MILLIS);
            } catch (RuntimeException e) {
                throw GridErrors.unavailable("take a lease in the cluster", e);
            }
        }
    }

    @Override
    public void dropLease(String clientId) {
        KindlingGrid.leaseCache(ignite).removeAsync(clientId).get(ClientCore.CONTROL_TIMEOUT_MILLIS);
    }

    @Override
    public void close() {
    }
}
