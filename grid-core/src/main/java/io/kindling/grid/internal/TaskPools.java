package io.kindling.grid.internal;

import org.apache.ignite.Ignite;
import org.apache.ignite.internal.IgniteEx;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Grows and shrinks the pool that batches arrive on (Ignite's public pool) while tasks wait on
 * other tasks. Batches of clients sent as compute jobs each take a thread of that pool, and a
 * task waiting on its children keeps its thread: without one more thread per waiting task, a
 * node whose threads all wait would never start the children (they would sit in the pool's
 * queue), as Dask's {@code secede} would say. Ignite sizes the pool once, at start, so its
 * executor (a {@link ThreadPoolExecutor}) is resized here, one thread up per waiting task and one
 * down when it is done; the extra threads end once idle.
 */
final class TaskPools {
    private TaskPools() {
    }

    /** Adds {@code delta} threads (or removes, if negative) to the public pool of {@code ignite}. */
    static void grow(Ignite ignite, int delta) {
        if (!(ignite instanceof IgniteEx)) {
            return;
        }
        ExecutorService pool = ((IgniteEx) ignite).context().pools().getExecutorService();
        if (!(pool instanceof ThreadPoolExecutor)) {
            return;
        }
        ThreadPoolExecutor p = (ThreadPoolExecutor) pool;
        synchronized (p) {
            if (delta > 0) {
                p.setMaximumPoolSize(p.getMaximumPoolSize() + delta);
                p.setCorePoolSize(p.getCorePoolSize() + delta);
            } else if (delta < 0) {
                p.setCorePoolSize(Math.max(1, p.getCorePoolSize() + delta));
                p.setMaximumPoolSize(Math.max(p.getCorePoolSize(), p.getMaximumPoolSize() + delta));
            }
        }
    }

    /** The public pool's size now (core threads), or -1 if it cannot be read. */
    static int size(Ignite ignite) {
        if (ignite instanceof IgniteEx
                && ((IgniteEx) ignite).context().pools().getExecutorService() instanceof ThreadPoolExecutor p) {
            return p.getCorePoolSize();
        }
        return -1;
    }
}
