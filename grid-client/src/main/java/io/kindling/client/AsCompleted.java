package io.kindling.client;

import io.kindling.scheduler.TaskFailedException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Futures in the order they finish, as Dask's {@code as_completed}: iterating yields each future
 * once it is done (finished, erred, cancelled or lost), waiting for the next one; more futures can
 * be added while it runs ({@link #add}, {@link #update}); {@link #nextBatch()} and
 * {@link #batches()} give all that are ready at once; {@link #clear()} drops the rest.
 * {@link #results()} yields each future with its value (an error is thrown, as Dask's
 * {@code raise_errors=True}) and {@link #resultsOrErrors()} with its value or its error.
 *
 * <p>Thread-safe: futures may be added from any thread while another iterates. Iterating ends when
 * every future added has been yielded; one added afterwards starts it again.
 *
 * @param <T> the futures' value type
 */
public final class AsCompleted<T> implements Iterable<Future<T>>, Iterator<Future<T>> {
    /** A done future with its value, or the error it came to. */
    public record Completed<T>(Future<T> future, T value, Throwable error) {
        /** Whether the future finished with a value (rather than an error or a cancel). */
        public boolean ok() {
            return error == null;
        }
    }

    private final LinkedBlockingQueue<Future<T>> ready = new LinkedBlockingQueue<>();
    private int pending;
    private long generation;

    AsCompleted(Collection<? extends Future<T>> futures) {
        update(futures);
    }

    /** Adds a future; it is yielded once done (at once if it already is). */
    public synchronized AsCompleted<T> add(Future<T> future) {
        if (future == null) {
            throw new NullPointerException("asCompleted: a future to add is null");
        }
        pending++;
        long g = generation;
        future.entry().done.whenComplete((r, t) -> arrived(future, g));
        return this;
    }

    /** Adds futures; each is yielded once done. */
    public AsCompleted<T> update(Collection<? extends Future<T>> futures) {
        if (futures == null) {
            throw new NullPointerException("asCompleted needs futures, not null");
        }
        for (Future<T> f : futures) {
            add(f);
        }
        return this;
    }

    private synchronized void arrived(Future<T> future, long g) {
        if (g == generation) {
            ready.add(future);
        }
    }

    /** How many futures are still to be yielded (done or not). */
    public synchronized int count() {
        return pending;
    }

    /** Whether every future added has been yielded. */
    public synchronized boolean isEmpty() {
        return pending == 0;
    }

    /** Whether a done future is waiting to be yielded. */
    public boolean hasReady() {
        return !ready.isEmpty();
    }

    /** Drops every future not yet yielded; those still running go on, unseen. */
    public synchronized void clear() {
        generation++;
        ready.clear();
        pending = 0;
    }

    @Override
    public Iterator<Future<T>> iterator() {
        return this;
    }

    @Override
    public boolean hasNext() {
        return !isEmpty();
    }

    /** The next future to be done, waiting for it. */
    @Override
    public Future<T> next() {
        if (!hasNext()) {
            throw new NoSuchElementException("asCompleted: every future has been yielded");
        }
        Future<T> f = take();
        synchronized (this) {
            pending--;
        }
        return f;
    }

    /** Every future done now, waiting for one if none is; empty when all have been yielded. */
    public List<Future<T>> nextBatch() {
        List<Future<T>> out = new ArrayList<>();
        if (!hasNext()) {
            return out;
        }
        out.add(take());
        ready.drainTo(out);
        synchronized (this) {
            pending -= out.size();
        }
        return out;
    }

    /** The futures in batches of those done together (Dask's {@code batches()}). */
    public Iterable<List<Future<T>>> batches() {
        return () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return AsCompleted.this.hasNext();
            }

            @Override
            public List<Future<T>> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("asCompleted: every future has been yielded");
                }
                return nextBatch();
            }
        };
    }

    /**
     * The futures with their values, in the order they finish (Dask's {@code with_results=True});
     * a future that erred or was cancelled throws its error ({@link TaskFailedException},
     * {@link FutureCancelledException}) when its turn comes.
     */
    public Iterable<Completed<T>> results() {
        return () -> mapped(true);
    }

    /** As {@link #results()}, but an erred or cancelled future comes with its error instead of throwing it. */
    public Iterable<Completed<T>> resultsOrErrors() {
        return () -> mapped(false);
    }

    private Iterator<Completed<T>> mapped(boolean raise) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return AsCompleted.this.hasNext();
            }

            @Override
            public Completed<T> next() {
                Future<T> f = AsCompleted.this.next();
                if (raise) {
                    return new Completed<>(f, f.result(), null);
                }
                Throwable error = f.exception();
                return error == null ? new Completed<>(f, f.result(), null) : new Completed<>(f, null, error);
            }
        };
    }

    private Future<T> take() {
        try {
            Future<T> f = ready.poll();
            return f != null ? f : io.kindling.grid.internal.TaskThreads.await(ready::take);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for the next future to be done");
        }
    }
}
