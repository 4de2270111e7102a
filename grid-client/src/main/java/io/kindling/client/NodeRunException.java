package io.kindling.client;

/**
 * A function given to {@link Client#run} threw on a node (Dask's {@code client.run} raises the
 * same way): the cause is what it threw there, with the remote stack trace.
 */
public class NodeRunException extends io.kindling.KindlingException {
    private static final long serialVersionUID = 1L;

    private final String node;

    NodeRunException(String node, Throwable cause) {
        super("the function run on node " + node + " threw: " + cause, cause);
        this.node = node;
    }

    /** The node whose run failed (the first, when several did). */
    public String node() {
        return node;
    }
}
