package io.kindling.grid;

import io.kindling.graph.Key;

/** A task's input is not in the grid: it was released, or the node that held it left. */
public class LostDataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Key key;

    public LostDataException(Key key) {
        super("the input '" + key + "' is no longer in the grid: it was released, or the node holding it left; "
                + "keep a future for it (or persist it) while tasks still need it");
        this.key = key;
    }

    public Key key() {
        return key;
    }
}
