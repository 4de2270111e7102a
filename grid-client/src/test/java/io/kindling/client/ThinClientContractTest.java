package io.kindling.client;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ClientContract} on a thin client, over two in-process server nodes. */
class ThinClientContractTest extends ClientContract {
    @RegisterExtension
    static final GridFixture GRID = GridFixture.thin(LocalCluster.builder().nodes(2).threads(2));

    @Override
    Client client() {
        return GRID.client();
    }
}
