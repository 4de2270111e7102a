package io.kindling.examples;

import io.kindling.client.Client;
import io.kindling.client.LocalCluster;

/**
 * The tutorial through the thin client, as an application that does not join the cluster runs
 * it. With an address ({@code ThinTutorial 127.0.0.1:10800}) it connects to running servers,
 * which must have this jar on their class path ({@code bin/kindling-server --classpath
 * grid-examples.jar}): thin clients cannot ship code, and a lambda or method reference travels
 * with the class that wrote it. Without one it starts local servers first.
 */
public final class ThinTutorial {
    private ThinTutorial() {
    }

    public static void main(String[] args) {
        if (args.length > 0) {
            try (Client client = Client.connect(args)) {
                Tutorial.run(client);
            }
            return;
        }
        try (LocalCluster servers = LocalCluster.builder().start();
                Client client = Client.connect(servers.thinClientAddress())) {
            Tutorial.run(client);
        }
    }
}
