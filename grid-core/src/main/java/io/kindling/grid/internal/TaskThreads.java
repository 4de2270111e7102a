package io.kindling.grid.internal;

import org.apache.ignite.Ignite;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * What code running inside a task may ask of the node that runs it: which node that is, and a
 * wait on other tasks that cannot deadlock the node. A task that waits (for a future, a gather,
 * a {@code compute}) gives its task slot to the next batch and a thread to the pool batches
 * arrive on, and takes a slot back, ahead of new batches, once the wait is over: Dask's
 * {@code secede} and {@code rejoin}, done for the task by every wait of the client.
 */
public final class TaskThreads {
    private TaskThreads() {
    }

    /** A wait, as {@link java.util.concurrent.Future#get} waits. */
    @FunctionalInterface
    public interface Wait<T> {
        T get() throws InterruptedException, ExecutionException, TimeoutException;
    }

    /** The node whose task the calling thread runs now, or null outside a task. */
    public static Ignite node() {
        NodeWork.Running r = NodeWork.current();
        return r == null || r.work == null ? null : r.work.ignite();
    }

    /** Whether the calling thread runs a task of a node now. */
    public static boolean inTask() {
        return NodeWork.current() != null;
    }

    /**
     * Runs {@code wait}; on a task's thread, with the task's slot given up meanwhile (see the
     * class comment). Elsewhere it just waits.
     */
    public static <T> T await(Wait<T> wait) throws InterruptedException, ExecutionException, TimeoutException {
        NodeWork.Running r = NodeWork.current();
        if (r == null || r.work == null || !r.work.secede(r)) {
            return wait.get();
        }
        try {
            return wait.get();
        } finally {
            r.work.rejoin(r);
        }
    }
}
