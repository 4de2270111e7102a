package io.kindling.client;

import io.kindling.client.internal.ProcessPool;

import io.kindling.scheduler.Scheduler;
import io.kindling.scheduler.SchedulerContract;
import org.junit.jupiter.api.AfterAll;

/** The scheduler contract, on {@link Scheduler#PROCESSES}: worker JVMs started by the local cluster. */
class ProcessesSchedulerTest extends SchedulerContract {
    @Override
    protected Scheduler scheduler() {
        return Scheduler.PROCESSES;
    }

    @Override
    protected boolean tasksRunInThisJvm() {
        return false;
    }

    @Override
    protected int deepChainLength() {
        return 1_000;
    }

    @AfterAll
    static void stopWorkers() {
        ProcessPool.shutdown();
    }
}
