package io.kindling.grid.internal;

/** The Ignite user attributes by which a Kindling node describes itself to clients and to the dashboard. */
public final class NodeAttributes {
    /** How many tasks the node runs at once ({@code io.kindling.grid.NodeConfig#THREADS_ATTRIBUTE}). */
    public static final String THREADS = "kindling.threads";

    private NodeAttributes() {
    }
}
