package io.kindling.grid.internal;

import io.kindling.grid.DataMemoryFullException;
import io.kindling.grid.KindlingFailureHandler;

import org.apache.ignite.DataRegionMetrics;
import org.apache.ignite.Ignite;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.DataStorageConfiguration;

import java.util.Locale;

/**
 * A server's data memory (its default data region): how much it may hold and holds, and whether
 * an error is Ignite's "out of memory in data region". A node refuses a value that would not fit
 * rather than letting the region fill ({@link #refusal}); {@link KindlingFailureHandler} keeps the
 * node alive when a write fills it anyway.
 */
public final class DataMemory {
    /** What Ignite's out-of-memory error in a data region says. */
    private static final String FULL = "Out of memory in data region";
    /** How a refusal to create a data cache for lack of memory starts (recognised by {@link #isFull}, also through a thin client's service call). */
    static final String NO_ROOM_FOR_CACHE = "no room in data memory for the new data cache";
    /** Kept free besides the values: Ignite's own pages (trees, free lists) of what is stored. */
    private static final long RESERVE_BYTES = 4L << 20;

    private DataMemory() {
    }

    /** Whether {@code error}, its causes or what they suppressed say that a data region is full. */
    public static boolean isFull(Throwable error) {
        return isFull(error, 0);
    }

    private static boolean isFull(Throwable t, int depth) {
        if (t == null || depth > 12) {
            return false;
        }
        if (t instanceof DataMemoryFullException || t.getClass().getSimpleName().equals("IgniteOutOfMemoryException")
                || (t.getMessage() != null && (t.getMessage().contains(FULL) || t.getMessage().contains(NO_ROOM_FOR_CACHE)))) {
            return true;
        }
        for (Throwable s : t.getSuppressed()) {
            if (isFull(s, depth + 1)) {
                return true;
            }
        }
        return t.getCause() != t && isFull(t.getCause(), depth + 1);
    }

    /** The most this node's data region may hold, in bytes (0 if it has none: a client). */
    public static long limit(Ignite ignite) {
        DataStorageConfiguration storage = ignite.configuration().getDataStorageConfiguration();
        DataRegionConfiguration region = storage == null ? null : storage.getDefaultDataRegionConfiguration();
        return region == null ? 0 : region.getMaxSize();
    }

    /**
     * What this node's data region holds now, in bytes (its used pages; -1 if unknown). Through
     * {@code DataRegionMetrics}, deprecated for Ignite's new metric registry, which has no public
     * API to read one value from inside the node.
     */
    @SuppressWarnings("deprecation")
    public static long used(Ignite ignite) {
        DataStorageConfiguration storage = ignite.configuration().getDataStorageConfiguration();
        DataRegionConfiguration region = storage == null ? null : storage.getDefaultDataRegionConfiguration();
        if (region == null || !region.isMetricsEnabled()) {
            return -1;
        }
        DataRegionMetrics metrics = ignite.dataRegionMetrics(region.getName());
        return metrics == null ? -1 : metrics.getTotalUsedPages() * (long) storage.getPageSize();
    }

    /**
     * Null if {@code bytes} more fit in this node's data memory besides {@code pending} bytes about
     * to be written with them; otherwise the reason, naming {@code what}, its size, what the node
     * holds and its limit.
     */
    public static String refusal(Ignite ignite, String what, long bytes, long pending) {
        long limit = limit(ignite);
        long used = used(ignite);
        if (limit <= 0 || used < 0 || used + pending + bytes + RESERVE_BYTES <= limit) {
            return null;
        }
        String disk = Spill.of(ignite).diskTrouble();
        return what + " (" + size(bytes) + ") does not fit in the data memory of node "
                + ignite.cluster().localNode().consistentId() + ": it holds " + size(used) + " of its " + size(limit)
                + " (kindling.data.region.bytes)"
                + (disk == null ? "" : ", and values could not spill to disk: " + disk)
                + ". Release futures you no longer need, or start the nodes with more memory";
    }

    /** A size as people read it: 812 B, 3.4 MiB, 1.0 GiB. */
    public static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1L << 20) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        if (bytes < 1L << 30) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}
