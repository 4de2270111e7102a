package io.kindling.client;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ClientContract} on a thick client: an Ignite client node in this JVM, over two in-process server nodes. */
class ThickClientContractTest extends ClientContract {
    @RegisterExtension
    static final GridFixture GRID = new GridFixture(LocalCluster.builder().nodes(2).threads(2));

    @Override
    Client client() {
        return GRID.client();
    }
}
