package io.kindling.client;

import io.kindling.grid.KindlingGrid;
import io.kindling.grid.KindlingService;
import io.kindling.grid.Outcome;
import io.kindling.grid.TaskSpec;
import io.kindling.grid.TopologySnapshot;
import org.apache.ignite.cache.CachePeekMode;
import org.apache.ignite.cache.affinity.AffinityKey;
import org.apache.ignite.client.ClientCache;
import org.apache.ignite.client.IgniteClient;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ModifiedExpiryPolicy;

/**
 * A client over Ignite's thin protocol. Thin clients cannot send code, so batches go to the
 * {@link KindlingService} of the node that should run them (a service proxy over that one node,
 * which the thin client reaches directly since it connects to every server), and that node runs
 * them as a thick client's job would. Data calls use the thin cache API; its futures
 * ({@code IgniteClientFuture}) back removals. Service proxies are synchronous, so batches in
 * flight each hold a thread of this backend's pool, which stops on close.
 */
final class ThinBackend implements GridBackend {
    private static final AtomicInteger BACKENDS = new AtomicInteger();

    private final IgniteClient client;
    private final String name;
    private final ClientCache<AffinityKey<String>, Object> data;
    private final ClientCache<String, Boolean> leases;
    private final SnapshotTopology topology;
    private final KindlingService anyNode;
    private final ExecutorService calls;
    private final Map<UUID, KindlingService> proxies = new ConcurrentHashMap<>();

    ThinBackend(IgniteClient client, String name) {
        this.client = client;
        this.name = name;
        this.data = client.cache(KindlingGrid.DATA_CACHE);
        this.leases = client.cache(KindlingGrid.LEASE_CACHE);
        this.anyNode = client.services(client.cluster().forServers()).serviceProxy(KindlingService.NAME,
                KindlingService.class);
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
    public CompletableFuture<List<Outcome>> run(String node, List<TaskSpec> specs) {
        TopologySnapshot snapshot = topology.snapshot();
        UUID id = snapshot.nodeIds().get(node);
        if (id == null) {
            return CompletableFuture.failedFuture(new ClusterUnavailableException("node " + node
                    + " left the cluster before its tasks were sent", null));
        }
        KindlingService proxy = proxies.computeIfAbsent(id, i -> client.services(client.cluster().forNodeId(i))
                .serviceProxy(KindlingService.NAME, KindlingService.class));
        return CompletableFuture.supplyAsync(() -> {
            try {
                return proxy.run(specs);
            } catch (RuntimeException e) {
                topology.invalidate();
                proxies.remove(id);
                throw e;
            }
        }, calls);
    }

    @Override
    public Map<AffinityKey<String>, Object> getAll(Set<AffinityKey<String>> keys) {
        return data.getAll(keys);
    }

    @Override
    public void putAll(Map<AffinityKey<String>, Object> values) {
        data.putAll(values);
    }

    @Override
    public void removeAll(Set<AffinityKey<String>> keys) {
        data.removeAll(keys);
    }

    @Override
    public void removeAllAsync(Set<AffinityKey<String>> keys) {
        data.removeAllAsync(keys);
    }

    @Override
    public Set<String> holders(int partition) {
        String owner = topology.nodeOf(partition);
        return owner == null ? Set.of() : Set.of(owner);
    }

    @Override
    public long dataSize() {
        return data.size(CachePeekMode.PRIMARY);
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
    public void renewLease(String clientId, long millis) {
        leases.withExpirePolicy(new ModifiedExpiryPolicy(new Duration(TimeUnit.MILLISECONDS, millis))).put(clientId, Boolean.TRUE);
    }

    @Override
    public void dropLease(String clientId) {
        leases.remove(clientId);
    }

    @Override
    public void close() {
        calls.shutdownNow();
        client.close();
    }
}
