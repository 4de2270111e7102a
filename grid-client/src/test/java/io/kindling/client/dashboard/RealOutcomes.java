package io.kindling.client.dashboard;

import io.kindling.graph.Fn1;
import io.kindling.graph.Key;
import io.kindling.graph.Task;
import io.kindling.graph.internal.Tokens;
import io.kindling.grid.internal.GridBatch;
import io.kindling.grid.internal.KindlingGrid;
import io.kindling.grid.internal.Outcome;
import io.kindling.grid.internal.RunTasks;
import io.kindling.grid.internal.TaskSpec;
import io.kindling.testing.Ops;
import org.apache.ignite.Ignite;
import org.apache.ignite.cache.affinity.AffinityKey;
import org.apache.ignite.cluster.ClusterNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Outcomes as a client receives them, made the way a client makes them: a {@link RunTasks} job
 * sent to every server node, carrying {@code perNode} tasks of {@code inc}. The values they store
 * are deleted before returning. (Until clients hand their batches to {@code TaskStream.observe}
 * themselves, tests feed it these.)
 */
final class RealOutcomes {
    private static final Fn1<Integer, Integer> INC = Ops::inc;

    private RealOutcomes() {
    }

    /** One list of outcomes per node, as each node's batch came back. */
    static List<List<Outcome>> run(Ignite ignite, int perNode) {
        List<List<Outcome>> batches = new ArrayList<>();
        Set<AffinityKey<String>> stored = new HashSet<>();
        int n = 0;
        for (ClusterNode node : ignite.cluster().forServers().nodes()) {
            List<TaskSpec> specs = new ArrayList<>();
            for (int i = 0; i < perNode; i++, n++) {
                Key key = Key.of("inc", 0x1000L + n);
                String storage = key + "#dashboard-test." + Long.toHexString(Tokens.unique());
                int partition = n % KindlingGrid.PARTITIONS;
                specs.add(new TaskSpec(Task.of(key, INC, n), null, storage, partition, new Key[0], null, new String[0],
                        new int[0]));
                stored.add(KindlingGrid.cacheKey(storage, partition));
            }
            batches.add(ignite.compute(ignite.cluster().forNode(node)).call(new RunTasks(new GridBatch("dashboard-test", null,
                    n, specs))).list());
        }
        KindlingGrid.dataCache(ignite).removeAll(stored);
        return batches;
    }
}
