package io.kindling.scheduler;

import io.kindling.graph.Graph;
import io.kindling.graph.Key;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;

/**
 * The scheduler loop for one computation: it moves ready tasks from {@link SchedulerState} to a
 * {@link TaskExecutor} in batches, and outcomes back.
 *
 * <p>Concurrency: the state is only touched under this object's monitor. No thread is dedicated
 * to the loop. The thread that calls {@link #run} dispatches first; afterwards whichever thread
 * reports a batch dispatches the work it made ready, unless another thread is already
 * dispatching (it will see that work, since the check and the hand-over of the dispatcher role
 * both happen under the monitor). A batch reported on the dispatching thread itself (the sync
 * executor runs batches inside {@code execute}) only records outcomes, and the dispatch loop
 * carries on: no recursion, however long a chain of tasks.
 *
 * <p>Batches: at most {@code parallelism} batches in flight; a batch takes an even share of the
 * ready tasks, between 1 and {@value #MAX_BATCH}, so that idle workers get work early and busy
 * ones amortise the monitor over many tiny tasks.
 */
final class Execution {
    static final int MAX_BATCH = 256;

    private final SchedulerState state;
    private final TaskExecutor executor;
    private final Callback[] callbacks;
    private final int parallelism;
    private final CountDownLatch complete = new CountDownLatch(1);
    private volatile boolean stopped;
    private Thread dispatcher;
    private int inFlight;

    Execution(SchedulerState state, TaskExecutor executor, Callback[] callbacks) {
        this.state = state;
        this.executor = executor;
        this.callbacks = callbacks;
        this.parallelism = Math.max(1, executor.parallelism());
    }

    /** Runs the computation to the end and returns the values of {@code wanted}, in order. */
    List<Object> run(int[] wanted) {
        Graph graph = state.graph();
        for (Callback c : callbacks) {
            c.start(graph);
        }
        Throwable error = null;
        try {
            dispatch();
            awaitCompletion();
            error = state.error();
            if (error != null) {
                throw failure(error);
            }
            List<Object> values = new ArrayList<>(wanted.length);
            for (int w : wanted) {
                values.add(state.result(w));
            }
            return values;
        } finally {
            for (Callback c : callbacks) {
                c.finish(graph, error);
            }
        }
    }

    private RuntimeException failure(Throwable error) {
        int erred = state.erredTask();
        if (erred < 0) {
            return error instanceof RuntimeException r ? r : new IllegalStateException(error);
        }
        Key key = state.graph().taskAt(erred).key();
        return new TaskFailedException(key, error);
    }

    private void awaitCompletion() {
        boolean interrupted = false;
        while (true) {
            try {
                complete.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                synchronized (this) {
                    state.abort(new CancellationException("the computation was interrupted"));
                    stopped = true;
                    if (state.isComplete()) {
                        complete.countDown();
                    }
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void dispatch() {
        Thread me = Thread.currentThread();
        while (true) {
            TaskBatch batch;
            synchronized (this) {
                if (dispatcher != null && dispatcher != me) {
                    return;
                }
                if (state.isComplete()) {
                    dispatcher = null;
                    complete.countDown();
                    return;
                }
                int ready = state.readyCount();
                if (inFlight >= parallelism || ready == 0 || stopped) {
                    dispatcher = null;
                    return;
                }
                dispatcher = me;
                int want = Math.min(MAX_BATCH, Math.max(1, ready / (parallelism - inFlight)));
                int[] tasks = new int[want];
                int got = state.takeReady(tasks, want);
                inFlight++;
                batch = new TaskBatch(this, tasks, got);
            }
            try {
                executor.execute(batch);
            } catch (RuntimeException e) {
                synchronized (this) {
                    dispatcher = null;
                }
                for (int n = 0; n < batch.size(); n++) {
                    batch.failed(n, e);
                }
                batchDone(batch);
                return;
            }
        }
    }

    void batchDone(TaskBatch batch) {
        boolean dispatchHere;
        synchronized (this) {
            batch.applyTo(state);
            inFlight--;
            if (state.error() != null) {
                stopped = true;
            }
            if (state.isComplete()) {
                complete.countDown();
                return;
            }
            dispatchHere = dispatcher == null;
        }
        if (dispatchHere) {
            dispatch();
        }
    }

    Graph graph() {
        return state.graph();
    }

    Object valueOf(Key key) {
        return state.value(state.graph().indexOf(key));
    }

    Callback[] callbacks() {
        return callbacks;
    }

    boolean stopped() {
        return stopped;
    }

    void stop() {
        stopped = true;
    }
}
