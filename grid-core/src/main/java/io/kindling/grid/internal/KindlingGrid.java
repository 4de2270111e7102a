package io.kindling.grid.internal;


import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.CacheAtomicityMode;
import org.apache.ignite.cache.CacheMode;
import org.apache.ignite.cache.CacheWriteSynchronizationMode;
import org.apache.ignite.cache.affinity.AffinityKey;
import org.apache.ignite.cache.affinity.rendezvous.RendezvousAffinityFunction;
import org.apache.ignite.configuration.CacheConfiguration;

/**
 * What Kindling keeps in an Ignite cluster, and how.
 *
 * <p>Data: one partitioned cache, {@value #DATA_CACHE}, holds every result and scattered value.
 * Its key is an {@link AffinityKey} of a storage name (the Kindling key's text and a suffix unique
 * to one computation of it) and a partition number; Ignite's
 * affinity maps partition number {@code p} to partition {@code p} (checked at start), so whoever
 * writes a value chooses the node that keeps it: the scheduler picks a partition whose primary is
 * the node that computed the value, and a task reading it is sent to that node.
 *
 * <p>Replicas: a value stored with {@code n} replicas goes to the cache
 * {@link #dataCacheName(int) kindling-data-n}, the same configuration with {@code n} Ignite
 * backups, so that Ignite keeps {@code n} more copies on distinct nodes and makes new ones after a
 * node leaves. Its partitions have the same primaries as the default cache's (rendezvous affinity
 * over the same partitions and nodes), so placement does not depend on the replica count.
 *
 * <p>Writes are {@code FULL_SYNC}: with the default {@code PRIMARY_SYNC} a read on another node
 * right after a write returned stale values or null here. Values are stored as they are, except
 * null, which a cache cannot hold ({@link StoredNull}).
 */
public final class KindlingGrid {
    /** The cache of results and scattered values. */
    public static final String DATA_CACHE = "kindling-data";
    /** Partitions of the data cache: few enough to list a node's own quickly, enough to spread. */
    public static final int PARTITIONS = 256;

    private KindlingGrid() {
    }

    /**
     * The configuration of the data cache with {@code backups} copies of each value besides the
     * primary, without the interceptor that keeps arriving values decoded ({@link KeepDecoded}),
     * which only servers with Kindling's classes can load.
     */
    public static CacheConfiguration<AffinityKey<String>, Object> dataCacheConfiguration(int backups) {
        return dataCacheConfiguration(backups, false);
    }

    /** As {@link #dataCacheConfiguration(int)}; with {@code keepDecoded}, with that interceptor. */
    static CacheConfiguration<AffinityKey<String>, Object> dataCacheConfiguration(int backups, boolean keepDecoded) {
        CacheConfiguration<AffinityKey<String>, Object> c = new CacheConfiguration<>(dataCacheName(backups));
        c.setCacheMode(CacheMode.PARTITIONED);
        c.setAtomicityMode(CacheAtomicityMode.ATOMIC);
        c.setWriteSynchronizationMode(CacheWriteSynchronizationMode.FULL_SYNC);
        c.setBackups(backups);
        c.setAffinity(new RendezvousAffinityFunction(false, PARTITIONS));
        c.setStatisticsEnabled(false);
        if (keepDecoded) {
            c.setInterceptor(new KeepDecoded(c.getName()));
        }
        return c;
    }

    /**
     * The caches {@link io.kindling.grid.KindlingServer#install} creates (the data cache without
     * backups, leases, holdings and the shared tables), for a server to start with itself, where
     * every server of the cluster runs Kindling: the data cache names Kindling's classes.
     */
    @SuppressWarnings("rawtypes")   // Ignite takes an array of raw configurations
    public static CacheConfiguration[] installedCaches() {
        java.util.List<CacheConfiguration> all = new java.util.ArrayList<>(java.util.List.of(
                dataCacheConfiguration(0, true), leaseCacheConfiguration(), NodeHoldings.configuration()));
        all.addAll(Claims.tableConfigurations());
        return all.toArray(new CacheConfiguration[0]);
    }

    /** The data cache, created with no backups if the cluster does not have it yet. */
    public static IgniteCache<AffinityKey<String>, Object> dataCache(Ignite ignite) {
        return dataCache(ignite, DATA_CACHE);
    }

    /** The most replicas a value may have (Ignite keeps fewer while the cluster has fewer nodes). */
    public static final int MAX_REPLICAS = 8;

    /**
     * The data cache of values kept with {@code replicas} copies besides the primary:
     * {@value #DATA_CACHE} for none, {@code kindling-data-N} otherwise.
     */
    public static String dataCacheName(int replicas) {
        if (replicas < 0 || replicas > MAX_REPLICAS) {
            throw new IllegalArgumentException("replicas must be between 0 and " + MAX_REPLICAS + ", not " + replicas);
        }
        return replicas == 0 ? DATA_CACHE : DATA_CACHE + "-" + replicas;
    }

