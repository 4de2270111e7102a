package io.kindling.bench;

import io.kindling.client.Client;
import io.kindling.grid.internal.KindlingGrid;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCompute;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.lang.IgniteFuture;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.kindling.bench.DistributedCases.N_INDEP;
import static io.kindling.bench.DistributedCases.N_LAT;
import static io.kindling.bench.DistributedCases.REPS;

/**
 * Raw Ignite baselines of the {@code distributed} section, on the same cluster as Kindling's
 * cases: the same {@code inc} as an {@link IgniteCallable} sent with {@code affinityCall} to the
 * primary of a partition of the data cache, with none of Kindling's bookkeeping. They are the
 * floor that Kindling's figures are judged against.
 */
final class RawIgniteCases {
    private RawIgniteCases() {
    }

    /** The raw Ignite baseline's job: {@code inc(x)}, a class on the servers' class path. */
    static final class IncCallable implements IgniteCallable<Integer> {
        private static final long serialVersionUID = 1L;
        private final int x;

        IncCallable(int x) {
            this.x = x;
        }

        @Override
        public Integer call() {
            return LocalCases.inc(x);
        }
    }

    static void submitGather(Report report, Client client) throws Exception {
        Ignite ignite = client.ignite();
        IgniteCompute compute = ignite.compute(ignite.cluster().forServers());
        report.emit("raw_ignite_submit_gather", N_INDEP, Measure.repeat(1, REPS, () -> {
            long t0 = System.nanoTime();
            List<IgniteFuture<Integer>> futures = new ArrayList<>(N_INDEP);
            for (int i = 0; i < N_INDEP; i++) {
                futures.add(compute.affinityCallAsync(KindlingGrid.DATA_CACHE, i, new IncCallable(i)));
            }
            long sum = 0;
            for (IgniteFuture<Integer> f : futures) {
                sum += f.get();
            }
            double s = Measure.seconds(t0);
            LocalCases.check(sum == (long) N_INDEP * (N_INDEP + 1) / 2);
            return s;
        }), true, Map.of("note", "N x ignite.compute(servers).affinityCallAsync(\"" + KindlingGrid.DATA_CACHE
                + "\", i, IncCallable(i)), all in flight, then get() each: the grid's own floor"));
    }
}
