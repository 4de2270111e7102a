package io.kindling.grid.internal;


import org.apache.ignite.Ignite;
import org.apache.ignite.cache.affinity.Affinity;
import org.apache.ignite.cache.affinity.AffinityKey;
import org.apache.ignite.cluster.ClusterNode;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The cluster as placement sees it, for clients that cannot ask Ignite's affinity themselves
 * (thin clients): the server nodes by consistent id, their node ids and task slots, and the
 * primary node of every partition of the data cache, at one topology version. (A class rather
 * than a record: Ignite's binary marshaller cannot write records.)
 */
public final class TopologySnapshot implements Serializable {
    private static final long serialVersionUID = 1L;
    /**
     * The node attribute in which every Ignite node publishes the total maximum size of its data
     * regions (Ignite's {@code IgniteNodeAttributes.ATTR_DATA_REGIONS_OFFHEAP_SIZE}, named here to
     * stay off Ignite's internal API).
     */
    static final String DATA_MEMORY_ATTRIBUTE = "org.apache.ignite.data.regions.offheap.size";

    private final long version;
    private final List<String> nodes;
    private final Map<String, UUID> nodeIds;
    private final Map<String, Integer> slots;
    private final String[] owners;
    private final Map<String, Map<String, Double>> resources;
    private final Map<String, Long> memory;
    private final Map<String, Long> heap;

    public TopologySnapshot(long version, List<String> nodes, Map<String, UUID> nodeIds, Map<String, Integer> slots,
            String[] owners, Map<String, Map<String, Double>> resources, Map<String, Long> memory,
            Map<String, Long> heap) {
        this.version = version;
        this.nodes = nodes;
        this.nodeIds = nodeIds;
        this.slots = slots;
        this.owners = owners;
        this.resources = resources;
        this.memory = memory;
        this.heap = heap;
    }

    /** The cluster of {@code ignite} now: its servers sorted by consistent id, and the data cache's owners. */
    public static TopologySnapshot of(Ignite ignite) {
        long version = ignite.cluster().topologyVersion();
        Affinity<AffinityKey<String>> affinity = ignite.affinity(KindlingGrid.DATA_CACHE);
        List<ClusterNode> servers = new ArrayList<>(ignite.cluster().forServers().nodes());
        servers.sort(Comparator.comparing(n -> String.valueOf(n.consistentId())));
        List<String> nodes = new ArrayList<>();
        Map<String, UUID> ids = new HashMap<>();
        Map<String, Integer> slots = new HashMap<>();
        Map<String, Map<String, Double>> resources = new HashMap<>();
        Map<String, Long> memory = new HashMap<>();
        Map<String, Long> heap = new HashMap<>();
        for (ClusterNode n : servers) {
            String id = String.valueOf(n.consistentId());
            nodes.add(id);
            ids.put(id, n.id());
            Object threads = n.attribute(NodeAttributes.THREADS);
            slots.put(id, threads != null ? Integer.parseInt(threads.toString()) : Math.max(1, n.metrics().getTotalCpus()));
            if (n.attribute(DATA_MEMORY_ATTRIBUTE) instanceof Long bytes) {
                memory.put(id, bytes);
            }
            // Ignite's node metrics, which a node brings when it joins; a JVM's largest heap does not change.
            long heapMax = n.metrics().getHeapMemoryMaximum();
            if (heapMax > 0) {
                heap.put(id, heapMax);
            }
            Map<String, Double> declared = Resources.of(n);
            if (!declared.isEmpty()) {
                resources.put(id, new HashMap<>(declared));
            }
        }
        String[] owners = new String[affinity.partitions()];
        for (int p = 0; p < owners.length; p++) {
            ClusterNode n = affinity.mapPartitionToNode(p);
            owners[p] = n == null ? null : String.valueOf(n.consistentId());
        }
        return new TopologySnapshot(version, List.copyOf(nodes), ids, slots, owners, resources, memory, heap);
    }

    /** The topology version this describes. */
    public long version() {
        return version;
    }

    /** Server nodes by consistent id, sorted. */
    public List<String> nodes() {
        return nodes;
    }

    /** The Ignite node id of each server. */
    public Map<String, UUID> nodeIds() {
        return nodeIds;
    }

    /** How many tasks each server runs at once. */
    public Map<String, Integer> slots() {
        return slots;
    }

    /** The abstract resources each server declares (servers without any are left out). */
    public Map<String, Map<String, Double>> resources() {
        return resources;
    }

    /** The most off-heap memory each server's data regions may take, in bytes (where the node says). */
    public Map<String, Long> memory() {
        return memory == null ? Map.of() : memory;
    }

    /** The largest heap of each server's JVM, in bytes (where the node says). */
    public Map<String, Long> heap() {
        return heap == null ? Map.of() : heap;
    }

    /** The consistent id of the primary node of each partition (null where none). */
    public String[] owners() {
        return owners;
    }
}
