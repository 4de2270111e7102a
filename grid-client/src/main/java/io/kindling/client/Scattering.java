package io.kindling.client;

import io.kindling.graph.Key;
import io.kindling.graph.internal.Tokens;
import io.kindling.grid.internal.KindlingGrid;
import io.kindling.grid.internal.PackedArrays;
import io.kindling.grid.internal.RunTasks;
import io.kindling.grid.internal.Sizes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code scatter}: values go to the data cache in one {@code putAll}, each under a key hashed
 * from its content (so scattering the same value twice stores it once), spread over the nodes in
 * turn, weighted by their task threads (as Dask spreads them), or all on one node (a value already
 * held elsewhere is then stored on that node too). The futures are finished at once.
 *
 * <p>Replicas: with {@code replicas > 0} the values go to the data cache that keeps that many
 * copies on other nodes ({@link KindlingGrid#dataCacheName}), so they survive the loss of as many
 * nodes; each copy takes the value's memory again. A value scattered again with more replicas is
 * stored again with them; a value that was lost is stored again.
 */
final class Scattering {
    private Scattering() {
    }

    /** Scatters {@code values} over {@code nodes} (null: all), with {@code replicas} copies each. */
    static <T> List<Future<T>> scatter(ClientCore core, List<T> values, java.util.Collection<String> nodes,
            int replicas) {
        return scatter(core, values, nodes, replicas, true);
    }

    /** As above; {@code hash} false gives each value a unique key instead of its content's (Dask's {@code hash=False}). */
    static <T> List<Future<T>> scatter(ClientCore core, List<T> values, java.util.Collection<String> nodes,
            int replicas, boolean hash) {
        core.requireOpen();
        core.ensureDataCache(replicas);
        String cache = KindlingGrid.dataCacheName(replicas);
        List<Key> keys = new ArrayList<>(values.size());
        List<Location> locations = new ArrayList<>(values.size());
        Map<Location, Object> puts = new HashMap<>();
        Map<Location, Long> sizes = new HashMap<>();
        List<String> turns = turns(core.topology, nodes);
        int first = NEXT.getAndAdd(values.size());
        for (int i = 0; i < values.size(); i++) {
            T v = values.get(i);
            Key k = hash ? Tokens.ofValue(typeName(v), v) : Tokens.unique(typeName(v));
            int partition = turns.isEmpty() ? Math.floorMod(k.hashCode(), KindlingGrid.PARTITIONS)
                    : core.topology.partitionOn(turns.get(Math.floorMod(first + i, turns.size())), k.hashCode());
            Location l = new Location(cache, core.storageName(k), partition);
            keys.add(k);
            locations.add(l);
            puts.put(l, PackedArrays.pack(KindlingGrid.toStored(v)));
            sizes.put(l, Sizes.of(v));
        }
        synchronized (core.state) {
            for (int i = 0; i < keys.size(); i++) {
                KeyEntry existing = core.state.get(keys.get(i));
                if (existing != null && existing.state == KeyEntry.State.MEMORY && existing.replicas >= replicas
                        && (nodes == null || nodes.contains(existing.node))) {
                    puts.remove(locations.get(i));
                }
            }
        }
        if (!puts.isEmpty()) {
            for (Map.Entry<Location, Object> p : puts.entrySet()) {
                String node = core.topology.nodeOf(p.getKey().partition());
                long memory = node == null ? 0 : core.topology.memory(node);
                if (memory > 0 && sizes.get(p.getKey()) > memory) {
                    throw memoryFull(core, puts, sizes, values, null);   // it could never fit, spilled or not
                }
                long heap = receivingHeap(core, node, replicas);
                if (heap > 0 && sizes.get(p.getKey()) > heap / HEAP_SHARE) {
                    throw tooLargeForHeap(node, heap, sizes.get(p.getKey()), replicas);
                }
            }
            try {
                for (Chunk chunk : chunks(core, puts, sizes)) {
                    storeMakingRoom(core, chunk);
                }
            } catch (io.kindling.grid.DataMemoryFullException e) {
                core.backend.removeAllAsync(new ArrayList<>(puts.keySet()));   // the call fails whole
                throw memoryFull(core, puts, sizes, values, e);
            }
        }
        List<Future<T>> out = new ArrayList<>(values.size());
        List<KeyEntry> entries = new ArrayList<>(values.size());
        List<Location> orphans = new ArrayList<>();
        synchronized (core.state) {
            for (int i = 0; i < keys.size(); i++) {
                T v = values.get(i);
                Location l = locations.get(i);
                long nbytes = sizes.get(l);
                KeyEntry e = core.state.addData(keys.get(i), cache, l.storage(), l.partition(),
                        core.topology.nodeOf(l.partition()), nbytes, nbytes < RunTasks.INLINE_BYTES, v, replicas,
                        nodes);
                core.state.hold(e);
                entries.add(e);
                if (!ClientState.uses(e, l.storage()) && puts.containsKey(l)) {
                    orphans.add(l);
                }
            }
        }
        if (!orphans.isEmpty()) {
            core.backend.removeAllAsync(orphans);
        }
        for (KeyEntry e : entries) {
            out.add(core.future(e));
        }
        core.pump();
        return out;
    }

    /** Times a store that found memory full asks the nodes to spill and tries again. */
    private static final int ROOM_ATTEMPTS = 5;

    /**
     * Stores {@code chunk}; when a node's memory is full, waits for the memory this client
     * released, then asks the nodes to spill cold values to disk and tries again.
     */
    private static void storeMakingRoom(ClientCore core, Chunk chunk) {
        for (int attempt = 0; ; attempt++) {
            try {
                store(core, chunk.values());
                return;
            } catch (io.kindling.grid.DataMemoryFullException full) {
                if (attempt >= ROOM_ATTEMPTS) {
                    throw full;
                }
                if (attempt == 0) {
                    // Memory this client released may still be on its way back.
                    core.freeReleasedMemory(ClientCore.OPERATION_TIMEOUT_MILLIS);
                } else {
                    core.backend.makeRoom(chunk.bytes());
                }
            }
        }
    }

    /**
     * {@code puts} in chunks of at most an eighth of the smallest node's data memory (1 to 64 MiB),
     * so that the nodes' spilling keeps up with a large scatter (a value larger goes alone).
     */
    private record Chunk(Map<Location, Object> values, long bytes) {
    }

    private static List<Chunk> chunks(ClientCore core, Map<Location, Object> puts, Map<Location, Long> sizes) {
        long smallest = Long.MAX_VALUE;
        for (String node : core.topology.nodes()) {
            long m = core.topology.memory(node);
            if (m > 0) {
                smallest = Math.min(smallest, m);
            }
        }
        long most = smallest == Long.MAX_VALUE ? 64L << 20 : Math.max(1L << 20, Math.min(64L << 20, smallest / 8));
        List<Chunk> out = new ArrayList<>();
        Map<Location, Object> chunk = new HashMap<>();
        long bytes = 0;
        for (Map.Entry<Location, Object> p : puts.entrySet()) {
            long size = sizes.get(p.getKey());
            if (!chunk.isEmpty() && bytes + size > most) {
                out.add(new Chunk(chunk, bytes));
                chunk = new HashMap<>();
                bytes = 0;
            }
            chunk.put(p.getKey(), p.getValue());
            bytes += size;
        }
        if (!chunk.isEmpty()) {
            out.add(new Chunk(chunk, bytes));
        }
        return out;
    }

    private static void store(ClientCore core, Map<Location, Object> puts) {
        core.withRecovery(() -> {
            core.backend.putAll(puts);
            return null;
        });
    }

    /**
     * A node takes a scattered value of at most this fraction (1/n) of its heap: while a value
     * arrives, Ignite holds the message and the value's bytes on the heap, and the node keeps the
     * value decoded too. Measured on child nodes: a value of 0.29 of the heap (300 MB, {@code -Xmx1g})
     * and of 0.37 (150 MB, {@code -Xmx384m}) went in; one of 0.41 and one of 0.62 ran the node out
     * of heap, and Ignite stopped it, with everything it held.
     */
    static final int HEAP_SHARE = 4;

    /** The smallest heap among the nodes that take a copy of the value: its node, and with replicas any. */
    private static long receivingHeap(ClientCore core, String node, int replicas) {
        if (replicas == 0) {
            return node == null ? 0 : core.topology.heap(node);
        }
        long smallest = 0;
        for (String n : core.topology.nodes()) {
            long h = core.topology.heap(n);
            if (h > 0 && (smallest == 0 || h < smallest)) {
                smallest = h;
            }
        }
        return smallest;
    }

    /** The error of a scatter of a value too large for a node's heap to take in. */
    private static io.kindling.grid.DataMemoryFullException tooLargeForHeap(String node, long heap, long size,
            int replicas) {
        return new io.kindling.grid.DataMemoryFullException("scatter of a value of " + io.kindling.grid.internal.DataMemory.size(size)
                + ": too large for " + (replicas == 0 ? "node " + node : "the nodes that keep its copies")
                + " to take in. A node holds about three times a value's size in its heap while the value arrives, "
                + "so it takes values of up to a quarter of its heap: " + io.kindling.grid.internal.DataMemory.size(heap / HEAP_SHARE)
                + " of " + io.kindling.grid.internal.DataMemory.size(heap) + " here. Nothing of this call was kept. Start the "
                + "nodes with a larger heap (bin/kindling-server --heap, LocalCluster.builder().nodeHeap(...), -Xmx), "
                + "or split the value into smaller ones");
    }

    /** The error of a scatter that did not fit: how much it was, the nodes' limit, and what to do. */
    private static io.kindling.grid.DataMemoryFullException memoryFull(ClientCore core, Map<Location, Object> puts,
            Map<Location, Long> sizes, List<?> values, RuntimeException cause) {
        long total = 0;
        long largest = 0;
        for (Location l : puts.keySet()) {
            long n = sizes.get(l);
            total += n;
            largest = Math.max(largest, n);
        }
        java.util.Set<String> nodes = new java.util.TreeSet<>();
        long limit = 0;
        for (Location l : puts.keySet()) {
            String node = core.topology.nodeOf(l.partition());
            if (node != null && nodes.add(node)) {
                limit = Math.max(limit, core.topology.memory(node));
            }
        }
        String size = io.kindling.grid.internal.DataMemory.size(total);
        return new io.kindling.grid.DataMemoryFullException("scatter of " + values.size()
                + (values.size() == 1 ? " value (" + size + ")" : " values (" + size + " in all, the largest "
                        + io.kindling.grid.internal.DataMemory.size(largest) + ")")
                + ": it did not fit in the data memory of node" + (nodes.size() == 1 ? " " : "s ") + String.join(", ", nodes)
                + (limit > 0 ? " (" + io.kindling.grid.internal.DataMemory.size(limit) + " each, kindling.data.region.bytes)" : "")
                + ", so none of it was kept; what the nodes held before is intact. Release futures you no longer need, "
                + "or start the nodes with more memory", cause);
    }

    /** Spreads scatters over calls too, so that values scattered one at a time do not pile up on one node. */
    private static final java.util.concurrent.atomic.AtomicInteger NEXT = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * The nodes in turn (those of {@code among}, or all), each as many times as it has task
     * threads (Dask spreads scattered data by threads), interleaved so that consecutive values go
     * to different nodes.
     */
    private static List<String> turns(Topology topology, java.util.Collection<String> among) {
        List<String> out = new ArrayList<>();
        int most = 0;
        for (String n : topology.nodes()) {
            most = Math.max(most, topology.slots(n));
        }
        for (int t = 0; t < most; t++) {
            for (String n : topology.nodes()) {
                if ((among == null || among.contains(n)) && topology.slots(n) > t) {
                    out.add(n);
                }
            }
        }
        if (out.isEmpty() && among != null) {
            throw new IllegalArgumentException("none of the nodes " + among + " is in the cluster; nodes: "
                    + topology.nodes());
        }
        return out;
    }

    private static String typeName(Object value) {
        if (value == null) {
            return "none";
        }
        String s = value.getClass().isArray() ? value.getClass().getComponentType().getSimpleName() + "-array"
                : value.getClass().getSimpleName();
        return s.isEmpty() ? "value" : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
