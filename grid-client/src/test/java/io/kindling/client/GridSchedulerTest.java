package io.kindling.client;

import io.kindling.scheduler.Scheduler;
import io.kindling.scheduler.SchedulerContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The scheduler contract, on a client over two in-process nodes. */
class GridSchedulerTest extends SchedulerContract {
    @RegisterExtension
    static final GridFixture GRID = new GridFixture(LocalCluster.builder().nodes(2).threads(2));

    @Override
    protected Scheduler scheduler() {
        return GRID.client();
    }

    @Override
    protected int deepChainLength() {
        return 2_000;
    }
}
