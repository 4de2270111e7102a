package io.kindling.client;

import io.kindling.grid.KindlingGrid;
import io.kindling.grid.NodeConfig;
import org.apache.ignite.Ignite;
import org.apache.ignite.cache.affinity.Affinity;
import org.apache.ignite.cache.affinity.AffinityKey;
import org.apache.ignite.cluster.ClusterNode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link Topology} of a live cluster, read from Ignite's affinity and recomputed whenever the
 * topology version changes (a node joined or left), so placement questions cost a lookup.
 */
final class IgniteTopology implements Topology {
    private final Ignite ignite;
    private volatile Snapshot snapshot;

    private record Snapshot(long version, List<String> nodes, Map<String, ClusterNode> byId, String[] owners,
            Map<String, int[]> partitions, Map<String, Integer> slots) {
    }

    IgniteTopology(Ignite ignite) {
        this.ignite = ignite;
    }

    private Snapshot current() {
        long version = ignite.cluster().topologyVersion();
        Snapshot s = snapshot;
        if (s != null && s.version == version) {
            return s;
        }
        Affinity<AffinityKey<String>> affinity = ignite.affinity(KindlingGrid.DATA_CACHE);
        Collection<ClusterNode> servers = ignite.cluster().forServers().nodes();
        List<ClusterNode> sorted = new ArrayList<>(servers);
        sorted.sort(Comparator.comparing(n -> String.valueOf(n.consistentId())));
        List<String> ids = new ArrayList<>();
        Map<String, ClusterNode> byId = new HashMap<>();
        Map<String, int[]> partitions = new HashMap<>();
        Map<String, Integer> slots = new HashMap<>();
        for (ClusterNode n : sorted) {
            String id = String.valueOf(n.consistentId());
            ids.add(id);
            byId.put(id, n);
            partitions.put(id, affinity.primaryPartitions(n));
            Object threads = n.attribute(NodeConfig.THREADS_ATTRIBUTE);
            slots.put(id, threads != null ? Integer.parseInt(threads.toString()) : Math.max(1, n.metrics().getTotalCpus()));
        }
        String[] owners = new String[affinity.partitions()];
        for (int p = 0; p < owners.length; p++) {
            ClusterNode n = affinity.mapPartitionToNode(p);
            owners[p] = n == null ? null : String.valueOf(n.consistentId());
        }
        s = new Snapshot(version, List.copyOf(ids), byId, owners, partitions, slots);
        snapshot = s;
        return s;
    }

    @Override
    public List<String> nodes() {
        return current().nodes;
    }

    @Override
    public String nodeOf(int partition) {
        String[] owners = current().owners;
        return partition < 0 || partition >= owners.length ? null : owners[partition];
    }

    @Override
    public int partitionOn(String node, int hash) {
        int[] parts = current().partitions.get(node);
        return parts == null || parts.length == 0 ? -1 : parts[Math.floorMod(hash, parts.length)];
    }

    @Override
    public int slots(String node) {
        return current().slots.getOrDefault(node, 1);
    }

    /** The live node with this consistent id, or null. */
    ClusterNode node(String id) {
        return current().byId.get(id);
    }
}
