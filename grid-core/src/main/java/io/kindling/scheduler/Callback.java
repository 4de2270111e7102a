package io.kindling.scheduler;

import io.kindling.graph.Graph;
import io.kindling.graph.Key;

/**
 * Hooks into every computation that a local scheduler runs, as Dask's {@code dask.callbacks}:
 * a progress bar, a profiler, a task recorder. Every method does nothing by default.
 *
 * <p>Threads: {@link #start} and {@link #finish} run on the thread that called {@code compute};
 * {@link #pretask} and {@link #posttask} run on the thread that runs the task, which for the
 * threads scheduler is a pool thread, several at once. Implementations must therefore be
 * thread-safe and quick; an exception thrown from a hook fails the computation.
 *
 * <p>Register with {@link #register()} for a scope:
 * <pre>{@code
 * try (Callback.Registration r = new MyProfiler().register()) {
 *     total.compute();
 * }
 * }</pre>
 */
public interface Callback {
    /** A computation of {@code graph} begins. */
    default void start(Graph graph) {
    }

    /** The task {@code key} is about to run. */
    default void pretask(Key key) {
    }

    /** The task {@code key} returned {@code result}. */
    default void posttask(Key key, Object result) {
    }

    /** The computation ended; {@code error} is null on success. */
    default void finish(Graph graph, Throwable error) {
    }

    /** Makes this callback active for every computation until the registration is closed. */
    default Registration register() {
        return Callbacks.add(this);
    }

    /** An active callback; closing it deactivates the callback. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
