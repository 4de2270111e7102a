package io.kindling.grid;

import io.kindling.grid.dashboard.PendingTasks;
import org.apache.ignite.Ignite;
import org.apache.ignite.cache.affinity.Affinity;
import org.apache.ignite.cache.affinity.AffinityKey;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.resources.IgniteInstanceResource;
import org.apache.ignite.services.Service;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@link KindlingService} on a server node (public: Ignite calls it by reflection). */
public final class KindlingServiceImpl implements Service, KindlingService {
    private static final long serialVersionUID = 1L;

    @IgniteInstanceResource
    private transient Ignite ignite;
    private transient CountDownLatch cancelled;

    @Override
    public void init() {
        cancelled = new CountDownLatch(1);
    }

    /** Runs the lease reaper on this node until the service is cancelled (the node stops). */
    @Override
    public void execute() {
        try {
            while (!cancelled.await(Leases.reaperMillis(), TimeUnit.MILLISECONDS)) {
                try {
                    Leases.reap(ignite);
                } catch (RuntimeException e) {
                    // the node is stopping, or a cache is being rebalanced: try again next round
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void cancel() {
        CountDownLatch c = cancelled;
        if (c != null) {
            c.countDown();
        }
    }

    @Override
    public List<Outcome> run(List<TaskSpec> tasks) {
        return RunTasks.run(ignite, tasks);
    }

    @Override
    public void publishPending(String client, Map<String, Long> pendingByFunction) {
        PendingTasks.publish(ignite, client, pendingByFunction);
    }

    @Override
    public TopologySnapshot topology() {
        long version = ignite.cluster().topologyVersion();
        Affinity<AffinityKey<String>> affinity = ignite.affinity(KindlingGrid.DATA_CACHE);
        List<ClusterNode> servers = new ArrayList<>(ignite.cluster().forServers().nodes());
        servers.sort(Comparator.comparing(n -> String.valueOf(n.consistentId())));
        List<String> nodes = new ArrayList<>();
        Map<String, UUID> ids = new HashMap<>();
        Map<String, Integer> slots = new HashMap<>();
        for (ClusterNode n : servers) {
            String id = String.valueOf(n.consistentId());
            nodes.add(id);
            ids.put(id, n.id());
            Object threads = n.attribute(NodeConfig.THREADS_ATTRIBUTE);
            slots.put(id, threads != null ? Integer.parseInt(threads.toString()) : Math.max(1, n.metrics().getTotalCpus()));
        }
        String[] owners = new String[affinity.partitions()];
        for (int p = 0; p < owners.length; p++) {
            ClusterNode n = affinity.mapPartitionToNode(p);
            owners[p] = n == null ? null : String.valueOf(n.consistentId());
        }
        return new TopologySnapshot(version, nodes, ids, slots, owners);
    }
}
