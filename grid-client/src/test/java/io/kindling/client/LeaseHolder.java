package io.kindling.client;

import io.kindling.grid.NodeConfig;
import io.kindling.testing.Ops;
import org.apache.ignite.Ignition;

import java.util.List;

/**
 * A client in a JVM of its own, for {@link LeaseTest}: it connects (thin or thick), puts data on
 * the cluster and keeps futures for it, says {@value #HOLDING}, then waits to be killed.
 * Arguments: {@code thin HOST:PORT} or {@code thick DISCOVERY_PORT}.
 */
public final class LeaseHolder {
    static final String HOLDING = "HOLDING";

    private LeaseHolder() {
    }

    public static void main(String[] args) throws Exception {
        Client client;
        if (args[0].equals("thin")) {
            client = Client.connect(args[1]);
        } else {
            int port = Integer.parseInt(args[1]);
            client = Client.over(Ignition.start(new NodeConfig().instanceName("lease-holder").client(true)
                    .discovery(port, 10).communicationPort(port + 10).logging(false).build()));
        }
        List<Future<Integer>> data = client.scatter(List.of(10, 20, 30));
        List<Future<Integer>> results = client.map(Ops::inc, List.of(1, 2, 3, 4));
        client.gather(results);
        System.out.println(HOLDING + " " + (data.size() + results.size()));
        System.out.flush();
        while (System.in.read() >= 0) {
            // held until killed
        }
        client.close();
    }
}
