package io.kindling.grid.internal;

import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;
import org.apache.ignite.cache.CacheInterceptorAdapter;
import org.apache.ignite.cache.affinity.AffinityKey;
import org.apache.ignite.lang.IgniteBiTuple;
import org.apache.ignite.resources.IgniteInstanceResource;

import javax.cache.Cache;

/**
 * The data caches' interceptor: a large value that arrives on a node (scattered to it, or a copy
 * of a replica) is kept decoded there ({@link DecodedValues}) as it is stored, as a Dask worker
 * holds what it receives as objects, so the first task that reads it pays no deserialization;
 * the value is unpacked ({@link PackedArrays}) or decoded from the message that brought it, not
 * read back from the data region. The decoded copy goes as the value is removed.
 *
 * <p>It runs inside the write, on the thread that applies it, before the value is written: Ignite
 * hands the value to {@code onBeforePut} as the message has it, where {@code onAfterPut}'s entry
 * gives a copy of it (100 MB more on the heap for a 100 MB value). A scatter of a large value
 * returns once its node holds it decoded. Should the write then fail, the copy stays until a
 * sweep of copies whose data is gone ({@link DecodedValues#dropDeleted}) finds it, 10 s on. Values under
 * {@link RunTasks#INLINE_BYTES} are not kept (they decode fast), nor stand-ins for spilled values.
 */
final class KeepDecoded extends CacheInterceptorAdapter<AffinityKey<String>, Object> {
    private static final long serialVersionUID = 1L;
    /**
     * Set by a writer that keeps its values decoded itself ({@link RunTasks}): the writes it
     * applies on its own thread are not decoded again (those applied on another thread are,
     * which costs a size estimate and keeps the same object).
     */
    static final ThreadLocal<Boolean> SKIP = new ThreadLocal<>();
    private final String cache;
    @IgniteInstanceResource
    private transient Ignite ignite;

    KeepDecoded(String cache) {
        this.cache = cache;
    }

    private Ignite ignite() {
        Ignite i = ignite;
        return i != null ? i : Ignition.localIgnite();
    }

    @Override
    public Object onBeforePut(Cache.Entry<AffinityKey<String>, Object> entry, Object newVal) {
        if (SKIP.get() != null) {
            return newVal;
        }
        try {
            Object v = PackedArrays.unpack(newVal);
            if (v != null && !(v instanceof Spilled) && !(v instanceof KindlingGrid.StoredNull)) {
                DecodedValues.of(ignite()).keepArriving(cache, entry.getKey(), v);
            }
        } catch (RuntimeException e) {
            // a value this node cannot decode (its class is not here): tasks decode it where they can
        }
        return newVal;
    }

    @Override
    public void onAfterRemove(Cache.Entry<AffinityKey<String>, Object> entry) {
        try {
            DecodedValues.of(ignite()).drop(entry.getKey());
        } catch (RuntimeException e) {
            // the node stops
        }
    }

    @Override
    public IgniteBiTuple<Boolean, Object> onBeforeRemove(Cache.Entry<AffinityKey<String>, Object> entry) {
        return new IgniteBiTuple<>(false, null);
    }
}
