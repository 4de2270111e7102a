package io.kindling.scheduler;

import io.kindling.graph.Key;
import io.kindling.graph.Task;

/**
 * Ready tasks that the scheduler loop hands to a {@link TaskExecutor} in one piece. Local
 * executors call {@link #runLocally()}; remote ones read the tasks, run them elsewhere, record
 * each outcome and then call {@link #report()}.
 *
 * <p>Not thread-safe: one thread fills in the outcomes, then reports.
 */
final class TaskBatch {
    private static final byte PENDING = 0;
    private static final byte FINISHED = 1;
    private static final byte FAILED = 2;
    private static final byte SKIPPED = 3;

    private final Execution execution;
    private final int[] tasks;
    private final int size;
    private final Object[] results;
    private final byte[] outcomes;

    TaskBatch(Execution execution, int[] tasks, int size) {
        this.execution = execution;
        this.tasks = tasks;
        this.size = size;
        this.results = new Object[size];
        this.outcomes = new byte[size];
    }

    public int size() {
        return size;
    }

    public Task task(int n) {
        return execution.graph().taskAt(tasks[n]);
    }

    public Key key(int n) {
        return task(n).key();
    }

    /** The arguments of task {@code n}, with the values of its dependencies filled in. */
    public Object[] arguments(int n) {
        return task(n).resolveArguments(execution::valueOf);
    }

    /** True once the computation has failed or been stopped: tasks not started should be skipped. */
    public boolean stopped() {
        return execution.stopped();
    }

    public void finished(int n, Object result) {
        results[n] = result;
        outcomes[n] = FINISHED;
    }

    public void failed(int n, Throwable error) {
        results[n] = error;
        outcomes[n] = FAILED;
        execution.stop();
    }

    public void skipped(int n) {
        outcomes[n] = SKIPPED;
    }

    /**
     * Runs every task on the current thread, in order, with the active callbacks around each;
     * skips what remains once the computation has stopped; then reports.
     */
    public void runLocally() {
        Callback[] callbacks = execution.callbacks();
        for (int n = 0; n < size; n++) {
            if (execution.stopped()) {
                skipped(n);
                continue;
            }
            Task task = task(n);
            try {
                for (Callback c : callbacks) {
                    c.pretask(task.key());
                }
                Object result = task.function().invoke(task.resolveArguments(execution::valueOf));
                for (Callback c : callbacks) {
                    c.posttask(task.key(), result);
                }
                finished(n, result);
            } catch (Throwable e) {
                failed(n, e);
            }
        }
        report();
    }

    /** Hands every outcome to the scheduler loop; call once, after every task has an outcome. */
    public void report() {
        execution.batchDone(this);
    }

    void applyTo(SchedulerState state) {
        for (int n = 0; n < size; n++) {
            switch (outcomes[n]) {
                case FINISHED -> state.taskFinished(tasks[n], results[n]);
                case FAILED -> state.taskFailed(tasks[n], (Throwable) results[n]);
                case SKIPPED -> state.taskSkipped(tasks[n]);
                default -> throw new IllegalStateException("task '" + key(n) + "' of a batch was never reported");
            }
        }
    }
}
