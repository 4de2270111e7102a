package io.kindling.examples;

import io.kindling.client.Client;
import io.kindling.client.LocalCluster;

/**
 * The tutorial through the thin client, as an application that does not join the cluster would
 * run it. Here the servers are a local cluster started first; against real servers the program
 * is {@code Client.connect("host:10800")} alone, with the tutorial's classes on the servers' class
 * path ({@code bin/kindling-server --classpath grid-examples.jar}): thin clients cannot ship code.
 */
public final class ThinTutorial {
    private ThinTutorial() {
    }

    public static void main(String[] args) {
        try (LocalCluster servers = LocalCluster.builder().start();
                Client client = Client.connect(servers.thinClientAddress())) {
            Tutorial.run(client);
        }
    }
}
