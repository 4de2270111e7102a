package io.kindling.client;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ClientContract} on the processes scheduler's kind of client: a thick client over two server nodes in child JVMs. */
class ProcessesClientContractTest extends ClientContract {
    @RegisterExtension
    static final GridFixture GRID = new GridFixture(LocalCluster.builder().processes(true).nodes(2).threads(2));

    @Override
    Client client() {
        return GRID.client();
    }
}
