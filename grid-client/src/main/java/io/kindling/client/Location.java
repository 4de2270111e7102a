package io.kindling.client;

import io.kindling.grid.internal.KindlingGrid;
import org.apache.ignite.cache.affinity.AffinityKey;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Where one computation of a value is stored: a data cache, a storage name and a partition. */
record Location(String cache, String storage, int partition) {
    static Location of(KeyEntry e) {
        return new Location(e.cache, e.storage, e.partition);
    }

    /** The location of cache key {@code key} in data cache {@code cache}. */
    static Location of(String cache, AffinityKey<String> key) {
        return new Location(cache, key.key(), (Integer) key.affinityKey());
    }

    AffinityKey<String> cacheKey() {
        return KindlingGrid.cacheKey(storage, partition);
    }

    /** The cache keys of {@code locations}, by data cache: one call per cache. */
    static Map<String, Set<AffinityKey<String>>> keysByCache(Collection<Location> locations) {
        Map<String, Set<AffinityKey<String>>> out = new HashMap<>();
        for (Location l : locations) {
            out.computeIfAbsent(l.cache(), c -> new HashSet<>()).add(l.cacheKey());
        }
        return out;
    }

    /** Values to store, by data cache and cache key: one call per cache. */
    static Map<String, Map<AffinityKey<String>, Object>> valuesByCache(Map<Location, Object> values) {
        Map<String, Map<AffinityKey<String>, Object>> out = new HashMap<>();
        values.forEach((l, v) -> out.computeIfAbsent(l.cache(), c -> new HashMap<>()).put(l.cacheKey(), v));
        return out;
    }
}
