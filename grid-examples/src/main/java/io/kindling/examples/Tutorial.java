package io.kindling.examples;

import io.kindling.Delayed;
import io.kindling.client.Client;
import io.kindling.client.Future;

import java.nio.file.Path;
import java.util.List;

import static io.kindling.Delayed.delayed;

/**
 * The tutorial, after Dask's "Distributed" one: a local cluster, then "a simple method" (lazy
 * {@code delayed} calls computed together) and "distributed futures" (submit, gather, map,
 * futures as arguments, compute, scatter). Each function sleeps {@value #WORK_MILLIS} ms where
 * the Dask tutorial sleeps a second, so the parallelism shows without a long wait.
 */
public final class Tutorial {
    static final long WORK_MILLIS = 50;

    private Tutorial() {
    }

    public static int inc(int x) throws InterruptedException {
        Thread.sleep(WORK_MILLIS);
        return x + 1;
    }

    public static int dec(int x) throws InterruptedException {
        Thread.sleep(WORK_MILLIS);
        return x - 1;
    }

    public static int add(int x, int y) throws InterruptedException {
        Thread.sleep(WORK_MILLIS);
        return x + y;
    }

    public static int sum(List<Integer> xs) {
        return xs.stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * Runs the tutorial on an embedded local cluster, or, given a thick client's Spring XML (such as
     * {@code config/kindling-client.xml}), on the cluster that configuration joins.
     */
    public static void main(String[] args) {
        if (args.length > 0) {
            try (Client client = Client.join(Path.of(args[0]))) {   // like distributed.Client("scheduler:8786")
                run(client);
            }
            return;
        }
        try (Client client = Client.local()) {            // an embedded cluster, like distributed.Client()
            run(client);
        }
    }

    /** The tutorial's steps on any client: local, joined, over an Ignite instance, or thin. */
    static void run(Client client) {
        // A simple method: nothing runs until compute(); inc and dec run in parallel.
        Delayed<Integer> x = delayed(Tutorial::inc, 6);
        Delayed<Integer> y = delayed(Tutorial::dec, 7);
        Delayed<Integer> total = delayed(Tutorial::add, x, y);
        System.out.println(client);                    // the cluster: workers, threads, dashboard
        // the newest client is the default scheduler
        System.out.println("delayed add(inc(6), dec(7)), computed: " + total.compute());   // 13

        // Distributed futures: submit returns at once; the data stays on the cluster.
        Future<Integer> fut = client.submit(Tutorial::inc, 1);
        System.out.println("submit(inc, 1): " + client.gather(fut));                  // 2
        List<Future<Integer>> futs = client.map(Tutorial::inc, List.of(1, 2, 3, 4, 5));
        System.out.println("map(inc, [1..5]): " + client.gather(futs));               // [2, 3, 4, 5, 6]
        Future<Integer> tot = client.submit(Tutorial::sum, futs);   // futures as arguments
        System.out.println("submit(sum, those futures): " + client.gather(tot));      // 20
        System.out.println("compute(the delayed add): " + client.gather(client.compute(total)));   // 13, on the grid
        List<Future<Integer>> data = client.scatter(List.of(1, 2, 3));
        System.out.println("scatter([1, 2, 3]): " + data);                            // three finished futures
    }
}
