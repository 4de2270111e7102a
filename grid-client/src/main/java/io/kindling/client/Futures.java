package io.kindling.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting on many futures, as Dask's {@code wait} and {@code as_completed}. */
public final class Futures {
    private Futures() {
    }

    /** Waits until every future is done (finished, erred or cancelled). */
    public static void waitAll(Collection<? extends Future<?>> futures) {
        for (Future<?> f : futures) {
            f.entry().done.join();
        }
    }

    /**
     * Waits at most {@code timeout} until every future is done.
     *
     * @throws TimeoutException naming how many were still pending
     */
    public static void waitAll(Collection<? extends Future<?>> futures, Duration timeout)
            throws TimeoutException, InterruptedException {
        CompletableFuture<?>[] all = futures.stream().map(f -> f.entry().done).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(all).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            long pending = futures.stream().filter(f -> !f.done()).count();
            throw new TimeoutException(pending + " of " + futures.size() + " futures were not done within " + timeout);
        }
    }

    /** The futures in the order they finish; iterating waits for the next one. */
    public static <T> Iterable<Future<T>> asCompleted(Collection<Future<T>> futures) {
        List<Future<T>> copy = new ArrayList<>(futures);
        return () -> {
            LinkedBlockingQueue<Future<T>> finished = new LinkedBlockingQueue<>();
            for (Future<T> f : copy) {
                f.entry().done.whenComplete((e, t) -> finished.add(f));
            }
            return new Iterator<>() {
                private int returned;

                @Override
                public boolean hasNext() {
                    return returned < copy.size();
                }

                @Override
                public Future<T> next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    try {
                        Future<T> f = finished.take();
                        returned++;
                        return f;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while waiting for the next future", e);
                    }
                }
            };
        };
    }
}
