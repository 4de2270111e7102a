package io.kindling.grid.internal;

import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.binary.BinaryObject;
import org.apache.ignite.cache.CachePeekMode;

import javax.cache.Cache;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Client leases, so that the data of a client that died is reclaimed.
 *
 * <p>Every client holds a lease: an entry of the replicated {@value KindlingGrid#LEASE_CACHE}
 * cache under its id, written with a time-to-live of {@link #leaseMillis()} and rewritten every
 * {@link #renewMillis()} while the client lives. Ignite's clock on the servers expires it, so client
 * clocks do not matter. Every storage name holds its client's id. Each server's reaper looks at
 * its primary data entries every {@link #reaperMillis()} and removes those whose client has no
 * lease: a client killed with {@code kill -9} leaves nothing behind after at most
 * lease + reaper interval (12 s by default). Shared data (published in a dataset, or fetched from
 * one) stays while another holder lives ({@link Claims}).
 */
public final class Leases {
    private Leases() {
    }

    /** How long a lease lasts without renewal: {@code kindling.lease.millis}, 10 s by default. */
    public static long leaseMillis() {
        return Long.getLong("kindling.lease.millis", 10_000);
    }

    /**
     * How often a client renews its lease: {@code kindling.lease.renew.millis}, every second by
     * default (at most a third of the lease). Servers take a client whose lease was not renewed for
     * {@link #silenceMillis()} for dead as far as its running work goes.
     */
    public static long renewMillis() {
        return Math.max(1, Math.min(leaseMillis() / 3, Long.getLong("kindling.lease.renew.millis", 1_000)));
    }

    /**
     * How long a client's lease may go unrenewed before the servers stop its running work:
     * {@code kindling.client.silence.millis}, 3 s by default (its data stays until the lease runs out).
     */
    public static long silenceMillis() {
        return Math.max(2 * renewMillis(), Long.getLong("kindling.client.silence.millis", 3_000));
    }

    /** How often a server's reaper looks for data without a lease: {@code kindling.reaper.millis}, 2 s by default. */
    public static long reaperMillis() {
        return Long.getLong("kindling.reaper.millis", 2_000);
    }

    /**
     * Removes this node's primary data entries (of every data cache) whose client holds no lease;
     * returns how many, by client id.
     */
    public static Map<String, Integer> reap(Ignite ignite) {
        KindlingGrid.dataCache(ignite);
        IgniteCache<String, Boolean> leases = KindlingGrid.leaseCache(ignite);
        Map<String, Integer> removed = new java.util.TreeMap<>();
        for (String name : KindlingGrid.dataCacheNames(ignite)) {
            reap(ignite, ignite.cache(name).<Object, BinaryObject>withKeepBinary(), leases)
                    .forEach((client, n) -> removed.merge(client, n, Integer::sum));
        }
        return removed;
    }

    private static Map<String, Integer> reap(Ignite ignite, IgniteCache<Object, BinaryObject> data, IgniteCache<String, Boolean> leases) {
        Map<Object, String> owners = new HashMap<>();
        for (Cache.Entry<Object, BinaryObject> e : data.localEntries(CachePeekMode.PRIMARY)) {
            String storage = storageOf(e.getKey());
            String client = storage == null ? null : KindlingGrid.clientOf(storage);
            if (client != null) {
                owners.put(e.getKey(), client);
            }
        }
        if (owners.isEmpty()) {
            return Map.of();
        }
        Set<String> clients = new HashSet<>(owners.values());
        Set<String> alive = leases.getAll(clients).keySet();
        Map<Object, String> orphanStorages = new HashMap<>();
        owners.forEach((key, client) -> {
            if (!alive.contains(client)) {
                orphanStorages.put(key, storageOf(key));
            }
        });
        // Shared data outlives the client that computed it while a dataset or another client holds it.
        Set<String> claimed = Claims.claimed(ignite, new HashSet<>(orphanStorages.values()));
        Set<Object> orphans = new HashSet<>();
        Map<String, Integer> byClient = new HashMap<>();
        orphanStorages.forEach((key, storage) -> {
            if (!claimed.contains(storage)) {
                orphans.add(key);
                byClient.merge(owners.get(key), 1, Integer::sum);
            }
        });
        if (!orphans.isEmpty()) {
            data.removeAll(orphans);
        }
        Claims.dropRecordsOf(ignite, new HashSet<>(orphanStorages.values()));
        return byClient;
    }

    private static String storageOf(Object cacheKey) {
        if (cacheKey instanceof BinaryObject b) {
            Object key = b.field("key");
            return key instanceof String s ? s : null;
        }
        if (cacheKey instanceof org.apache.ignite.cache.affinity.AffinityKey<?> k && k.key() instanceof String s) {
            return s;
        }
        return null;
    }
}
