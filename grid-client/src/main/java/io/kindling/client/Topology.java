package io.kindling.client;

import java.util.List;

/**
 * What placement needs to know of the cluster: its server nodes, which node holds a partition of
 * the data cache, and a partition that a node holds. Given to {@link ClientState} so that its
 * decisions can be tested without a cluster.
 */
interface Topology {
    /** The server nodes that run tasks, by consistent id, in a stable order. */
    List<String> nodes();

    /** The node whose primary copy of {@code partition} it is, or null if none. */
    String nodeOf(int partition);

    /** A partition whose primary is {@code node}, chosen by {@code hash}; -1 if the node holds none. */
    int partitionOn(String node, int hash);

    /** How many batches may run on {@code node} at once. */
    int slots(String node);

    /** The abstract resources {@code node} declares (such as {@code GPU=2}), empty if none. */
    default java.util.Map<String, Double> resources(String node) {
        return java.util.Map.of();
    }

    /** The most memory {@code node} gives its data, in bytes; 0 if unknown. */
    default long memory(String node) {
        return 0;
    }

    /** The largest heap of {@code node}'s JVM, in bytes; 0 if unknown. */
    default long heap(String node) {
        return 0;
    }
}
