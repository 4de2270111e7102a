package io.kindling.client;

import io.kindling.graph.Key;
import io.kindling.grid.internal.CancelReport;
import io.kindling.grid.internal.GridBatch;
import io.kindling.grid.internal.KindlingGrid;
import io.kindling.grid.internal.KindlingService;
import io.kindling.grid.internal.NodeWork;
import io.kindling.grid.internal.Outcome;
import io.kindling.grid.internal.TopologySnapshot;
import org.apache.ignite.cache.CachePeekMode;
import org.apache.ignite.cache.affinity.AffinityKey;
import org.apache.ignite.client.ClientCache;
import org.apache.ignite.client.IgniteClient;
import org.apache.ignite.client.IgniteClientFuture;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ModifiedExpiryPolicy;

/**
 * A client over Ignite's thin protocol. Thin clients cannot send code, so batches go to the
 * {@link KindlingService} of the node that should run them (a service proxy over that one node,
 * which the thin client reaches directly since it connects to every server), and that node runs
 * them as a thick client's job would. Data calls use the thin cache API and its futures
 * ({@code IgniteClientFuture}), each waited for within a bound. Service proxies are synchronous,
 * so batches in flight each hold a thread of this backend's pool, which stops on close. Batches
 * use a second connection whose calls have no timeout (the thin protocol's call timeout would
 * fail every task that runs longer); everything else keeps the configured bound.
 */
final class ThinBackend implements GridBackend {
    private static final AtomicInteger BACKENDS = new AtomicInteger();

    private final IgniteClient client;
    /** A second connection, without the call timeout, for batches: tasks may run for as long as they need. */
    private final IgniteClient batches;
    private final String name;
    private final Removals removals = new Removals();
    private final Map<String, ClientCache<AffinityKey<String>, Object>> caches = new ConcurrentHashMap<>();
    private final ClientCache<String, Boolean> leases;
    private final Map<String, SharedTable<?>> tables = new ConcurrentHashMap<>();
    private final SnapshotTopology topology;
    private final KindlingService anyNode;
    private final ExecutorService calls;
    private final Map<UUID, KindlingService> proxies = new ConcurrentHashMap<>();
    private final Map<UUID, KindlingService> controls = new ConcurrentHashMap<>();
    private final Map<UUID, KindlingService> reads = new ConcurrentHashMap<>();

