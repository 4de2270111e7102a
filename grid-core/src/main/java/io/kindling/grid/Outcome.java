package io.kindling.grid;

import io.kindling.graph.Key;

import java.io.Serializable;

/**
 * What became of one task on a node: its value's size and, when small, the value itself (so the
 * client needs no second round trip to read it), or what it threw; and where and when it ran.
 */
public final class Outcome implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Key key;
    private final boolean ok;
    private final long nbytes;
    private final boolean inline;
    private final Object value;
    private final Throwable error;
    private final String node;
    private final String thread;
    private final long startMillis;
    private final long durationNanos;

    private Outcome(Key key, boolean ok, long nbytes, boolean inline, Object value, Throwable error, String node,
            String thread, long startMillis, long durationNanos) {
        this.key = key;
        this.ok = ok;
        this.nbytes = nbytes;
        this.inline = inline;
        this.value = value;
        this.error = error;
        this.node = node;
        this.thread = thread;
        this.startMillis = startMillis;
        this.durationNanos = durationNanos;
    }

    static Outcome success(Key key, long nbytes, boolean inline, Object value, String node, String thread,
            long startMillis, long durationNanos) {
        return new Outcome(key, true, nbytes, inline, inline ? value : null, null, node, thread, startMillis,
                durationNanos);
    }

    /** A task that threw {@code error}, or that could not run. */
    public static Outcome failure(Key key, Throwable error, String node, String thread, long startMillis,
            long durationNanos) {
        return new Outcome(key, false, 0, false, null, error, node, thread, startMillis, durationNanos);
    }

    public Key key() {
        return key;
    }

    public boolean ok() {
        return ok;
    }

    /** Estimated size of the value in bytes. */
    public long nbytes() {
        return nbytes;
    }

    /** Whether {@link #value()} carries the value (small values travel back with the outcome). */
    public boolean inline() {
        return inline;
    }

    public Object value() {
        return value;
    }

    public Throwable error() {
        return error;
    }

    /** The consistent id of the node that ran the task. */
    public String node() {
        return node;
    }

    public String thread() {
        return thread;
    }

    public long startMillis() {
        return startMillis;
    }

    public long durationNanos() {
        return durationNanos;
    }
}
