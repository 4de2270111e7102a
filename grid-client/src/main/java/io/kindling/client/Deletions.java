package io.kindling.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The data a client's state has let go of and that is still to be deleted, as three growing
 * arrays rather than a {@link Location} per value: releasing a million futures one by one then
 * allocates next to nothing (large arrays live outside the young generation), so no collection of
 * the million live futures falls inside the loop. {@link Location}s are made when drained, on the
 * thread that deletes.
 */
final class Deletions {
    private String[] caches = new String[16];
    private String[] storages = new String[16];
    private int[] partitions = new int[16];
    private int size;

    void add(String cache, String storage, int partition) {
        if (size == storages.length) {
            int grown = storages.length * 2;
            caches = Arrays.copyOf(caches, grown);
            storages = Arrays.copyOf(storages, grown);
            partitions = Arrays.copyOf(partitions, grown);
        }
        caches[size] = cache;
        storages[size] = storage;
        partitions[size] = partition;
        size++;
    }

    void add(Location l) {
        add(l.cache(), l.storage(), l.partition());
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** Everything added since the last drain, as locations; the arrays shrink back. */
    List<Location> drain() {
        List<Location> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(new Location(caches[i], storages[i], partitions[i]));
        }
        caches = new String[16];
        storages = new String[16];
        partitions = new int[16];
        size = 0;
        return out;
    }
}
