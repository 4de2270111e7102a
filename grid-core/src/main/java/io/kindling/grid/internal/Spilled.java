package io.kindling.grid.internal;

import java.io.Serializable;
import java.util.UUID;

/**
 * What the data cache holds in place of a value that its node wrote to disk ({@link Spill}): the
 * node that has the file, the file's number there and the value's size. Readers turn it back
 * into the value ({@link Spill#resolveAll}); nobody else sees it.
 */
public final class Spilled implements Serializable {
    private static final long serialVersionUID = 1L;

    private final UUID nodeId;
    private final String node;
    private final long id;
    private final long bytes;

    Spilled(UUID nodeId, String node, long id, long bytes) {
        this.nodeId = nodeId;
        this.node = node;
        this.id = id;
        this.bytes = bytes;
    }

    /** The Ignite id of the node whose disk holds the value. */
    public UUID nodeId() {
        return nodeId;
    }

    /** That node's consistent id, for messages. */
    public String node() {
        return node;
    }

    /** The value's number on that node. */
    public long id() {
        return id;
    }

    /** The value's estimated size in memory ({@link Sizes}). */
    public long bytes() {
        return bytes;
    }

    @Override
    public String toString() {
        return "Spilled(" + node + " #" + id + ", " + DataMemory.size(bytes) + ")";
    }
}
