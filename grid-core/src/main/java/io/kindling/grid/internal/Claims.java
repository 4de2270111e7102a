package io.kindling.grid.internal;

import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.CacheAtomicityMode;
import org.apache.ignite.cache.CacheMode;
import org.apache.ignite.cache.CacheWriteSynchronizationMode;
import org.apache.ignite.cache.affinity.rendezvous.RendezvousAffinityFunction;
import org.apache.ignite.configuration.CacheConfiguration;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who holds data that is shared: a stored value that left the client that computed it (published
 * in a dataset, or fetched from one by another client) has an entry in the {@value #CACHE} cache,
 * under its storage name, listing its holders. A holder is a client (alive while its lease is) or
 * a named one: a dataset (alive until unpublished), a queue's item (until taken), a variable's
 * value (until replaced or deleted). The value stays while any holder is alive; whoever finds
 * the last one gone removes the entry (compare-and-set on the whole list, so that a holder added
 * at the same moment either lands first and keeps the value, or finds the entry gone and fails)
 * and then the value.
 *
 * <p>Data that never left its client has no entry and costs nothing here: it lives and dies with
 * its client's lease, as before ({@link Leases}).
 *
 * <p>The list is one string of holder ids separated by spaces, sorted, so that comparing two
 * lists is comparing two strings, on any node and over the thin protocol alike.
 */
public final class Claims {
    private Claims() {
    }

    /** Storage name to its holders. */
    public static final String CACHE = "kindling-claims";
    /** Dataset name to its published record. */
    public static final String DATASETS = "kindling-datasets";
    /** The prefix of a dataset's holder id; the rest names one publication of it. */
    public static final String DATASET_HOLDER = "dataset:";
    /** The prefix of the holder id of a queue's item that is a future. */
    public static final String QUEUE_HOLDER = "queue:";
    /** The prefix of the holder id of a variable's value that is a future. */
    public static final String VARIABLE_HOLDER = "variable:";
    /** Few partitions: these caches hold a handful of small entries, and a partition costs pages on every node. */
    public static final int PARTITIONS = 32;
    /**
     * Kindling key to the record of its computation by some client (where its value is, or its
     * error), so that a client submitting a key that another computed or is computing shares it
     * (see {@code KeySharing} in the client). Partitioned without backups: a record lost with a
     * node costs only a computation done twice.
     */
    public static final String KEYS = "kindling-keys";
    /** Partitions of {@link #KEYS}: it holds a record per key that clients hold. */
    public static final int KEY_PARTITIONS = 128;
    /** The entry of {@link #CACHE} listing the clients that have put records in {@link #KEYS}. */
    public static final String REGISTRANTS = "registrants";
    /**
     * The prefix of the entry of {@link #CACHE} that says another client took a holder list on a
     * value of the client named after it: that client then releases its values through their
     * holder lists. (Storage names have a '#', so no storage is named like it.)
     */
    public static final String SHARED_FROM = "shared-from:";
    /**
     * The entry of {@link #CACHE} listing the keys cancelled lately with {@code force}: every
     * client that shares keys cancels its unfinished computations of them on sight.
     */
    public static final String FORCED = "force-cancelled";
    /** The prefix of the entry of {@link #CACHE} in which the client named after it lists the clients it wrote its key records for. */
    public static final String ACK = "shared-ack:";
    /** The table of semaphores, locks, queues, variables and events, each a few entries under its kind and name. */
    public static final String COORDINATION = "kindling-coordination";

    /** The configuration of {@link #CACHE}, {@link #DATASETS} or {@link #COORDINATION}: replicated, atomic, written everywhere before a call returns. */
    public static <V> CacheConfiguration<String, V> configuration(String name) {
        CacheConfiguration<String, V> c = new CacheConfiguration<>(name);
        c.setCacheMode(CacheMode.REPLICATED);
        c.setAtomicityMode(CacheAtomicityMode.ATOMIC);
        c.setWriteSynchronizationMode(CacheWriteSynchronizationMode.FULL_SYNC);
        c.setAffinity(new RendezvousAffinityFunction(false, PARTITIONS));
        return c;
    }

    /** Kindling's shared table {@code name} ({@link #CACHE} or {@link #DATASETS}), created if the cluster lacks it. */
    public static <V> IgniteCache<String, V> table(Ignite ignite, String name) {
        if (!CACHE.equals(name) && !DATASETS.equals(name) && !KEYS.equals(name) && !COORDINATION.equals(name)) {
            throw new IllegalArgumentException("'" + name + "' is not one of Kindling's shared tables");
        }
        IgniteCache<String, V> cache = ignite.cache(name);
        if (cache != null) {
            return cache;
        }
        return ignite.getOrCreateCache(KEYS.equals(name) ? keysConfiguration() : Claims.<V>configuration(name));
    }

    /** The configuration of {@link #KEYS}: partitioned, as it holds a record per shared key. */
    private static <V> CacheConfiguration<String, V> keysConfiguration() {
        CacheConfiguration<String, V> c = new CacheConfiguration<>(KEYS);
        c.setCacheMode(CacheMode.PARTITIONED);
        c.setBackups(0);
        c.setAtomicityMode(CacheAtomicityMode.ATOMIC);
        c.setAffinity(new RendezvousAffinityFunction(false, KEY_PARTITIONS));
        return c;
    }

    /** The configurations of the shared tables. */
    @SuppressWarnings("rawtypes")
    static List<CacheConfiguration> tableConfigurations() {
        return List.of(configuration(CACHE), configuration(DATASETS), keysConfiguration(), configuration(COORDINATION));
    }

    /**
     * Creates the shared tables the cluster lacks, in one exchange: a client's first use of each
     * would otherwise wait for an exchange of its own (about half a second of a local cluster's start).
     */
    @SuppressWarnings("rawtypes")   // Ignite takes a collection of raw configurations
    public static void createTables(Ignite ignite) {
        List<CacheConfiguration> missing = new ArrayList<>();
        for (CacheConfiguration c : tableConfigurations()) {
            if (ignite.cache(c.getName()) == null) {
                missing.add(c);
            }
        }
        if (!missing.isEmpty()) {
            ignite.getOrCreateCaches(missing);
        }
    }

    /**
     * Removes the records in {@link #KEYS} that dead clients wrote of the keys of {@code storages}
     * (their data, which the reaper found without a lease): nobody takes them over any more, and
     * a table nobody cleaned would keep them for ever.
     */
    static void dropRecordsOf(Ignite ignite, Set<String> storages) {
        IgniteCache<String, byte[]> keys = ignite.cache(KEYS);
        if (keys == null || storages.isEmpty()) {
            return;
        }
        Map<String, String> clientOfKey = new java.util.HashMap<>();
        for (String storage : storages) {
            int hash = storage.lastIndexOf('#');
            if (hash > 0) {
                clientOfKey.put(storage.substring(0, hash), KindlingGrid.clientOf(storage));
            }
        }
        keys.getAll(clientOfKey.keySet()).forEach((key, record) -> {
            if (clientOfKey.get(key).equals(recordClient(record))) {
                keys.remove(key, record);
            }
        });
    }

    /**
     * The client that wrote a record of {@link #KEYS}, or null: a record begins with its state
     * (one byte) and the client's id (as {@link java.io.DataOutput#writeUTF}); the client side
     * ({@code KeySharing.Record}) writes the rest.
     */
    public static String recordClient(byte[] record) {
        try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(record))) {
            in.readByte();
            return in.readUTF();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** The holders a list names. */
    public static Set<String> holders(String list) {
        Set<String> out = new TreeSet<>();
        if (list != null) {
            for (String h : list.split(" ")) {
                if (!h.isEmpty()) {
                    out.add(h);
                }
            }
        }
        return out;
    }

    /** The list of {@code holders}. */
    public static String list(Collection<String> holders) {
        return String.join(" ", new TreeSet<>(holders));
    }

    /**
     * Whether {@code holder} is a named one (a dataset, a queue's item, a variable's value), alive
     * until let go explicitly; otherwise it is a client (whose ids have no colon), alive while its lease is.
     */
    public static boolean isNamed(String holder) {
        return holder.indexOf(':') >= 0;
    }

    /** The holders of {@code holders} that are alive, given the clients among them that hold a lease. */
    public static Set<String> alive(Set<String> holders, Set<String> leased) {
        Set<String> out = new TreeSet<>();
        for (String h : holders) {
            if (isNamed(h) || leased.contains(h)) {
                out.add(h);
            }
        }
        return out;
    }

    /** The clients among {@code holders} (whose leases say whether they are alive). */
    public static Set<String> clients(Collection<String> holders) {
        Set<String> out = new HashSet<>();
        for (String h : holders) {
            if (!isNamed(h)) {
                out.add(h);
            }
        }
        return out;
    }

    /**
     * Of {@code orphans} (storage names whose client holds no lease), those the reaper must keep
     * because a live holder claims them. A claimed storage whose holders are all gone loses its
     * entry here, and is then the reaper's to remove; one whose entry changed meanwhile is kept
     * for the next round.
     */
    public static Set<String> claimed(Ignite ignite, Set<String> orphans) {
        IgniteCache<String, String> claims = ignite.cache(CACHE);
        if (claims == null || orphans.isEmpty()) {
            return Set.of();
        }
        Map<String, String> lists = claims.getAll(orphans);
        if (lists.isEmpty()) {
            return Set.of();
        }
        Set<String> clients = new HashSet<>();
        lists.values().forEach(l -> clients.addAll(clients(holders(l))));
        Set<String> leased = clients.isEmpty() ? Set.of() : KindlingGrid.leaseCache(ignite).getAll(clients).keySet();
        Set<String> keep = new HashSet<>();
        lists.forEach((storage, list) -> {
            if (!alive(holders(list), leased).isEmpty() || !claims.remove(storage, list)) {
                keep.add(storage);
            }
        });
        return keep;
    }
}
