package io.kindling.grid.internal;

import org.apache.commons.collections4.map.AbstractLinkedMap;
import org.apache.commons.collections4.map.LRUMap;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.affinity.AffinityKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The large values a node has read, computed or received (scattered to it, {@link KeepDecoded}),
 * kept decoded in its heap so that the next task on the node that reads one pays no
 * deserialization (a Dask worker keeps its objects in memory the same way). Least recently used
 * out first once the budget is spent ({@code kindling.decoded.bytes}; by default a quarter of
 * what the heap has beyond the {@value #IGNITE_RESERVE_MIB} MiB that Ignite itself needs, so a
 * small heap keeps no copies rather than run out; shared by the nodes of one JVM); values under
 * {@link RunTasks#INLINE_BYTES} are not kept (they decode fast). The cache stays the source of
 * truth: a storage name is never reused, so a decoded copy is never stale; a copy goes as its
 * value is removed from this node, and each reaper round drops the copies of values read from
 * other nodes whose data is gone from the cluster.
 *
 * <p>Tasks on a node share the decoded object, as tasks on a Dask worker do: a task must not
 * change its inputs.
 */
public final class DecodedValues {
    private static final PerNode<DecodedValues> NODES = new PerNode<>(DecodedValues::new);
    /** Most values kept, whatever their size. */
    private static final int MAX_VALUES = 10_000;

    /** A decoded copy; {@code arriving}: when its value's write began ({@link System#nanoTime}), or 0. */
    private record Kept(String cache, Object stored, long bytes, long arriving) {
    }

    /**
     * Copies of arriving values younger than this are not swept: {@link KeepDecoded} keeps a value
     * as its write begins, before the cache holds it, and a sweep in between would find no data.
     */
    private static final long FRESH_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    private final Ignite ignite;
    /** The heap an Ignite node needs for itself, kept out of the budget of decoded copies. */
    static final int IGNITE_RESERVE_MIB = 256;
    private final long budget;
    private volatile long bytes;
    private long hits;
    private volatile long lastSweep = System.nanoTime();
    private final LRUMap<AffinityKey<String>, Kept> values = new LRUMap<>(MAX_VALUES) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeLRU(AbstractLinkedMap.LinkEntry<AffinityKey<String>, Kept> entry) {
            gone(entry.getValue());
            return true;
        }
    };

    private DecodedValues(Ignite ignite) {
        this.ignite = ignite;
        this.budget = Long.getLong("kindling.decoded.bytes",
                Math.max(0, Runtime.getRuntime().maxMemory() - ((long) IGNITE_RESERVE_MIB << 20)) / 4);
    }

    /** Accounts for copy {@code k}, no longer kept (under this object's lock): its object is garbage now. */
    private void gone(Kept k) {
        account(-k.bytes());
        LargeGarbage.note(k.bytes());
    }

    /** Adds {@code delta} to this node's bytes (under this object's lock). */
    private void account(long delta) {
        bytes += delta;
    }

    /**
     * The bytes kept by the running nodes of this JVM: the budget is the JVM's heap, which the
     * nodes of an in-process cluster share, so each node evicts its own copies while the sum is
     * over it.
     */
    private static long jvmBytes() {
        long sum = 0;
        for (DecodedValues d : NODES.running()) {
            sum += d.bytes;
        }
        return sum;
    }

    /** The decoded values of node {@code ignite}. */
    public static DecodedValues of(Ignite ignite) {
        return NODES.of(ignite);
    }

    /** The value stored under {@code key} as the cache holds it (see {@link KindlingGrid#toStored}), or null. */
    synchronized Object get(AffinityKey<String> key) {
        Kept k = values.get(key);
        if (k == null) {
            return null;
        }
        hits++;
        return k.stored();
    }

    /** Whether a decoded copy of {@code key} is kept (a task here used it lately), without counting a use. */
    synchronized boolean holds(AffinityKey<String> key) {
        return values.containsKey(key);
    }

    /** Keeps {@code stored}, the value under {@code key} in data cache {@code cache}, if it is large enough. */
    void keep(String cache, AffinityKey<String> key, Object stored) {
        keep(cache, key, stored, Sizes.of(stored), false);
    }

    /** As {@link #keep(String, AffinityKey, Object)}, for a value whose write to this node is beginning. */
    void keepArriving(String cache, AffinityKey<String> key, Object stored) {
        keep(cache, key, stored, Sizes.of(stored), true);
    }

    /** As {@link #keep(String, AffinityKey, Object)}, with the value's size known. */
    void keep(String cache, AffinityKey<String> key, Object stored, long size) {
        keep(cache, key, stored, size, false);
    }

    private void keep(String cache, AffinityKey<String> key, Object stored, long size, boolean arriving) {
        if (size < RunTasks.INLINE_BYTES || size > budget) {
            return;
        }
        synchronized (this) {
            Kept old = values.put(key, new Kept(cache, stored, size, arriving ? System.nanoTime() : 0));
            account(size);
            if (old != null) {
                gone(old);
            }
            while (jvmBytes() > budget && !values.isEmpty()) {
                gone(values.remove(values.firstKey()));
            }
        }
    }

    /**
     * Before a batch reads its inputs: when the copies take a quarter of the budget or more and
     * none was dropped for {@value #SWEEP_MILLIS} ms, drops those whose data is gone, so that a
     * large value released a moment ago is not held while the next one is decoded beside it.
     */
    void sweepIfLarge() {
        long now = System.nanoTime();
        synchronized (this) {
            if (bytes < budget / 4 || now - lastSweep < java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(SWEEP_MILLIS)) {
                return;
            }
        }
        dropDeleted(false);
    }

    private static final long SWEEP_MILLIS = 200;

    /** Drops the decoded copy of {@code key}, if one is kept: its value was removed. */
    void drop(AffinityKey<String> key) {
        synchronized (this) {
            if (values.isEmpty()) {
                return;
            }
            Kept k = values.remove(key);
            if (k != null) {
                gone(k);
            }
        }
    }

    /** Drops the decoded copies whose data the cluster no longer holds (each reaper round). */
    void dropDeleted() {
        dropDeleted(true);
    }

    /**
     * As {@link #dropDeleted()}; with {@code all} false, skips the copies of values this node
     * holds in a cache whose interceptor drops them as they are removed ({@link KeepDecoded}):
     * asking the cache whether such a value is still there may read it whole.
     */
    private void dropDeleted(boolean all) {
        lastSweep = System.nanoTime();
        List<Map.Entry<AffinityKey<String>, Kept>> now;
        synchronized (this) {
            if (values.isEmpty()) {
                return;
            }
            now = new ArrayList<>(values.entrySet().size());
            for (Map.Entry<AffinityKey<String>, Kept> e : values.entrySet()) {
                now.add(Map.entry(e.getKey(), e.getValue()));
            }
        }
        long nanos = System.nanoTime();
        for (Map.Entry<AffinityKey<String>, Kept> e : now) {
            if (e.getValue().arriving() != 0 && nanos - e.getValue().arriving() < FRESH_NANOS) {
                continue;
            }
            IgniteCache<AffinityKey<String>, Object> cache = ignite.cache(e.getValue().cache());
            if (!all && cache != null && intercepted(cache)
                    && ignite.affinity(cache.getName()).isPrimaryOrBackup(ignite.cluster().localNode(), e.getKey())) {
                continue;
            }
            if (cache == null || !cache.containsKey(e.getKey())) {
                synchronized (this) {
                    Kept k = values.remove(e.getKey());
                    if (k != null) {
                        gone(k);
                    }
                }
            }
        }
    }

    private final Map<String, Boolean> intercepted = new java.util.concurrent.ConcurrentHashMap<>();

    /** Whether {@code cache} drops decoded copies as values are removed. */
    private boolean intercepted(IgniteCache<AffinityKey<String>, Object> cache) {
        return intercepted.computeIfAbsent(cache.getName(), n -> {
            @SuppressWarnings("unchecked")
            org.apache.ignite.configuration.CacheConfiguration<AffinityKey<String>, Object> c =
                    cache.getConfiguration(org.apache.ignite.configuration.CacheConfiguration.class);
            return c.getInterceptor() instanceof KeepDecoded;
        });
    }

    /** How many values are kept decoded. */
    public synchronized int size() {
        return values.size();
    }

    /** The bytes they take (estimated). */
    public synchronized long bytes() {
        return bytes;
    }

    /** How many reads the decoded copies served. */
    public synchronized long hits() {
        return hits;
    }
}
