package io.kindling.client;

import io.kindling.graph.Key;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Dask's {@code who_has}, {@code has_what}, {@code nbytes} and {@code processing}, for the keys of
 * one client: which nodes hold each value (its partition's primary and backups now), and what
 * each node is computing. The topology is checked first, so that values lost with a node that
 * just left are not listed.
 */
final class Introspection {
    private final ClientCore core;

    Introspection(ClientCore core) {
        this.core = core;
    }

    Map<Key, Set<String>> whoHas() {
        core.recover();
        Map<Key, Set<String>> out = new LinkedHashMap<>();
        for (KeyEntry e : memory()) {
            out.put(e.key, core.backend.holders(e.cache, e.partition));
        }
        return out;
    }

    Map<String, Set<Key>> hasWhat() {
        Map<String, Set<Key>> out = new TreeMap<>();
        for (String n : core.topology.nodes()) {
            out.put(n, new LinkedHashSet<>());
        }
        for (Map.Entry<Key, Set<String>> e : whoHas().entrySet()) {
            for (String n : e.getValue()) {
                out.computeIfAbsent(n, x -> new LinkedHashSet<>()).add(e.getKey());
            }
        }
        return out;
    }

    Map<Key, Long> nbytes() {
        Map<Key, Long> out = new LinkedHashMap<>();
        for (KeyEntry e : memory()) {
            out.put(e.key, e.nbytes);
        }
        return out;
    }

    List<Transition> story(java.util.Set<Key> keys) {
        synchronized (core.state) {
            return core.state.story(keys);
        }
    }

    Map<String, List<Key>> processing() {
        synchronized (core.state) {
            return core.state.processing();
        }
    }

    private List<KeyEntry> memory() {
        synchronized (core.state) {
            return core.state.inMemory();
        }
    }
}
