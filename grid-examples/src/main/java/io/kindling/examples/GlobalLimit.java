package io.kindling.examples;

import io.kindling.client.Client;
import io.kindling.client.Coordination;
import io.kindling.client.LocalCluster;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * "At most N at once, cluster-wide" (Dask's dask/distributed#800): a cluster with 8 task threads
 * runs 16 downloads, and a cluster-wide semaphore of 2 leases lets only 2 of them download at a
 * time, whichever node they run on. Each download holds a lease while it works and reports how many
 * leases were in use then.
 */
public final class GlobalLimit {
    static final int AT_ONCE = 2;

    private GlobalLimit() {
    }

    /** A stand-in for a download from a server that takes at most {@value #AT_ONCE} clients. */
    public static int download(int file) throws Exception {
        Coordination.Semaphore downloads = Coordination.here().semaphore("downloads", AT_ONCE);
        return downloads.withLease(Duration.ofMinutes(1), () -> {
            int inUse = downloads.leasesInUse();
            Thread.sleep(50);   // the download
            return inUse;
        });
    }

    public static void main(String[] args) {
        try (Client client = Client.local(LocalCluster.builder().nodes(2).threads(4))) {
            System.out.println(client);
            List<Integer> files = IntStream.range(0, 16).boxed().collect(Collectors.toList());
            List<Integer> seen = client.gather(client.pure(false).map(GlobalLimit::download, files));
            int most = seen.stream().mapToInt(Integer::intValue).max().orElse(0);
            System.out.println(files.size() + " downloads on " + client.nthreads().values().stream()
                    .mapToInt(Integer::intValue).sum() + " task threads, at most " + AT_ONCE
                    + " at once cluster-wide: the most leases in use that a download saw was " + most);
        }
    }
}
