package io.kindling.grid.internal;

import io.kindling.graph.Key;

import java.util.List;

/**
 * The Kindling service that every server node runs (a node singleton named {@value #NAME}): the
 * entry point for thin clients, which cannot send compute jobs of their own. A thin client calls
 * it on the node that should run a batch (a service proxy over that one node), so placement by
 * affinity holds for thin clients too.
 */
public interface KindlingService {
    /** The service's name in the cluster. */
    String NAME = "kindling";

    /** Runs a batch of tasks on this node, as the compute job a thick client sends would. */
    Outcomes run(GridBatch batch);

    /** Cancels tasks of a batch that runs on this node ({@link NodeWork#cancel}). */
    CancelReport cancel(String client, long batch, List<Key> keys);

    /** Passes a thin client's pending-task counts on to every node's dashboard. */
    void publishPending(String client, java.util.Map<String, Long> pendingByFunction);

    /** The cluster's server nodes and the data cache's partition owners, now. */
    TopologySnapshot topology();

    /** The nodes holding {@code partition} of data cache {@code cache} now: its primary, then its backups. */
    List<String> holders(String cache, int partition);

    /** Runs a function once on this node ({@link NodeRun}); its class must be on the servers' class path. */
    NodeRun.Result runHere(io.kindling.graph.Fn0<?> function);

    /** A value this node spilled ({@link Spill#readLocal}), for a thin client that read its {@link Spilled}. */
    Object readSpilled(long id);

    /** Asks every server to spill so that {@code bytes} more fit ({@link Spill#makeRoom}), within the bound. */
    void makeRoom(long bytes, long timeoutMillis);

    /** Makes sure the data cache of values with {@code replicas} copies exists ({@link KindlingGrid#dataCacheName}). */
    void createDataCache(int replicas);

    /** Makes sure Kindling's shared table {@code name} exists ({@link Claims#configuration}). */
    void createTable(String name);

    /** Claims keys of the shared key table for a client ({@link ClaimKeys}); returns the records found under the others. */
    java.util.Map<String, byte[]> claimKeys(java.util.Set<String> keys, byte[] record);
}
