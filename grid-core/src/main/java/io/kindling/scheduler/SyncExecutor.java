package io.kindling.scheduler;

/** Runs every batch on the thread that dispatches it: one task at a time, for debugging. */
final class SyncExecutor implements TaskExecutor {
    @Override
    public int parallelism() {
        return 1;
    }

    @Override
    public void execute(TaskBatch batch) {
        batch.runLocally();
    }

    @Override
    public void close() {
    }
}
