package io.kindling.client;

import java.util.ArrayList;
import java.util.List;

/**
 * The data a client's state has let go of and that is still to be deleted, in chunks of
 * {@value #CHUNK} rows of three small arrays rather than a {@link Location} per value: releasing a
 * million futures one by one then allocates about 12 MB in all, never an array large enough for
 * the collector to treat apart (a single growing array reached the collector's humongous size and
 * was copied at each doubling), so that no collection of the million live futures is forced into
 * the loop. {@link Location}s are made when drained, on the thread that deletes.
 */
final class Deletions {
    private static final int CHUNK = 8192;

    private static final class Chunk {
        final String[] caches = new String[CHUNK];
        final String[] storages = new String[CHUNK];
        final int[] partitions = new int[CHUNK];
    }

    private final List<Chunk> full = new ArrayList<>();
    private Chunk current = new Chunk();
    private int used;

    void add(String cache, String storage, int partition) {
        if (used == CHUNK) {
            full.add(current);
            current = new Chunk();
            used = 0;
        }
        current.caches[used] = cache;
        current.storages[used] = storage;
        current.partitions[used] = partition;
        used++;
    }

    void add(Location l) {
        add(l.cache(), l.storage(), l.partition());
    }

    boolean isEmpty() {
        return used == 0 && full.isEmpty();
    }

    /** Everything added since the last drain, as locations, in order. */
    List<Location> drain() {
        List<Location> out = new ArrayList<>(full.size() * CHUNK + used);
        for (Chunk c : full) {
            for (int i = 0; i < CHUNK; i++) {
                out.add(new Location(c.caches[i], c.storages[i], c.partitions[i]));
            }
        }
        for (int i = 0; i < used; i++) {
            out.add(new Location(current.caches[i], current.storages[i], current.partitions[i]));
        }
        full.clear();
        java.util.Arrays.fill(current.caches, 0, used, null);
        java.util.Arrays.fill(current.storages, 0, used, null);
        used = 0;
        return out;
    }
}
