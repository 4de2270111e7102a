package io.kindling.client;

import io.kindling.graph.Key;

import java.util.concurrent.CancellationException;

/**
 * The value of a future cannot be had because its task was cancelled (by {@code cancel}, or
 * because a task it reads was). A {@link CancellationException}, as the JDK's futures throw.
 */
public class FutureCancelledException extends CancellationException {
    private static final long serialVersionUID = 1L;

    private final Key key;

    FutureCancelledException(Key key) {
        super("'" + key + "' was cancelled");
        this.key = key;
    }

    /** The key of the cancelled future. */
    public Key key() {
        return key;
    }
}
