package io.kindling.grid.internal;

import io.kindling.grid.KindlingNode;

import io.kindling.graph.Key;
import io.kindling.grid.internal.PendingTasks;
import org.apache.ignite.Ignite;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.resources.IgniteInstanceResource;
import org.apache.ignite.services.Service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    /**
     * Runs the lease reaper on this node until the service is cancelled (the node stops), saying
     * on the node's console what it reclaimed, and counts what the node holds ({@link NodeHoldings}).
     */
    @Override
    public void execute() {
        try {
            int orphans = Spill.of(ignite).sweepOrphans();
            if (orphans > 0) {
                NodeConsole.say(ignite, "deleted the spill directories of " + orphans
                        + (orphans == 1 ? " node" : " nodes") + " that died without deleting them");
            }
            long round = System.nanoTime();
            while (!cancelled.await(SPILL_CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
                Spill spill = Spill.of(ignite);
                try {
                    if (spill.aboveTarget()) {
                        spill.makeRoom(0);
                    }
                } catch (RuntimeException e) {
                    // the node is stopping: the loop ends with the service
                }
                LargeGarbage.collectIfDue();
                if (System.nanoTime() - round < TimeUnit.MILLISECONDS.toNanos(Leases.reaperMillis())) {
                    continue;
                }
                round = System.nanoTime();
                try {
                    Map<String, Integer> reclaimed = Leases.reap(ignite);
                    reclaimed.forEach((client, n) -> NodeConsole.say(ignite, "reclaimed " + n
                            + (n == 1 ? " value" : " values") + " of client " + client
                            + ", whose lease ran out (it died, or lost the cluster for " + Leases.leaseMillis() / 1000 + " s)"));
                    NodeHoldings.publish(ignite);
                    DecodedValues.of(ignite).dropDeleted();
                    spill.dropDeleted();
                } catch (RuntimeException e) {
                    // the node is stopping, or a cache is being rebalanced: try again next round
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How often the node looks whether its memory is past the spill threshold. */
    private static final long SPILL_CHECK_MILLIS = 100;

    @Override
    public void cancel() {
        CountDownLatch c = cancelled;
        if (c != null) {
            c.countDown();
        }
    }

    @Override
    public Outcomes run(GridBatch batch) {
        return new Outcomes(RunTasks.run(ignite, batch));
    }

    @Override
    public Object readSpilled(long id) {
        return Spill.of(ignite).readLocal(id);
    }

    @Override
    public void makeRoom(long bytes, long timeoutMillis) {
        SpillCalls.makeRoomEverywhere(ignite, bytes, timeoutMillis);
    }

    @Override
    public CancelReport cancel(String client, long batch, List<Key> keys) {
        return NodeWork.of(ignite).cancel(client, batch, keys);
    }

    @Override
    public List<String> holders(String cache, int partition) {
        List<String> out = new ArrayList<>();
        for (ClusterNode n : ignite.affinity(cache).mapPartitionToPrimaryAndBackups(partition)) {
            out.add(String.valueOf(n.consistentId()));
        }
        return out;
    }

    @Override
    public NodeRun.Result runHere(io.kindling.graph.Fn0<?> function) {
        return NodeRun.on(ignite, function);
    }

    @Override
    public void createDataCache(int replicas) {
        KindlingGrid.dataCache(ignite, KindlingGrid.dataCacheName(replicas));
    }

    @Override
    public void createTable(String name) {
        Claims.table(ignite, name);
    }

    @Override
    public Map<String, byte[]> claimKeys(java.util.Set<String> keys, byte[] record) {
        return ClaimKeys.claim(Claims.table(ignite, Claims.KEYS), keys, record);
    }

    @Override
    public void publishPending(String client, Map<String, Long> pendingByFunction) {
        PendingTasks.publish(ignite, client, pendingByFunction);
    }

    @Override
    public TopologySnapshot topology() {
        return TopologySnapshot.of(ignite);
    }
}
