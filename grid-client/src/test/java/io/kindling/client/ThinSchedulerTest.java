package io.kindling.client;

import io.kindling.scheduler.Scheduler;
import io.kindling.scheduler.SchedulerContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The scheduler contract, through the thin client, on two in-process nodes. */
class ThinSchedulerTest extends SchedulerContract {
    @RegisterExtension
    static final GridFixture GRID = GridFixture.thin(LocalCluster.builder().nodes(2).threads(2));

    @Override
    protected Scheduler scheduler() {
        return GRID.client();
    }

    @Override
    protected int deepChainLength() {
        return 2_000;
    }
}
