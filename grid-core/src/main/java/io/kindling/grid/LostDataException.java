package io.kindling.grid;

import io.kindling.graph.Key;

/**
 * A value is gone from the grid and cannot be computed again: the node that held its only copy
 * left the cluster and the value has no lineage (it was scattered, or an input it was computed
 * from is gone too), or the whole cluster went away. The message names the key, the node that
 * held it, and what would have kept it.
 */
public class LostDataException extends io.kindling.KindlingException {
    private static final long serialVersionUID = 2L;

    private final Key key;
    private final String node;

    /** The value of {@code key}, last held by {@code node} (null if unknown), is gone; {@code message} says why and what would have kept it. */
    public LostDataException(Key key, String node, String message) {
        super(message);
        this.key = key;
        this.node = node;
    }

    /** The key whose value is gone. */
    public Key key() {
        return key;
    }

    /** The node that held the value last, or null if unknown. */
    public String node() {
        return node;
    }
}
