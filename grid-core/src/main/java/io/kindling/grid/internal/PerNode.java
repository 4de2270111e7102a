package io.kindling.grid.internal;

import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteState;
import org.apache.ignite.Ignition;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One object per running Ignite node of this JVM, made on first use: a node started again under
 * the same name gets a new one, and those of stopped nodes are dropped when another is made.
 */
final class PerNode<T> {
    private record Held<T>(Ignite ignite, T value) {
    }

    private final Map<String, Held<T>> nodes = new ConcurrentHashMap<>();
    private final Function<Ignite, T> make;

    PerNode(Function<Ignite, T> make) {
        this.make = make;
    }

    /** The objects of the nodes of this JVM that run now. */
    java.util.List<T> running() {
        java.util.List<T> out = new java.util.ArrayList<>(nodes.size());
        for (Map.Entry<String, Held<T>> e : nodes.entrySet()) {
            if (Ignition.state(e.getKey().isEmpty() ? null : e.getKey()) == IgniteState.STARTED) {
                out.add(e.getValue().value());
            }
        }
        return out;
    }

    T of(Ignite ignite) {
        String name = ignite.name() == null ? "" : ignite.name();
        Held<T> known = nodes.get(name);
        if (known != null && known.ignite() == ignite) {
            return known.value();
        }
        synchronized (nodes) {
            known = nodes.get(name);
            if (known == null || known.ignite() != ignite) {
                nodes.keySet().removeIf(n -> Ignition.state(n.isEmpty() ? null : n) != IgniteState.STARTED);
                known = new Held<>(ignite, make.apply(ignite));
                nodes.put(name, known);
            }
            return known.value();
        }
    }
}
