package io.kindling.scheduler;

import io.kindling.graph.Graph;
import io.kindling.graph.Key;

import java.util.List;

/**
 * Computes graphs: on the calling thread ({@link #SYNC}), on a thread pool ({@link #THREADS}),
 * on worker processes or on an Ignite cluster (a {@code Client} is a scheduler too).
 *
 * <p>Which scheduler a {@code compute()} uses, first match wins (Dask's order):
 * <ol>
 *   <li>the one passed to the call, {@code compute(Scheduler.SYNC)};</li>
 *   <li>the innermost scope on this thread, {@code try (var s = Scheduler.use(Scheduler.SYNC)) {...}};</li>
 *   <li>the global default, {@link #setDefault} (a new {@code Client} sets itself, until closed);</li>
 *   <li>{@link #THREADS}.</li>
 * </ol>
 */
public interface Scheduler {
    /** Runs every task on the calling thread, one at a time: for debugging, and the fastest for tiny tasks. */
    Scheduler SYNC = new ExecutorScheduler("sync", SyncExecutor::new);

    /** Runs tasks on a pool of as many threads as the machine has cores. */
    Scheduler THREADS = threads(Runtime.getRuntime().availableProcessors());

    /**
     * Runs tasks on worker JVMs of this machine (a local cluster of child-process nodes, started
     * on first use and stopped when this JVM exits). Needs grid-client on the class path.
     */
    Scheduler PROCESSES = new LazyProcesses();

    /**
     * Computes {@code keys} of {@code graph} (and what they depend on, nothing else) and returns
     * their values in the same order.
     *
     * @throws TaskFailedException if a task throws, naming its key, with what it threw as the cause
     * @throws io.kindling.graph.GraphException if a key is not in the graph
     */
    List<Object> get(Graph graph, List<Key> keys);

    /** A scheduler on a pool of {@code threads} threads, started per computation and stopped after it. */
    static Scheduler threads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("a thread pool needs at least one thread, not " + threads);
        }
        return new ExecutorScheduler("threads(" + threads + ")", () -> new ThreadPoolTaskExecutor(threads));
    }

    /**
     * Makes {@code scheduler} the one this thread's computations use until the scope is closed.
     * Scopes nest; close them in reverse order (try-with-resources does).
     */
    static Scope use(Scheduler scheduler) {
        return SchedulerChoice.push(scheduler);
    }

    /** Makes {@code scheduler} the default for computations outside any scope; null restores {@link #THREADS}. */
    static void setDefault(Scheduler scheduler) {
        SchedulerChoice.setGlobal(scheduler);
    }

    /**
     * Clears the default if it is still {@code scheduler} (what a closing client calls, so that
     * it never undoes a newer client's choice).
     */
    static void clearDefault(Scheduler scheduler) {
        SchedulerChoice.clearGlobal(scheduler);
    }

    /** The scheduler a computation started now on this thread would use, argument aside. */
    static Scheduler current() {
        return SchedulerChoice.current();
    }

    /** A scheduler scope; closing it restores the choice that was in force before. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
