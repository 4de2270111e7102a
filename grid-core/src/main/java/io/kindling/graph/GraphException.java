package io.kindling.graph;

import java.util.List;

/**
 * A graph that cannot be built or run as given: a cycle, a reference to a key the graph lacks, a
 * task without a function, or two tasks under one key. {@link #keys()} names the keys involved;
 * for a cycle they are in order, each needing the next, and the last needing the first.
 */
public class GraphException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final List<Key> keys;

    public GraphException(String message, List<Key> keys) {
        super(message);
        this.keys = List.copyOf(keys);
    }

    /** The keys the problem is about. */
    public List<Key> keys() {
        return keys;
    }
}