    ThinBackend(IgniteClient client, IgniteClient batches, String name) {
        this.client = client;
        this.batches = batches;
        this.name = name;
        this.leases = client.cache(KindlingGrid.LEASE_CACHE);
        this.anyNode = client.services(client.cluster().forServers()).serviceProxy(KindlingService.NAME,
                KindlingService.class, ClientCore.CONTROL_TIMEOUT_MILLIS);
        this.topology = new SnapshotTopology(anyNode::topology);
        int n = BACKENDS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.calls = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "kindling-thin-" + n + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Topology topology() {
        return topology;
    }

    @Override
    public TopologySnapshot refresh() {
        topology.invalidate();
        try {
            return topology.snapshot();
        } catch (RuntimeException e) {
            throw GridErrors.unavailable("read the cluster's topology", e);
        }
    }

    @Override
    public UUID clientNode() {
        return null;
    }

    private ClientCache<AffinityKey<String>, Object> cache(String cacheName) {
        return caches.computeIfAbsent(cacheName, client::cache);
    }

    @Override
    public CompletableFuture<List<Outcome>> run(String node, GridBatch batch) {
        UUID id = topology.snapshot().nodeIds().get(node);
        if (id == null) {
            return CompletableFuture.failedFuture(new ClusterUnavailableException("node " + node
                    + " left the cluster before its tasks were sent", null));
        }
        KindlingService proxy = proxies.computeIfAbsent(id, i -> batches.services(batches.cluster().forNodeId(i))
                .serviceProxy(KindlingService.NAME, KindlingService.class));
        return CompletableFuture.supplyAsync(() -> {
            try {
                return proxy.run(batch).list();
            } catch (RuntimeException e) {
                topology.invalidate();
                proxies.remove(id);
                throw e;
            }
        }, calls);
    }

    @Override
    public CompletableFuture<List<io.kindling.grid.internal.NodeRun.Result>> runOn(Collection<String> nodes,
            io.kindling.graph.Fn0<?> function) {
        List<CompletableFuture<io.kindling.grid.internal.NodeRun.Result>> each = new java.util.ArrayList<>();
        for (String n : nodes) {
            UUID id = topology.snapshot().nodeIds().get(n);
            if (id == null) {
                continue;
            }
            KindlingService proxy = proxies.computeIfAbsent(id, i -> batches.services(batches.cluster().forNodeId(i))
                    .serviceProxy(KindlingService.NAME, KindlingService.class));
            each.add(CompletableFuture.supplyAsync(() -> proxy.runHere(function), calls));
        }
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<io.kindling.grid.internal.NodeRun.Result> out = new java.util.ArrayList<>();
            for (CompletableFuture<io.kindling.grid.internal.NodeRun.Result> f : each) {
                out.add(f.join());
            }
            return out;
        });
    }

    @Override
    public CompletableFuture<CancelReport> cancel(String node, String clientId, long batch, List<Key> keys) {
        UUID id = topology.snapshot().nodeIds().get(node);
        if (id == null) {
            return CompletableFuture.completedFuture(null);
        }
        KindlingService proxy = controls.computeIfAbsent(id, i -> client.services(client.cluster().forNodeId(i))
                .serviceProxy(KindlingService.NAME, KindlingService.class,
                        NodeWork.graceMillis() + ClientCore.CONTROL_TIMEOUT_MILLIS));
        return CompletableFuture.supplyAsync(() -> proxy.cancel(clientId, batch, keys), calls);
    }

    private static <T> T await(IgniteClientFuture<T> future, long timeoutMillis, String operation) {
        return GridErrors.await(future, timeoutMillis, operation);
    }

    @Override
    public Map<Location, Object> getAll(Collection<Location> locations) {
        Map<Location, Object> out = new HashMap<>();
        for (Map.Entry<String, Set<AffinityKey<String>>> c : Location.keysByCache(locations).entrySet()) {
            Map<AffinityKey<String>, Object> got = await(cache(c.getKey()).getAllAsync(c.getValue()),
                    ClientCore.OPERATION_TIMEOUT_MILLIS, "read values from the cluster");
            resolveSpilled(got);
            got.forEach((k, v) -> out.put(Location.of(c.getKey(), k), v));
        }
        return out;
    }

    /**
     * Replaces each spilled value's stand-in by the value, read through the Kindling service of
     * the node that wrote it; drops those whose node left (they count as lost).
     */
    private void resolveSpilled(Map<AffinityKey<String>, Object> got) {
        for (java.util.Iterator<Map.Entry<AffinityKey<String>, Object>> i = got.entrySet().iterator(); i.hasNext(); ) {
            Map.Entry<AffinityKey<String>, Object> e = i.next();
            if (!(e.getValue() instanceof io.kindling.grid.internal.Spilled s)) {
                continue;
            }
            if (client.cluster().node(s.nodeId()) == null) {
                i.remove();
                continue;
            }
            KindlingService proxy = reads.computeIfAbsent(s.nodeId(), id -> client.services(client.cluster()
                    .forNodeId(id)).serviceProxy(KindlingService.NAME, KindlingService.class,
                    ClientCore.OPERATION_TIMEOUT_MILLIS));
            Object value;
            try {
                value = proxy.readSpilled(s.id());
            } catch (RuntimeException failed) {
                reads.remove(s.nodeId());
                if (client.cluster().node(s.nodeId()) == null) {
                    i.remove();
                    continue;
                }
                throw GridErrors.unavailable("read a value that node " + s.node() + " spilled to disk", failed);
            }
            if (value == null) {
                i.remove();
            } else {
                e.setValue(value);
            }
        }
    }

    @Override
    public void makeRoom(long bytes) {
        try {
            anyNode.makeRoom(bytes, ClientCore.CONTROL_TIMEOUT_MILLIS - 2_000);
        } catch (RuntimeException e) {
            // a node that cannot spill now: the store that follows decides
        }
    }

    @Override
    public void putAll(Map<Location, Object> values) {
        Map<String, Map<AffinityKey<String>, Object>> byCache = Location.valuesByCache(values);
        for (Map.Entry<String, Map<AffinityKey<String>, Object>> c : byCache.entrySet()) {
            try {
                await(cache(c.getKey()).putAllAsync(c.getValue()), ClientCore.OPERATION_TIMEOUT_MILLIS,
                        "store values in the cluster");
            } catch (ClusterUnavailableException e) {
                if (io.kindling.grid.internal.DataMemory.isFull(e)) {
                    throw new io.kindling.grid.DataMemoryFullException("a value did not fit in a node's data memory", e);
                }
                throw e;
            }
        }
    }

    @Override
    public void removeAll(Collection<Location> locations, long timeoutMillis) {
        for (Map.Entry<String, Set<AffinityKey<String>>> c : Location.keysByCache(locations).entrySet()) {
            await(cache(c.getKey()).removeAllAsync(c.getValue()), timeoutMillis, "remove values from the cluster");
        }
    }

    @Override
    public void removeAllAsync(Collection<Location> locations) {
        try {
            for (Map.Entry<String, Set<AffinityKey<String>>> c : Location.keysByCache(locations).entrySet()) {
                removals.started(cache(c.getKey()).removeAllAsync(c.getValue()).toCompletableFuture());
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
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Map<Location, IgniteClientFuture<Boolean>> asked = new HashMap<>();
        for (Location l : locations) {
            asked.put(l, cache(l.cache()).containsKeyAsync(l.cacheKey()));
        }
        Set<Location> out = new HashSet<>();
        for (Map.Entry<Location, IgniteClientFuture<Boolean>> a : asked.entrySet()) {
            long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            if (await(a.getValue(), left, "look up values in the cluster")) {
                out.add(a.getKey());
            }
        }
        return out;
    }

    @Override
    public Set<String> holders(String cache, int partition) {
        try {
            return new LinkedHashSet<>(anyNode.holders(cache, partition));
        } catch (RuntimeException e) {
            throw GridErrors.unavailable("read where values are", e);
        }
    }

    @Override
    public void createDataCache(int replicas) {
        try {
            anyNode.createDataCache(replicas);
        } catch (RuntimeException e) {
            if (io.kindling.grid.internal.DataMemory.isFull(e)) {
                throw GridErrors.noRoomForCache(e);
            }
            throw GridErrors.unavailable("create the data cache for " + replicas + " replica(s)", e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> SharedTable<V> table(String tableName) {
        return (SharedTable<V>) tables.computeIfAbsent(tableName, n -> {
            try {
                anyNode.createTable(n);
                return SharedTable.over(client.<String, V>cache(n));
            } catch (RuntimeException e) {
                throw GridErrors.unavailable("open Kindling's table " + n, e);
            }
        });
    }

    @Override
    public Map<String, byte[]> claimKeys(Set<String> keys, byte[] record) {
        if (keys.isEmpty()) {
            return Map.of();
        }
        try {
            return anyNode.claimKeys(new java.util.HashSet<>(keys), record);
        } catch (RuntimeException e) {
            throw GridErrors.unavailable("claim shared keys", e);
        }
    }

    @Override
    public Set<String> leased(Collection<String> clients) {
        return clients.isEmpty() ? Set.of() : new HashSet<>(await(leases.getAllAsync(new HashSet<>(clients)),
                ClientCore.CONTROL_TIMEOUT_MILLIS, "read client leases").keySet());
    }

    @Override
    public long dataSize() {
        long n = 0;
        for (String cacheName : client.cacheNames()) {
            if (KindlingGrid.replicasOf(cacheName) >= 0) {
                n += cache(cacheName).size(CachePeekMode.PRIMARY);
            }
        }
        return n;
    }

    @Override
    public void publishPending(String clientId, Map<String, Long> pendingByFunction) {
        try {
            anyNode.publishPending(clientId, pendingByFunction);
        } catch (RuntimeException e) {
            // the dashboards are a view: a client must not fail because it cannot update them
        }
    }

    @Override
    public void renewLease(String clientId, long millis, boolean wait) {
        IgniteClientFuture<Void> put = leases.withExpirePolicy(new ModifiedExpiryPolicy(new Duration(TimeUnit.MILLISECONDS,
                millis))).putAsync(clientId, Boolean.TRUE);
        if (wait) {
            await(put, ClientCore.CONTROL_TIMEOUT_MILLIS, "take a lease in the cluster");
        }
    }

    @Override
    public void dropLease(String clientId) {
        await(leases.removeAsync(clientId), ClientCore.CONTROL_TIMEOUT_MILLIS, "drop this client's lease");
    }

    @Override
    public void close() {
        calls.shutdownNow();
        batches.close();
        client.close();
    }
}
