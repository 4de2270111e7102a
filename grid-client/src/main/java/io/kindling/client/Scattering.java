package io.kindling.client;

import io.kindling.graph.Key;
import io.kindling.graph.Tokens;
import io.kindling.grid.KindlingGrid;
import io.kindling.grid.RunTasks;
import io.kindling.grid.Sizes;
import org.apache.ignite.cache.affinity.AffinityKey;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code scatter}: values go to the data cache in one {@code putAll}, each under a key hashed
 * from its content (so scattering the same value twice stores it once), spread over the nodes by
 * that hash, or all on one node. The futures are finished at once.
 */
final class Scattering {
    private Scattering() {
    }

    static <T> List<Future<T>> scatter(ClientCore core, List<T> values, String node) {
        core.requireOpen();
        List<Key> keys = new ArrayList<>(values.size());
        List<String> storage = new ArrayList<>(values.size());
        List<Integer> partitions = new ArrayList<>(values.size());
        Map<AffinityKey<String>, Object> puts = new HashMap<>();
        for (T v : values) {
            Key k = Key.of(typeName(v), Tokens.ofValue(v));
            int partition = node != null ? core.topology.partitionOn(node, k.hashCode())
                    : Math.floorMod(k.hashCode(), KindlingGrid.PARTITIONS);
            keys.add(k);
            storage.add(core.storageName(k));
            partitions.add(partition);
            puts.put(KindlingGrid.cacheKey(storage.get(storage.size() - 1), partition), KindlingGrid.toStored(v));
        }
        synchronized (core.state) {
            for (int i = 0; i < keys.size(); i++) {
                KeyEntry existing = core.state.get(keys.get(i));
                if (existing != null && existing.state == KeyEntry.State.MEMORY) {
                    puts.remove(KindlingGrid.cacheKey(storage.get(i), partitions.get(i)));
                }
            }
        }
        core.backend.putAll(puts);
        List<Future<T>> out = new ArrayList<>(values.size());
        List<KeyEntry> entries = new ArrayList<>(values.size());
        java.util.Set<AffinityKey<String>> orphans = new java.util.HashSet<>();
        synchronized (core.state) {
            for (int i = 0; i < keys.size(); i++) {
                T v = values.get(i);
                long nbytes = Sizes.of(v);
                KeyEntry e = core.state.addData(keys.get(i), storage.get(i), partitions.get(i),
                        core.topology.nodeOf(partitions.get(i)), nbytes, nbytes < RunTasks.INLINE_BYTES, v);
                core.state.hold(e);
                entries.add(e);
                AffinityKey<String> ours = KindlingGrid.cacheKey(storage.get(i), partitions.get(i));
                if (!e.storage.equals(storage.get(i)) && puts.containsKey(ours)) {
                    orphans.add(ours);
                }
            }
        }
        if (!orphans.isEmpty()) {
            core.backend.removeAll(orphans);
        }
        for (KeyEntry e : entries) {
            out.add(core.future(e));
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
