package io.kindling.grid;

import io.kindling.grid.internal.DataMemory;

import org.apache.ignite.Ignite;
import org.apache.ignite.failure.FailureContext;
import org.apache.ignite.failure.StopNodeOrHaltFailureHandler;

/**
 * Ignite's default failure handler (stop the node, or halt its JVM), except for a write that did
 * not fit in a full data region: Ignite takes that for a critical failure and would stop the node,
 * losing everything it holds. Here the write fails (its caller gets the error) and the node goes
 * on with what it held. Set on every Kindling server ({@code NodeConfig}, the server XMLs).
 */
public class KindlingFailureHandler extends StopNodeOrHaltFailureHandler {
    @Override
    protected boolean handle(Ignite ignite, FailureContext failureCtx) {
        if (DataMemory.isFull(failureCtx.error())) {
            ignite.log().warning("Kindling: a write did not fit in this node's data memory ("
                    + DataMemory.size(DataMemory.limit(ignite)) + "); it failed, and the node goes on");
            return false;
        }
        // Said on standard error too: a node's Ignite log may be off (child nodes of a local
        // cluster, kindling-server without --verbose), and this is why the node goes away.
        Throwable error = failureCtx.error();
        System.err.println("kindling: node " + ignite.name() + " is stopped by Ignite's failure handler: "
                + failureCtx.type() + (error == null ? "" : ": " + error));
        return super.handle(ignite, failureCtx);
    }
}
