package io.kindling.client;

import io.kindling.graph.Fn0;

/**
 * The task a {@link Future} stands for in a {@code Delayed} graph ({@link Future#toDelayed()}),
 * under the future's own key: on the future's client the key is known, so the task never runs and
 * readers use the data where it is; any other scheduler runs it, which waits for the future's
 * value. The future does not travel: the task cannot run on a node, and the client refuses a
 * graph with a future of another client or one released ({@link #requireUsableBy}).
 */
final class FutureValue<T> implements Fn0<T> {
    private static final long serialVersionUID = 1L;
    private final transient Future<T> future;

    FutureValue(Future<T> future) {
        this.future = future;
    }

    /** The future this task stands for (null where it arrived by serialization). */
    Future<T> future() {
        return future;
    }

    /** Checks that a graph computed on {@code client} may read this future. */
    void requireUsableBy(ClientCore client) {
        if (future.client() != client) {
            throw new IllegalArgumentException("a Delayed graph reads the future of '" + future.key()
                    + "', which belongs to another client: compute it on that client, or gather its value first");
        }
        if (future.released()) {
            throw new IllegalArgumentException("a Delayed graph reads the future of '" + future.key()
                    + "', which was released: keep the future until the graph is computed");
        }
    }

    @Override
    public T apply() {
        if (future == null) {
            throw new IllegalStateException("a future's value cannot be read away from its client");
        }
        return future.result();
    }
}
