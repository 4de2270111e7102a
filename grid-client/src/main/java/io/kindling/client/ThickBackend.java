package io.kindling.client;

import io.kindling.grid.KindlingGrid;
import io.kindling.grid.Outcome;
import io.kindling.grid.RunTasks;
import io.kindling.grid.TaskSpec;
import io.kindling.grid.TopologySnapshot;
import io.kindling.grid.dashboard.PendingTasks;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.IgniteCompute;
import org.apache.ignite.cache.CachePeekMode;
import org.apache.ignite.cache.affinity.AffinityKey;
import org.apache.ignite.cluster.ClusterNode;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ModifiedExpiryPolicy;

/** A client that is an Ignite node (thick client, or a server the application owns): compute jobs and cache calls. */
final class ThickBackend implements GridBackend {
    private final Ignite ignite;
    private final IgniteCache<AffinityKey<String>, Object> data;
    private final SnapshotTopology topology;
    private final Map<java.util.UUID, IgniteCompute> computes = new java.util.concurrent.ConcurrentHashMap<>();

    ThickBackend(Ignite ignite) {
        this.ignite = ignite;
        this.data = KindlingGrid.dataCache(ignite);
        this.topology = new SnapshotTopology(() -> TopologySnapshot.of(ignite), () -> ignite.cluster().topologyVersion());
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
    public CompletableFuture<List<Outcome>> run(String nodeId, List<TaskSpec> specs) {
        CompletableFuture<List<Outcome>> out = new CompletableFuture<>();
        java.util.UUID id = topology.snapshot().nodeIds().get(nodeId);
        ClusterNode node = id == null ? null : ignite.cluster().node(id);
        if (node == null) {
            out.completeExceptionally(new ClusterUnavailableException("node " + nodeId
                    + " left the cluster before its tasks were sent", null));
            return out;
        }
        computeOn(node).callAsync(new RunTasks(specs)).listen(done -> {
            try {
                out.complete(done.get());
            } catch (RuntimeException e) {
                out.completeExceptionally(e);
            }
        });
        return out;
    }

    /**
     * The compute facade for one node, kept while the node lives: building a cluster group and a
     * facade per batch showed in round-trip latency. No failover: a batch whose node left is
     * reported as failed, and the client decides.
     */
    private IgniteCompute computeOn(ClusterNode node) {
        return computes.computeIfAbsent(node.id(), id -> ignite.compute(ignite.cluster().forNode(node)).withNoFailover());
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
        Set<String> nodes = new LinkedHashSet<>();
        for (ClusterNode n : ignite.affinity(KindlingGrid.DATA_CACHE).mapPartitionToPrimaryAndBackups(partition)) {
            nodes.add(String.valueOf(n.consistentId()));
        }
        return nodes;
    }

    @Override
    public long dataSize() {
        return data.sizeLong(CachePeekMode.PRIMARY);
    }

    @Override
    public void publishPending(String clientId, Map<String, Long> pendingByFunction) {
        PendingTasks.publish(ignite, clientId, pendingByFunction);
    }

    @Override
    public void renewLease(String clientId, long millis) {
        KindlingGrid.leaseCache(ignite).withExpiryPolicy(new ModifiedExpiryPolicy(new Duration(TimeUnit.MILLISECONDS, millis)))
                .put(clientId, Boolean.TRUE);
    }

    @Override
    public void dropLease(String clientId) {
        KindlingGrid.leaseCache(ignite).remove(clientId);
    }

    @Override
    public void close() {
    }
}
