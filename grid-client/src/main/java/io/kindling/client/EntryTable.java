package io.kindling.client;

import io.kindling.graph.Key;
import org.apache.commons.collections4.IteratorUtils;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * The client's entries by key, as {@link ClientState} sees them: only entries that are not
 * {@code FORGOTTEN}. A forgotten entry leaves the underlying map later, in {@link #purge} calls
 * that the client's event thread makes in chunks: removing it at once costs a few cache misses on
 * a large map (the key, the bucket, the node), which made releasing a million futures one by one
 * take over a second on the caller's thread; marking it costs nothing, and lookups skip it. An
 * entry added under the key of one waiting to be purged replaces it. Guarded by the client's lock.
 */
final class EntryTable {
    private final HashMap<Key, KeyEntry> map = new HashMap<>();
    /** Forgotten entries that may still be in {@link #map}, oldest first. */
    private final ArrayDeque<KeyEntry> forgotten = new ArrayDeque<>();
    /** How many entries of {@link #map} are forgotten. */
    private int forgottenInMap;

    /** The live entry for {@code key}, or null. */
    KeyEntry get(Key key) {
        KeyEntry e = map.get(key);
        return e == null || e.state == KeyEntry.State.FORGOTTEN ? null : e;
    }

    /** Lists {@code e} under its key; an entry there must be forgotten. */
    void put(KeyEntry e) {
        KeyEntry previous = map.put(e.key, e);
        if (previous != null) {
            if (previous.state != KeyEntry.State.FORGOTTEN) {
                map.put(previous.key, previous);
                throw new IllegalStateException("key '" + e.key + "' is listed already: " + previous);
            }
            forgottenInMap--;
        }
    }

    /**
     * {@code e}, listed and just made {@code FORGOTTEN} (once), is no longer listed; it leaves the
     * map in a later {@link #purge}.
     */
    void forgotten(KeyEntry e) {
        forgotten.add(e);
        forgottenInMap++;
    }

    /** Whether forgotten entries wait to be purged. */
    boolean hasForgotten() {
        return !forgotten.isEmpty();
    }

    /** Removes up to {@code max} forgotten entries from the map; returns whether more are left. */
    boolean purge(int max) {
        for (int i = 0; i < max && !forgotten.isEmpty(); i++) {
            KeyEntry e = forgotten.poll();
            if (map.remove(e.key, e)) {
                forgottenInMap--;
            }
        }
        return !forgotten.isEmpty();
    }

    /** How many live entries there are. */
    int size() {
        return map.size() - forgottenInMap;
    }

    /** The live entries, as a view (do not change the table while iterating). */
    Iterable<KeyEntry> values() {
        return () -> IteratorUtils.filteredIterator(map.values().iterator(), e -> e.state != KeyEntry.State.FORGOTTEN);
    }

    /** A copy of the live entries. */
    List<KeyEntry> copy() {
        List<KeyEntry> out = new ArrayList<>(size());
        values().forEach(out::add);
        return out;
    }
}
