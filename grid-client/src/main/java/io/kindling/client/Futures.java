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

    /**
     * Waits until every future is done (finished, erred, cancelled or lost). As Dask's
     * {@code wait}, it returns when futures erred, and throws when one was cancelled
     * ({@link FutureCancelledException}, or {@link ClusterUnavailableException} when the cluster
     * went away).
     */
    public static void waitAll(Collection<? extends Future<?>> futures) {
        try {
            waitAll(futures, null);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits at most {@code timeout} until every future is done; as {@link #waitAll(Collection)}.
     *
     * @throws TimeoutException naming how many were still pending
     */
    public static void waitAll(Collection<? extends Future<?>> futures, Duration timeout) throws TimeoutException {
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        while (true) {
            List<CompletableFuture<KeyEntry.Resolution>> dones = new ArrayList<>(futures.size());
            for (Future<?> f : futures) {
                dones.add(f.entry().done);
            }
            CompletableFuture<Void> all = CompletableFuture.allOf(dones.toArray(CompletableFuture[]::new));
            try {
                if (timeout == null) {
                    all.get();
                } else {
                    all.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.util.concurrent.CancellationException("interrupted while waiting for " + futures.size()
                        + " future(s)");
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            } catch (TimeoutException e) {
                long pending = futures.stream().filter(f -> !f.done()).count();
                throw new TimeoutException(pending + " of " + futures.size() + " futures were not done within " + timeout);
            }
            boolean again = false;
            int i = 0;
            for (Future<?> f : futures) {
                again |= f.entry().done != dones.get(i++);
            }
            if (again) {
                continue;
            }
            for (CompletableFuture<KeyEntry.Resolution> d : dones) {
                KeyEntry.Resolution r = d.join();
                if (r.error() instanceof ClusterUnavailableException c
                        && (r.state() == KeyEntry.State.CANCELLED || r.state() == KeyEntry.State.LOST)) {
                    throw c;
                }
            }
            for (Future<?> f : futures) {
                KeyEntry.Resolution r = f.entry().done.join();
                if (r.state() == KeyEntry.State.CANCELLED) {
                    throw new FutureCancelledException(f.key());
                }
            }
            return;
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
