package io.kindling.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waiting on many futures, as Dask's {@code wait} and {@code as_completed}.
 *
 * <p>Time and interruption, the same for every wait of Kindling's: a wait with a timeout that is
 * up throws {@link TimeoutException} and leaves the work running (wait again, or cancel it); a
 * wait with a timeout throws {@link InterruptedException} when its thread is interrupted, as the
 * JDK's timed waits do. A wait without a timeout ({@code result()}, {@code gather},
 * {@link #waitAll(Collection)}) throws {@link java.util.concurrent.CancellationException} when
 * interrupted and keeps the thread's interrupt flag set. Waits that ask whether they got
 * something ({@code Semaphore.acquire(timeout)}, {@code Event.await(timeout)}) answer
 * {@code false} instead, as {@link java.util.concurrent.Semaphore#tryAcquire(long, TimeUnit)}
 * and Dask's do.
 */
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("interrupted while waiting for " + futures.size()
                    + " future(s); they go on");
        }
    }

    /**
     * Waits at most {@code timeout} until every future is done; as {@link #waitAll(Collection)}.
     *
     * @throws TimeoutException naming how many were still pending (they go on)
     * @throws InterruptedException if this thread is interrupted while it waits
     */
    public static void waitAll(Collection<? extends Future<?>> futures, Duration timeout)
            throws TimeoutException, InterruptedException {
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        while (true) {
            List<CompletableFuture<KeyEntry.Resolution>> dones = new ArrayList<>(futures.size());
            for (Future<?> f : futures) {
                dones.add(f.entry().done);
            }
            CompletableFuture<Void> all = CompletableFuture.allOf(dones.toArray(CompletableFuture[]::new));
            try {
                if (timeout == null) {
                    Waits.get(all);
                } else {
                    Waits.get(all, Math.max(0, deadline - System.nanoTime()));
                }
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

    /** The futures in the order they finish, as Dask's {@code as_completed}; see {@link AsCompleted}. */
    public static <T> AsCompleted<T> asCompleted(Collection<? extends Future<T>> futures) {
        return new AsCompleted<>(futures);
    }

    /** When {@link #wait(Collection, Duration, ReturnWhen)} returns, as Dask's {@code return_when}. */
    public enum ReturnWhen {
        /** As soon as one future is done. */
        FIRST_COMPLETED,
        /** Once every future is done. */
        ALL_COMPLETED
    }

    /** The futures that were done when waiting returned, and the others (Dask's {@code DoneAndNotDoneFutures}). */
    public record Waited<F extends Future<?>>(Set<F> done, Set<F> notDone) {
    }

    /** Waits until every future is done; returns them all as done. See {@link #wait(Collection, Duration, ReturnWhen)}. */
    public static <F extends Future<?>> Waited<F> wait(Collection<F> futures) {
        try {
            return wait(futures, null, ReturnWhen.ALL_COMPLETED);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("interrupted while waiting for " + futures.size()
                    + " future(s); they go on");
        }
    }

    /**
     * Waits at most {@code timeout} (null: no bound) until one or all of the futures are done, as
     * Dask's {@code wait}; returns the done and the not-done ones. As in Dask it returns when a
     * future erred (it counts as done), and throws when one that is done was cancelled.
     *
     * @throws TimeoutException if the futures were not done in time (they go on)
     * @throws InterruptedException if this thread is interrupted while it waits
     * @throws FutureCancelledException if a future was cancelled ({@link ClusterUnavailableException}
     *     if the cluster went away)
     */
    public static <F extends Future<?>> Waited<F> wait(Collection<F> futures, Duration timeout, ReturnWhen when)
            throws TimeoutException, InterruptedException {
        java.util.Objects.requireNonNull(futures, "wait needs futures, not null");
        java.util.Objects.requireNonNull(when, "wait needs FIRST_COMPLETED or ALL_COMPLETED, not null");
        if (when == ReturnWhen.ALL_COMPLETED) {
            waitAll(futures, timeout);
            return new Waited<>(new LinkedHashSet<>(futures), new LinkedHashSet<>());
        }
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        while (true) {
            CompletableFuture<?>[] dones = new CompletableFuture<?>[futures.size()];
            int i = 0;
            for (F f : futures) {
                dones[i++] = f.entry().done;
            }
            try {
                if (dones.length > 0) {
                    CompletableFuture<Object> any = CompletableFuture.anyOf(dones);
                    if (timeout == null) {
                        Waits.get(any);
                    } else {
                        Waits.get(any, Math.max(0, deadline - System.nanoTime()));
                    }
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            } catch (TimeoutException e) {
                throw new TimeoutException("none of " + futures.size() + " futures was done within " + timeout);
            }
            Set<F> done = new LinkedHashSet<>();
            Set<F> notDone = new LinkedHashSet<>();
            for (F f : futures) {
                (f.done() ? done : notDone).add(f);
            }
            if (done.isEmpty() && !futures.isEmpty()) {
                continue;
            }
            for (F f : done) {
                KeyEntry.Resolution r = f.entry().done.getNow(null);
                if (r != null && r.state() == KeyEntry.State.CANCELLED) {
                    throw r.error() instanceof ClusterUnavailableException c ? c : new FutureCancelledException(f.key());
                }
            }
            return new Waited<>(done, notDone);
        }
    }
}
