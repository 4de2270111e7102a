package io.kindling.client;

import io.kindling.grid.KindlingGrid;
import org.apache.ignite.cache.affinity.AffinityKey;

/** Where one computation of a value is stored: a data cache, a storage name and a partition. */
record Location(String cache, String storage, int partition) {
    static Location of(KeyEntry e) {
        return new Location(e.cache, e.storage, e.partition);
    }

    AffinityKey<String> cacheKey() {
        return KindlingGrid.cacheKey(storage, partition);
    }
}
