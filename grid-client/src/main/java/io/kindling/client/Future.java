package io.kindling.client;

import io.kindling.graph.Key;
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
 * <p>Status: {@code pending}, then {@code finished}, {@code error} or {@code cancelled}.
 * {@link #result()} waits and returns the value, or throws {@link TaskFailedException} whose cause
 * is what the task threw on the node (with the remote stack trace); {@link #exception()} returns
 * that throwable. The JDK methods follow {@link java.util.concurrent.Future}: {@code get()} throws
 * {@link ExecutionException} wrapping the task's exception.
 *
 * <p>Threads: callbacks from {@link #addDoneCallback} run on the client's callback thread;
 * {@link #toCompletableFuture()} completes on that thread too, so its dependent stages never run
 * on Ignite's threads. {@link #cancel()} stops a task that has not started and makes a running
 * one's result be discarded; tasks waiting on a cancelled one are cancelled too.
 */
public final class Future<T> implements java.util.concurrent.Future<T> {
    private final ClientCore client;
    private final KeyEntry entry;
    volatile ClientCore.FutureReference reference;

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

    /** The key of this future's value. */
    public Key key() {
        return entry.key;
    }

    /** pending, finished, error, cancelled, or lost (released). */
    public String status() {
        return released() ? "lost" : entry.status();
    }

    /** True once the task finished, failed or was cancelled. */
    public boolean done() {
        return entry.done.isDone();
    }

    /** Waits for the value. */
    public T result() {
        return valueOf(entry.done.join());
    }

    /**
     * Waits at most {@code timeout} for the value.
     *
     * @throws java.util.concurrent.CompletionException wrapping a {@link TimeoutException} naming the key
     */
    public T result(Duration timeout) {
        try {
            return valueOf(entry.done.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            throw new java.util.concurrent.CompletionException(
                    new TimeoutException("'" + key() + "' was not done within " + timeout + " (status " + status() + ")"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for '" + key() + "'");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @SuppressWarnings("unchecked")
    private T valueOf(KeyEntry e) {
        switch (e.state) {
            case MEMORY -> {
                requireHeld();
                return (T) client.values(List.of(e)).get(e);
            }
            case ERRED -> throw new TaskFailedException(e.erredKey, e.error);
            case CANCELLED -> throw new CancellationException("'" + e.key + "' was cancelled");
            default -> throw new IllegalStateException("'" + e.key + "' is " + e.status() + ": its future was released");
        }
    }

    private void requireHeld() {
        if (released()) {
            throw new IllegalStateException("the future of '" + key() + "' was released; its data may be gone");
        }
    }

    /** What the task threw (or what failed the task it needed), waiting for the outcome; null if it succeeded. */
    public Throwable exception() {
        KeyEntry e = entry.done.join();
        if (e.state == KeyEntry.State.CANCELLED) {
            return new CancellationException("'" + e.key + "' was cancelled");
        }
        return e.state == KeyEntry.State.ERRED ? e.error : null;
    }

    /** Calls {@code callback} with this future once it is done, on the client's callback thread. */
    public Future<T> addDoneCallback(Consumer<? super Future<T>> callback) {
        entry.done.whenCompleteAsync((e, t) -> callback.accept(this), client.callbacks);
        return this;
    }

    /** A {@link CompletableFuture} of the value, completed on the client's callback thread. */
    public CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> out = new CompletableFuture<>();
        entry.done.whenCompleteAsync((e, t) -> {
            try {
                out.complete(valueOf(e));
            } catch (TaskFailedException failed) {
                out.completeExceptionally(failed.getCause());
            } catch (RuntimeException failed) {
                out.completeExceptionally(failed);
            }
        }, client.callbacks);
        return out;
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
        return unwrap(entry.done.get());
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        return unwrap(entry.done.get(timeout, unit));
    }

    private T unwrap(KeyEntry e) throws ExecutionException {
        try {
            return valueOf(e);
        } catch (TaskFailedException failed) {
            throw new ExecutionException(failed.getMessage(), failed.getCause());
        }
    }

    @Override
    public String toString() {
        return "Future('" + key() + "', " + status() + ")";
    }
}
