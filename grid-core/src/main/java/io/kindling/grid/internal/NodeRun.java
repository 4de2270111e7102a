package io.kindling.grid.internal;

import io.kindling.graph.Fn0;
import org.apache.ignite.Ignite;
import org.apache.ignite.internal.util.lang.GridPeerDeployAware;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.resources.IgniteInstanceResource;

import java.io.Serializable;

/**
 * Runs a function once on a node, outside the task slots (Dask's {@code client.run}: for looking
 * at or preparing the nodes themselves), under the {@link ExitGuard}, and says what it returned or
 * threw. The job a thick client broadcasts; thin clients reach {@link #on} through the Kindling
 * service. Like {@link RunTasks}, it names the function as its deployment class, so that with peer
 * class loading the servers load the function's class from the client.
 */
public final class NodeRun implements IgniteCallable<NodeRun.Result>, GridPeerDeployAware {
    private static final long serialVersionUID = 1L;

    /** What the function came to on one node. (A class rather than a record: Ignite's binary marshaller cannot write records.) */
    public static final class Result implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String node;
        private final Object value;
        private final Throwable error;

        Result(String node, Object value, Throwable error) {
            this.node = node;
            this.value = value;
            this.error = error;
        }

        /** The node's consistent id. */
        public String node() {
            return node;
        }

        public Object value() {
            return value;
        }

        /** What the function threw, or null. */
        public Throwable error() {
            return error;
        }
    }

    private final Fn0<?> function;

    @IgniteInstanceResource
    private transient Ignite ignite;

    public NodeRun(Fn0<?> function) {
        this.function = function;
    }

    @Override
    public Result call() {
        return on(ignite, function);
    }

    /** Runs {@code function} on the node {@code ignite}, in this thread. */
    public static Result on(Ignite ignite, Fn0<?> function) {
        ExitGuard.install();
        String node = String.valueOf(ignite.cluster().localNode().consistentId());
        int[] inTask = ExitGuard.marker();
        inTask[0]++;
        try {
            return new Result(node, function.apply(), null);
        } catch (Throwable e) {
            return new Result(node, null, RunTasks.shippable(e));
        } finally {
            inTask[0]--;
        }
    }

    @Override
    public Class<?> deployClass() {
        return function.getClass();
    }

    @Override
    public ClassLoader classLoader() {
        return deployClass().getClassLoader();
    }
}
