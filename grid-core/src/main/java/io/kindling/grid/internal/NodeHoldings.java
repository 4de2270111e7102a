package io.kindling.grid.internal;

import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.CacheAtomicityMode;
import org.apache.ignite.cache.CacheMode;
import org.apache.ignite.cache.CachePeekMode;
import org.apache.ignite.cache.CacheWriteSynchronizationMode;
import org.apache.ignite.cache.affinity.rendezvous.RendezvousAffinityFunction;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.configuration.CacheConfiguration;

import javax.cache.Cache;
import java.util.HashSet;
import java.util.Set;

/**
 * How many values each server holds, so that the servers that stay can say what one that left
 * took with it. Every server's Kindling service writes its counts into the replicated
 * {@value #CACHE} cache each reaper round (every {@link Leases#reaperMillis()}): the time, its
 * primary values without a replica and those with one. A departed server's entry is read by the
 * others, and dropped by the oldest server a minute after its node left.
 */
public final class NodeHoldings {
    public static final String CACHE = "kindling-holdings";
    private static final long FORGET_MILLIS = 60_000;

    private NodeHoldings() {
    }

    /** Creates the cache if the cluster does not have it yet. */
    public static void create(Ignite ignite) {
        cache(ignite);
    }

    private static IgniteCache<String, long[]> cache(Ignite ignite) {
        IgniteCache<String, long[]> cache = ignite.cache(CACHE);
        if (cache != null) {
            return cache;
        }
        return ignite.getOrCreateCache(configuration());
    }

    /** The configuration of {@link #CACHE}: replicated, a few entries per server. */
    static CacheConfiguration<String, long[]> configuration() {
        CacheConfiguration<String, long[]> c = new CacheConfiguration<>(CACHE);
        c.setCacheMode(CacheMode.REPLICATED);
        c.setAtomicityMode(CacheAtomicityMode.ATOMIC);
        c.setWriteSynchronizationMode(CacheWriteSynchronizationMode.FULL_SYNC);
        c.setAffinity(new RendezvousAffinityFunction(false, KindlingGrid.SMALL_REPLICATED_PARTITIONS));
        return c;
    }

    /** Writes this server's counts, and on the oldest server drops entries of nodes gone for a minute. */
    static void publish(Ignite ignite) {
        long alone = 0;
        long replicated = 0;
        for (String name : KindlingGrid.dataCacheNames(ignite)) {
            long n = ignite.cache(name).localSize(CachePeekMode.PRIMARY);
            if (KindlingGrid.replicasOf(name) == 0) {
                alone += n;
            } else {
                replicated += n;
            }
        }
        long now = System.currentTimeMillis();
        IgniteCache<String, long[]> cache = cache(ignite);
        cache.put(String.valueOf(ignite.cluster().localNode().consistentId()), new long[] {now, alone, replicated});
        ClusterNode oldest = ignite.cluster().forServers().forOldest().node();
        if (oldest != null && oldest.isLocal()) {
            Set<String> present = new HashSet<>();
            for (ClusterNode n : ignite.cluster().forServers().nodes()) {
                present.add(String.valueOf(n.consistentId()));
            }
            Set<String> gone = new HashSet<>();
            for (Cache.Entry<String, long[]> e : cache.localEntries(CachePeekMode.PRIMARY)) {
                if (!present.contains(e.getKey()) && e.getValue()[0] < now - FORGET_MILLIS) {
                    gone.add(e.getKey());
                }
            }
            cache.removeAll(gone);
        }
    }

    /**
     * What server {@code consistentId}, which has just {@code left} or failed, held when it last
     * counted, as a console line; null if it never counted (it held nothing that Kindling knows of).
     */
    public static String departureLine(Ignite ignite, String consistentId, String how) {
        long[] last = cache(ignite).get(consistentId);
        if (last == null) {
            return null;
        }
        if (last[1] == 0 && last[2] == 0) {
            return "server " + consistentId + " " + how + " holding no data";
        }
        double ago = Math.max(0, System.currentTimeMillis() - last[0]) / 1000.0;
        String counted = String.format(java.util.Locale.ROOT, " (counted %.1f s before)", ago);
        StringBuilder line = new StringBuilder("server " + consistentId + " " + how + ": ");
        if (last[1] > 0) {
            line.append("the ").append(last[1]).append(last[1] == 1 ? " value" : " values")
                    .append(" it held without a replica are lost").append(counted)
                    .append("; clients recompute those they can from their tasks, and say which they cannot");
        }
        if (last[2] > 0) {
            line.append(last[1] > 0 ? "; " : "").append(last[2]).append(last[2] == 1 ? " value" : " values")
                    .append(" with replicas are kept by the other copies")
                    .append(last[1] > 0 ? "" : counted);
        }
        return line.toString();
    }
}
