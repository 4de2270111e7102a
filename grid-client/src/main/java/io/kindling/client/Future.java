package io.kindling.client;

import io.kindling.Delayed;
import io.kindling.DelayedSource;
import io.kindling.graph.Key;
import io.kindling.graph.Task;
import io.kindling.grid.LostDataException;
import io.kindling.scheduler.TaskFailedException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A value computed, or being computed, on the cluster, as Dask's {@code Future}: the data stays
 * on the cluster, and this object is how you reach it and how you keep it there.
 *
 * <p>Lifetime: the key's data stays in the grid while any {@code Future} for it is alive (or a
 * task still needs it). {@link #release()} lets go now; otherwise the future lets go when it is
 * garbage-collected, and the client deletes data nobody holds.
 *
 * <p>Status: {@code pending}, then {@code finished}, {@code error}, {@code cancelled} or
 * {@code lost}. A finished value whose node left the cluster is computed again from the tasks that
 * made it: the future is {@code pending} again meanwhile, and {@link #result()} waits for the new
 * value. A value that cannot be computed again (scattered without replicas, or made from such a
 * value) is {@code lost}: {@link #result()} throws {@link LostDataException} naming the key, the
 * node and what would have kept it. When the whole cluster goes away, unfinished futures are
 * {@code cancelled} and values only the cluster held are {@code lost}, both with a
 * {@link ClusterUnavailableException}.
 *
 * <p>{@link #result()} waits and returns the value, or throws {@link TaskFailedException} whose
 * cause is what the task threw on the node (with the remote stack trace), or what made a task it
 * read fail; {@link #exception()} returns that throwable. The JDK methods follow
 * {@link java.util.concurrent.Future}: {@code get()} throws {@link ExecutionException} wrapping
 * the task's exception, and {@link CancellationException} for a cancelled task.
 *
 * <p>Threads: callbacks from {@link #addDoneCallback} run on the client's callback thread;
 * {@link #toCompletableFuture()} completes on that thread too, so its dependent stages never run
 * on Ignite's threads. {@link #cancel()} stops a task that has not started, interrupts one that
 * runs (and discards its result); tasks waiting on a cancelled one are cancelled too.
 */
public final class Future<T> implements java.util.concurrent.Future<T>, DelayedSource {
    /** Stands for a value that was missing from the grid when read: it is being computed again. */
    private static final Object MISSING = new Object();

    private final ClientCore client;
    private final KeyEntry entry;
    volatile ClientCore.FutureReference reference;
    private volatile Delayed<T> delayed;

    Future(ClientCore client, KeyEntry entry) {
        this.client = client;
        this.entry = entry;
    }

    KeyEntry entry() {
        return entry;
    }

    ClientCore client() {
        return client;
    }

    /**
     * This future as a {@link Delayed} value, so that {@code delayed(fn, future)} and graphs built
     * on it read it (Dask lets futures be inputs of delayed graphs): computed on this future's
     * client, the graph uses its data where it is; on another scheduler, it waits for the value.
     * The Delayed keeps this future, and so its data, while it is reachable.
     */
    @Override
    public Delayed<T> toDelayed() {
        Delayed<T> d = delayed;
        if (d == null) {
            d = Delayed.ofTask(Task.of(entry.key, new FutureValue<>(this)), java.util.List.of());
            delayed = d;
        }
        return d;
    }

    /** The key of this future's value. */
    public Key key() {
        return entry.key;
    }

    /** pending, finished, error, cancelled, or lost (also once released). */
    public String status() {
        return released() ? "lost" : entry.status();
    }

    /** True once the task finished, failed or was cancelled (false again while a lost value is computed anew). */
    public boolean done() {
        return entry.done.isDone();
    }

    /**
     * Waits for the value, as Dask's {@code Future.result()}.
     *
     * @throws io.kindling.scheduler.TaskFailedException if the task (or one it needed) threw, naming
     *     the key, with what it threw as the cause
     * @throws FutureCancelledException if the task was cancelled
     * @throws CancellationException if this thread is interrupted while it waits: the task goes on
     *     and the thread's interrupt flag stays set (for a wait that throws
     *     {@link InterruptedException}, {@link #get()} or {@link #result(Duration)})
     */
    public T result() {
        while (true) {
            CompletableFuture<KeyEntry.Resolution> done = entry.done;
            Object v = valueOf(await(done), done);
            if (v != MISSING) {
                return cast(v);
            }
        }
    }

    /**
     * Waits at most {@code timeout} for the value, as {@link #get(long, TimeUnit)} does, but
     * throws what the task threw as {@link #result()} does. When the time is up the task goes on;
     * call again, or {@link #cancel()} it.
     *
     * @throws TimeoutException naming the key and its status, if it is not done in time
     * @throws InterruptedException if this thread is interrupted while it waits (the flag is
     *     cleared, as the JDK's waits do)
     */
    public T result(Duration timeout) throws TimeoutException, InterruptedException {
        java.util.Objects.requireNonNull(timeout, "result needs a timeout, not null: call result() to wait without one");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            CompletableFuture<KeyEntry.Resolution> done = entry.done;
            KeyEntry.Resolution r = await(done, deadline, timeout);
            Object v = valueOf(r, done);
            if (v != MISSING) {
                return cast(v);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object v) {
        return (T) v;
    }

    /** {@code done}'s resolution, waiting until {@code deadline} ({@link System#nanoTime}) at most. */
    private KeyEntry.Resolution await(CompletableFuture<KeyEntry.Resolution> done, long deadline, Duration timeout)
            throws TimeoutException, InterruptedException {
        try {
            return Waits.get(done, Math.max(0, deadline - System.nanoTime()));
        } catch (TimeoutException e) {
            throw new TimeoutException("'" + key() + "' was not done within " + timeout + " (status " + status()
                    + "); the task goes on: wait again, or cancel it");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private KeyEntry.Resolution await(CompletableFuture<KeyEntry.Resolution> done) {
        try {
            return Waits.get(done);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for '" + key() + "'");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * The value of a computation that {@code done} completed with {@code r}, or the exception it
     * came to; {@link #MISSING} if the data was gone from the grid and the key is being computed
     * again (a new {@code done} then stands for that).
     */
    private Object valueOf(KeyEntry.Resolution r, CompletableFuture<KeyEntry.Resolution> done) {
        switch (r.state()) {
            case MEMORY -> {
                requireHeld();
                Object got = client.values(List.of(entry), List.of(r))[0];
                if (got != ClientCore.MISSING) {
                    return got;
                }
                if (entry.done == done) {
                    throw new LostDataException(key(), r.node(), "the value of '" + key() + "' was missing from the grid");
                }
                return MISSING;
            }
            case ERRED -> throw new TaskFailedException(r.erredKey(), r.error());
            case CANCELLED -> throw cancelled(r);
            case LOST -> throw lost(r);
            default -> throw new IllegalStateException("'" + key() + "' is " + entry.status() + ": its future was released");
        }
    }

    RuntimeException cancelled(KeyEntry.Resolution r) {
        return r.error() instanceof ClusterUnavailableException c ? c : new FutureCancelledException(key());
    }

    static RuntimeException lost(KeyEntry.Resolution r) {
        return r.error() instanceof RuntimeException e ? e : new IllegalStateException(r.error());
    }

    private void requireHeld() {
        if (released()) {
            throw new IllegalStateException("the future of '" + key() + "' was released; its data may be gone");
        }
    }

    /** The outcome of the current computation, waiting for it (a dataset records where the value is). */
    KeyEntry.Resolution outcome() {
        requireHeld();
        return await(entry.done);
    }

    /** What the task threw (or what failed the task it needed), waiting for the outcome; null if it succeeded. */
    public Throwable exception() {
        KeyEntry.Resolution r = await(entry.done);
        return switch (r.state()) {
            case CANCELLED -> cancelled(r);
            case ERRED, LOST -> r.error();
            default -> null;
        };
    }

    /**
     * What the task threw, waiting at most {@code timeout} for the outcome; null if it succeeded.
     *
     * @throws TimeoutException if it is not done in time (the task goes on)
     * @throws InterruptedException if this thread is interrupted while it waits
     */
    public Throwable exception(Duration timeout) throws TimeoutException, InterruptedException {
        java.util.Objects.requireNonNull(timeout, "exception needs a timeout, not null: call exception() to wait "
                + "without one");
        await(entry.done, System.nanoTime() + timeout.toNanos(), timeout);
        return exception();
    }

    /** Calls {@code callback} with this future once it is done, on the client's callback thread. */
    public Future<T> addDoneCallback(Consumer<? super Future<T>> callback) {
        return addDoneCallback(callback, client.callbacks);
    }

    /**
     * Calls {@code callback} with this future once it is done, on {@code executor} (as a
     * {@link CompletableFuture}'s async stages run on the executor they are given).
     */
    public Future<T> addDoneCallback(Consumer<? super Future<T>> callback, java.util.concurrent.Executor executor) {
        java.util.Objects.requireNonNull(callback, "addDoneCallback needs a callback, not null");
        java.util.Objects.requireNonNull(executor, "addDoneCallback needs an executor, not null: call "
                + "addDoneCallback(callback) to run it on the client's callback thread");
        entry.done.whenCompleteAsync((e, t) -> callback.accept(this), executor);
        return this;
    }

    /**
     * A {@link CompletableFuture} of the value, completed on the client's callback thread.
     * Cancelling it ({@code cancel}, or completing it with a {@link CancellationException})
     * cancels the task as {@link #cancel()} does; completing it by hand otherwise leaves the task
     * alone.
     */
    public CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> out = new CompletableFuture<>();
        out.whenComplete((v, t) -> {
            if (t instanceof CancellationException && !(t instanceof FutureCancelledException)) {
                cancel();
            }
        });
        completeWhenDone(out);
        return out;
    }

    private void completeWhenDone(CompletableFuture<T> out) {
        CompletableFuture<KeyEntry.Resolution> done = entry.done;
        done.whenCompleteAsync((r, t) -> {
            try {
                Object v = valueOf(r, done);
                if (v == MISSING) {
                    completeWhenDone(out);
                } else {
                    out.complete(cast(v));
                }
            } catch (TaskFailedException failed) {
                out.completeExceptionally(failed.getCause());
            } catch (RuntimeException failed) {
                out.completeExceptionally(failed);
            }
        }, client.callbacks);
    }

    /**
     * Runs an erred task again, with the erred tasks it read, as Dask's {@code Future.retry()};
     * does nothing if the future has not erred.
     */
    public void retry() {
        requireHeld();
        client.retry(entry);
    }

    /** Lets go of the value: once nothing else holds it, the cluster deletes it. Safe to call twice. */
    public void release() {
        ClientCore.FutureReference r = reference;
        if (r != null) {
            reference = null;
            client.release(r);
        }
    }

    boolean released() {
        return reference == null;
    }

    /** Cancels the task if it has not finished; returns whether it is now cancelled. */
    public boolean cancel() {
        return client.cancel(entry);
    }

    // ------------------------------------------------------------------ java.util.concurrent.Future

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return cancel();
    }

    @Override
    public boolean isCancelled() {
        return entry.done.isDone() && entry.state == KeyEntry.State.CANCELLED;
    }

    @Override
    public boolean isDone() {
        return done();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        while (true) {
            CompletableFuture<KeyEntry.Resolution> done = entry.done;
            Object v = unwrap(Waits.get(done), done);
            if (v != MISSING) {
                return cast(v);
            }
        }
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            CompletableFuture<KeyEntry.Resolution> done = entry.done;
            Object v = unwrap(Waits.get(done, Math.max(0, deadline - System.nanoTime())), done);
            if (v != MISSING) {
                return cast(v);
            }
        }
    }

    private Object unwrap(KeyEntry.Resolution r, CompletableFuture<KeyEntry.Resolution> done) throws ExecutionException {
        try {
            return valueOf(r, done);
        } catch (TaskFailedException failed) {
            throw new ExecutionException(failed.getMessage(), failed.getCause());
        } catch (LostDataException | ClusterUnavailableException failed) {
            if (r.state() == KeyEntry.State.CANCELLED) {
                CancellationException c = new CancellationException(failed.getMessage());
                c.initCause(failed);
                throw c;
            }
            throw new ExecutionException(failed.getMessage(), failed);
        }
    }

    @Override
    public String toString() {
        return "Future('" + key() + "', " + status() + ")";
    }
}