    /** The replicas of a data cache named by {@link #dataCacheName(int)}, or -1 if the name is not one. */
    public static int replicasOf(String cache) {
        if (DATA_CACHE.equals(cache)) {
            return 0;
        }
        if (cache == null || !cache.startsWith(DATA_CACHE + "-")) {
            return -1;
        }
        try {
            int n = Integer.parseInt(cache.substring(DATA_CACHE.length() + 1));
            return n >= 1 && n <= MAX_REPLICAS ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A data cache by name (see {@link #dataCacheName(int)}), created if the cluster does not have it yet. */
    public static IgniteCache<AffinityKey<String>, Object> dataCache(Ignite ignite, String name) {
        IgniteCache<AffinityKey<String>, Object> cache = ignite.cache(name);
        if (cache != null) {
            return cache;
        }
        int replicas = replicasOf(name);
        if (replicas < 0) {
            throw new IllegalArgumentException("'" + name + "' is not a Kindling data cache");
        }
        boolean kindling = kindlingServers(ignite);
        if (kindling) {
            // A new cache takes pages for its partitions on every server, in the exchange that
            // creates it: on a full data region that exchange failed and Ignite stopped the servers.
            SpillCalls.roomForCache(ignite, name, replicas);
        }
        return ignite.getOrCreateCache(dataCacheConfiguration(replicas, kindling));
    }

    /**
     * Whether every server of the cluster runs Kindling (it says how many tasks it runs,
     * {@link NodeAttributes#THREADS}), so that a cache may name Kindling's classes: a stock
     * Ignite server that runs Kindling's tasks by peer class loading cannot load a cache's
     * interceptor, and would fail the cache's creation.
     */
    private static boolean kindlingServers(Ignite ignite) {
        java.util.Collection<org.apache.ignite.cluster.ClusterNode> servers = ignite.cluster().forServers().nodes();
        return !servers.isEmpty() && servers.stream().allMatch(n -> n.attribute(NodeAttributes.THREADS) != null);
    }

    /** The Kindling data caches this cluster has now. */
    public static java.util.List<String> dataCacheNames(Ignite ignite) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String name : ignite.cacheNames()) {
            if (replicasOf(name) >= 0) {
                out.add(name);
            }
        }
        java.util.Collections.sort(out);
        return out;
    }

    /** Kindling's caches of its own bookkeeping that this cluster has now, besides data and leases. */
    public static java.util.List<String> bookkeepingCaches(Ignite ignite) {
        return ignite.cacheNames().contains(NodeHoldings.CACHE) ? java.util.List.of(NodeHoldings.CACHE) : java.util.List.of();
    }

    /** The cache key of a value stored under {@code storage} in partition {@code partition}. */
    public static AffinityKey<String> cacheKey(String storage, int partition) {
        return new AffinityKey<>(storage, partition);
    }

    /**
     * A storage name for one computation of {@code key} by client {@code clientId}: never used
     * before, and naming its client, so that the data of a client whose lease ran out can be found.
     */
    public static String storageName(io.kindling.graph.Key key, String clientId) {
        return key + "#" + clientId + "." + Long.toHexString(io.kindling.graph.internal.Tokens.unique());
    }

    /** The client that wrote data under {@code storage}, or null for a name of another form. */
    public static String clientOf(String storage) {
        int hash = storage.lastIndexOf('#');
        int dot = storage.lastIndexOf('.');
        return hash < 0 || dot < hash ? null : storage.substring(hash + 1, dot);
    }

    /**
     * The partitions of a small replicated cache (the leases, the holdings): Ignite's default of
     * 1024 gives every node 1024 partitions of each, each with pages of its own in the data region
     * (32 MiB of a node's resident memory for the two, with 16 KiB pages), for a few entries.
     */
    public static final int SMALL_REPLICATED_PARTITIONS = 32;

    /** The cache of client leases: client id to a marker that expires unless the client renews it. */
    public static final String LEASE_CACHE = "kindling-leases";

    /** The lease cache's configuration: replicated (every node reads leases locally), expired entries removed eagerly. */
    public static CacheConfiguration<String, Boolean> leaseCacheConfiguration() {
        CacheConfiguration<String, Boolean> c = new CacheConfiguration<>(LEASE_CACHE);
        c.setCacheMode(CacheMode.REPLICATED);
        c.setAtomicityMode(CacheAtomicityMode.ATOMIC);
        c.setWriteSynchronizationMode(CacheWriteSynchronizationMode.FULL_SYNC);
        c.setEagerTtl(true);
        c.setAffinity(new RendezvousAffinityFunction(false, SMALL_REPLICATED_PARTITIONS));
        return c;
    }

    /** The lease cache, created if the cluster does not have it yet. */
    public static IgniteCache<String, Boolean> leaseCache(Ignite ignite) {
        IgniteCache<String, Boolean> cache = ignite.cache(LEASE_CACHE);
        return cache != null ? cache : ignite.getOrCreateCache(leaseCacheConfiguration());
    }

    /** Stands for a null value in the data cache. */
    public enum StoredNull {
        /** The one null marker. */
        INSTANCE
    }

    /** A value as the cache stores it. */
    public static Object toStored(Object value) {
        return value == null ? StoredNull.INSTANCE : value;
    }

    /** Its argument: the task that copies a value to another place in the grid (replicate, rebalance). */
    public static Object same(Object value) {
        return value;
    }

    /** A value as the cache stored it, back to what the task returned. */
    public static Object fromStored(Object stored) {
        return stored == StoredNull.INSTANCE ? null : stored;
    }
}
