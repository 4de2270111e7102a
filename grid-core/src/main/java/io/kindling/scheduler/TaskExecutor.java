package io.kindling.scheduler;

/**
 * Where tasks run: the seam between the one scheduler loop and the sync, threads, processes and
 * grid executors. The loop hands over batches of ready tasks; the executor runs each batch, on
 * whichever thread or machine it likes, and reports through the batch.
 *
 * <p>Contract: {@link #execute} may run the batch before it returns (the sync executor does) or
 * later on another thread; either way every task of the batch is reported exactly once, as
 * finished, failed or skipped, and then {@link TaskBatch#report()} is called once.
 */
interface TaskExecutor extends AutoCloseable {
    /** How many batches the loop keeps in flight. */
    int parallelism();

    /** Runs {@code batch}, then calls {@link TaskBatch#report()}. */
    void execute(TaskBatch batch);

    /** Stops every thread or resource the executor started; waits for running batches. */
    @Override
    void close();
}
