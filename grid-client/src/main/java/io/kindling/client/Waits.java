package io.kindling.client;

import io.kindling.grid.internal.TaskThreads;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Every wait of the client on futures goes through here: inside a task on a node, a wait that
 * blocks gives up the task's slot meanwhile ({@link TaskThreads#await}), so that tasks which
 * submit tasks and wait for them never deadlock the node.
 */
final class Waits {
    private Waits() {
    }

    /** {@code f.get()}, as a task may wait. */
    static <T> T get(CompletableFuture<T> f) throws InterruptedException, ExecutionException {
        if (f.isDone()) {
            return f.get();
        }
        try {
            return TaskThreads.await(f::get);
        } catch (TimeoutException e) {
            throw new IllegalStateException("an untimed wait timed out", e);
        }
    }

    /** {@code f.get(nanos)}, as a task may wait. */
    static <T> T get(CompletableFuture<T> f, long nanos)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (f.isDone()) {
            return f.get();
        }
        return TaskThreads.await(() -> f.get(nanos, TimeUnit.NANOSECONDS));
    }
}
