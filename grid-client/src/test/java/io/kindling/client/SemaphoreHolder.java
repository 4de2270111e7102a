package io.kindling.client;

import io.kindling.grid.NodeConfig;
import org.apache.ignite.Ignition;

/**
 * A thick client in a JVM of its own, for {@link CoordinationTest}: it takes every lease of the
 * semaphore named by its first argument (one lease) and the lock named by its second, says
 * {@value #HOLDING}, then waits to be killed. Argument three: the cluster's first discovery port,
 * or with a fourth argument "thin", the address of its thin-client port (the holder is then a
 * thin client).
 */
public final class SemaphoreHolder {
    static final String HOLDING = "HOLDING";

    private SemaphoreHolder() {
    }

    public static void main(String[] args) throws Exception {
        Client client;
        if (args.length > 3 && args[3].equals("thin")) {
            client = Client.connect(args[2]);
        } else {
            int port = Integer.parseInt(args[2]);
            client = Client.over(Ignition.start(new NodeConfig().instanceName("semaphore-holder").client(true)
                    .discovery(port, 10).communicationPort(port + 10).logging(false).build()));
        }
        client.semaphore(args[0], 1).acquire();
        client.lock(args[1]).acquire();
        System.out.println(HOLDING);
        System.out.flush();
        while (System.in.read() >= 0) {
            // held until killed
        }
        client.close();
    }
}
