package io.kindling.client;

import io.kindling.graph.Fn0;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A client as a {@link ExecutorService} (Dask's {@code client.get_executor()}): each callable or
 * runnable becomes a task on the cluster (a unique key, as Dask's executor submits with
 * {@code pure=False}), and the returned {@link Future} is the task's. The callable must be
 * serializable, as every task's function is: a lambda written with an intersection cast,
 * {@code (Callable<T> & Serializable) () -> ...}, or a class of its own that implements both.
 *
 * <p>{@link #shutdown()} stops taking work and leaves the client open (close the client to stop
 * it); {@link #shutdownNow()} also cancels what has not finished; {@link #awaitTermination} waits
 * for what was submitted. The executor holds its futures until they are done.
 */
final class ClientExecutor implements ExecutorService {
    private final Client client;
    private final Set<Future<?>> running = ConcurrentHashMap.newKeySet();
    private volatile boolean shutdown;

    ClientExecutor(Client client) {
        this.client = client;
    }

    /**
     * A user's callable as a task's function, loaded on the servers with the callable's own class.
     * A class rather than a record: Ignite's binary marshaller cannot set a record's field when it
     * reads one on another JVM.
     */
    private static final class CallableTask<T> implements Fn0<T> {
        private static final long serialVersionUID = 1L;
        private final Callable<T> callable;

        CallableTask(Callable<T> callable) {
            this.callable = callable;
        }

        @Override
        public T apply() throws Exception {
            return callable.call();
        }

        @Override
        public Class<?> deploymentClass() {
            return callable.getClass();
        }
    }

    private static void requireSerializable(Object work, String what) {
        Objects.requireNonNull(work, "the executor runs " + what + "s, not null");
        if (!(work instanceof Serializable)) {
            throw new TaskNotSerializableException("the " + what + " " + work.getClass().getName() + " is not "
                    + "serializable, so it cannot go to the cluster: write it as (" + what + " & Serializable) () -> ..., "
                    + "or implement Serializable, or use client.submit with a method reference");
        }
    }

    private <T> Future<T> start(Callable<T> callable) {
        if (shutdown) {
            throw new RejectedExecutionException("this client's executor was shut down; take a new one with client.executor()");
        }
        Future<T> f = client.pure(false).submit(new CallableTask<>(callable));
        running.add(f);
        f.addDoneCallback(running::remove);
        return f;
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        requireSerializable(task, "Callable");
        return start(task);
    }

    @Override
    public <T> Future<T> submit(Runnable task, T result) {
        requireSerializable(task, "Runnable");
        if (result != null && !(result instanceof Serializable)) {
            throw new TaskNotSerializableException("the result " + result.getClass().getName() + " is not serializable");
        }
        return start(runnable(task, result));
    }

    @Override
    public Future<?> submit(Runnable task) {
        return submit(task, null);
    }

    @Override
    public void execute(Runnable command) {
        submit(command);
    }

    private static <T> Callable<T> runnable(Runnable task, T result) {
        return (Callable<T> & Serializable) () -> {
            task.run();
            return result;
        };
    }

    @Override
    public <T> List<java.util.concurrent.Future<T>> invokeAll(Collection<? extends Callable<T>> tasks)
            throws InterruptedException {
        List<java.util.concurrent.Future<T>> out = new ArrayList<>();
        for (Callable<T> t : tasks) {
            out.add(submit(t));
        }
        for (java.util.concurrent.Future<T> f : out) {
            try {
                f.get();
            } catch (ExecutionException | CancellationException e) {
                // the future carries it
            }
        }
        return out;
    }

    @Override
    public <T> List<java.util.concurrent.Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout,
            TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        List<java.util.concurrent.Future<T>> out = new ArrayList<>();
        for (Callable<T> t : tasks) {
            out.add(submit(t));
        }
        for (java.util.concurrent.Future<T> f : out) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | CancellationException e) {
                // the future carries it
            } catch (TimeoutException e) {
                break;
            }
        }
        for (java.util.concurrent.Future<T> f : out) {
            if (!f.isDone()) {
                f.cancel(true);
            }
        }
        return out;
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try {
            return any(tasks, null);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e);   // no bound was given
        }
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        return any(tasks, Duration.ofNanos(unit.toNanos(timeout)));
    }

    /** The result of the first task to succeed; the others are cancelled. */
    private <T> T any(Collection<? extends Callable<T>> tasks, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("invokeAny needs at least one task");
        }
        List<Future<T>> started = new ArrayList<>();
        for (Callable<T> t : tasks) {
            started.add(submit(t));
        }
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        java.util.concurrent.BlockingQueue<Future<T>> done = new java.util.concurrent.LinkedBlockingQueue<>();
        for (Future<T> f : started) {
            f.addDoneCallback(done::add);
        }
        ExecutionException last = null;
        try {
            for (int i = 0; i < started.size(); i++) {
                Future<T> f = timeout == null ? done.take()
                        : done.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (f == null) {
                    throw new TimeoutException("no task of invokeAny succeeded within " + timeout);
                }
                try {
                    return f.get();
                } catch (ExecutionException e) {
                    last = e;
                } catch (CancellationException e) {
                    last = new ExecutionException(e.getMessage(), e);
                }
            }
        } finally {
            for (Future<T> f : started) {
                if (!f.isDone()) {
                    f.cancel();
                }
            }
        }
        throw last;
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        for (Future<?> f : new ArrayList<>(running)) {
            f.cancel();
        }
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown && running.stream().allMatch(Future::done);
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (Future<?> f : new ArrayList<>(running)) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | CancellationException e) {
                // done
            } catch (TimeoutException e) {
                return false;
            }
        }
        return shutdown && isTerminated();
    }
}
