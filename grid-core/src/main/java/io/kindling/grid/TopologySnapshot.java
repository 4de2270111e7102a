package io.kindling.grid;

import java.io.Serializable;
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

    private final long version;
    private final List<String> nodes;
    private final Map<String, UUID> nodeIds;
    private final Map<String, Integer> slots;
    private final String[] owners;

    public TopologySnapshot(long version, List<String> nodes, Map<String, UUID> nodeIds, Map<String, Integer> slots,
            String[] owners) {
        this.version = version;
        this.nodes = nodes;
        this.nodeIds = nodeIds;
        this.slots = slots;
        this.owners = owners;
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

    /** The consistent id of the primary node of each partition (null where none). */
    public String[] owners() {
        return owners;
    }
}
