package io.kindling.grid.internal;

import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.CacheEntryProcessor;

import javax.cache.processor.EntryProcessorResult;
import javax.cache.processor.MutableEntry;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Claims keys of the shared key table ({@value Claims#KEYS}) for one client, atomically per key:
 * a key without a record gets {@code record}; a key with one keeps it, and that record is
 * returned. One call claims a whole batch, so that two clients that send the same key at the
 * same moment cannot both take it.
 */
public final class ClaimKeys implements CacheEntryProcessor<String, byte[], byte[]> {
    private static final long serialVersionUID = 1L;
    private final byte[] record;

    public ClaimKeys(byte[] record) {
        this.record = record;
    }

    @Override
    public byte[] process(MutableEntry<String, byte[]> entry, Object... arguments) {
        if (entry.exists()) {
            return entry.getValue();
        }
        entry.setValue(record);
        return null;
    }

    /** The records that were there already, by key, from what {@code invokeAll} gave back. */
    public static Map<String, byte[]> found(Map<String, EntryProcessorResult<byte[]>> results) {
        Map<String, byte[]> out = new HashMap<>();
        results.forEach((key, r) -> {
            byte[] there = r == null ? null : r.get();
            if (there != null) {
                out.put(key, there);
            }
        });
        return out;
    }

    /** Claims {@code keys} in {@code table} with {@code record}; returns the records found under the keys not claimed. */
    public static Map<String, byte[]> claim(IgniteCache<String, byte[]> table, Set<String> keys, byte[] record) {
        return keys.isEmpty() ? Map.of() : found(table.invokeAll(keys, new ClaimKeys(record)));
    }
}
