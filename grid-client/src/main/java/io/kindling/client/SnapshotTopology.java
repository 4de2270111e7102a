package io.kindling.client;

import io.kindling.grid.internal.TopologySnapshot;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A {@link Topology} read from the cluster as a {@link TopologySnapshot} and kept while it is
 * current. A thick client knows when it is not (the topology version changed: a node joined or
 * left); a thin client, which has neither affinity nor topology events, reads it again when a call
 * to a node fails and every {@value #REFRESH_MILLIS} ms, so that joined nodes get work.
 */
final class SnapshotTopology implements Topology {
    static final long REFRESH_MILLIS = 2000;

    private final Supplier<TopologySnapshot> source;
    private final LongSupplier version;
    private volatile View view;

    private record View(TopologySnapshot snapshot, Map<String, int[]> partitions, long readAt) {
    }

    /** A topology read from {@code source}, again every {@value #REFRESH_MILLIS} ms. */
    SnapshotTopology(Supplier<TopologySnapshot> source) {
        this(source, null);
    }

    /** A topology read from {@code source} again whenever {@code version} differs from the snapshot's. */
    SnapshotTopology(Supplier<TopologySnapshot> source, LongSupplier version) {
        this.source = source;
        this.version = version;
    }

    TopologySnapshot snapshot() {
        return view().snapshot;
    }

    void invalidate() {
        view = null;
    }

    private View view() {
        View v = view;
        if (v != null && (version != null ? version.getAsLong() == v.snapshot.version()
                : System.nanoTime() - v.readAt < REFRESH_MILLIS * 1_000_000)) {
            return v;
        }
        TopologySnapshot s = source.get();
        Map<String, List<Integer>> lists = new HashMap<>();
        String[] owners = s.owners();
        for (int p = 0; p < owners.length; p++) {
            if (owners[p] != null) {
                lists.computeIfAbsent(owners[p], n -> new java.util.ArrayList<>()).add(p);
            }
        }
        Map<String, int[]> partitions = new HashMap<>();
        lists.forEach((n, l) -> partitions.put(n, l.stream().mapToInt(Integer::intValue).toArray()));
        v = new View(s, partitions, System.nanoTime());
        view = v;
        return v;
    }

    @Override
    public List<String> nodes() {
        return view().snapshot.nodes();
    }

    @Override
    public String nodeOf(int partition) {
        String[] owners = view().snapshot.owners();
        return partition < 0 || partition >= owners.length ? null : owners[partition];
    }

    @Override
    public int partitionOn(String node, int hash) {
        int[] parts = view().partitions.get(node);
        return parts == null || parts.length == 0 ? -1 : parts[Math.floorMod(hash, parts.length)];
    }

    @Override
    public int slots(String node) {
        return view().snapshot.slots().getOrDefault(node, 1);
    }

    @Override
    public Map<String, Double> resources(String node) {
        Map<String, Map<String, Double>> all = view().snapshot.resources();
        Map<String, Double> r = all == null ? null : all.get(node);
        return r == null ? Map.of() : r;
    }

    @Override
    public long memory(String node) {
        return view().snapshot.memory().getOrDefault(node, 0L);
    }

    @Override
    public long heap(String node) {
        return view().snapshot.heap().getOrDefault(node, 0L);
    }
}
