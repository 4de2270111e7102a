package io.kindling.client;

import io.kindling.grid.NodeConfig;
import io.kindling.testing.Ops;
import org.apache.ignite.Ignition;

import java.util.List;

/**
 * A client in a JVM of its own, for {@link LeaseTest}: it connects (thin or thick), puts data on
 * the cluster and keeps futures for it, says {@value #HOLDING}, then waits to be killed.
 * Arguments: {@code thin HOST:PORT} or {@code thick DISCOVERY_PORT}, and {@code work} to also
 * submit {@value #SLOW_TASKS} tasks of {@value #SLOW_MILLIS} ms each before saying so, or {@code publish}
 * to publish its scattered values as the dataset {@value #DATASET}.
 */
public final class LeaseHolder {
    static final String HOLDING = "HOLDING";
    /** The dataset a holder started with {@code publish} publishes its scattered values in. */
    static final String DATASET = "published-by-a-client-that-dies";
    static final int SLOW_TASKS = 400;
    static final long SLOW_MILLIS = 50;

    private LeaseHolder() {
    }

    public static void main(String[] args) throws Exception {
        try {
            hold(args);
        } catch (Throwable e) {
            // A thick client's Ignite threads would keep this JVM up, and the test waiting on it.
            e.printStackTrace(System.out);
            System.out.flush();
            System.exit(2);
        }
    }

    private static void hold(String[] args) throws Exception {
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
        List<Future<Integer>> slow = List.of();
        if (args.length > 2 && args[2].equals("work")) {
            List<Integer> items = new java.util.ArrayList<>();
            for (int i = 0; i < SLOW_TASKS; i++) {
                items.add(i);
            }
            slow = client.map(LeaseHolder::slow, items);
        }
        if (args.length > 2 && args[2].equals("publish")) {
            client.publish(DATASET, data);
        }
        System.out.println(HOLDING + " " + (data.size() + results.size() + slow.size()));
        System.out.flush();
        while (System.in.read() >= 0) {
            // held until killed
        }
        client.close();
    }

    public static int slow(int x) throws InterruptedException {
        Thread.sleep(SLOW_MILLIS);
        return x;
    }
}
