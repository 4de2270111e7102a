package io.kindling.grid.internal;

import io.kindling.graph.Key;

import java.io.Serializable;

/**
 * What became of one task on a node: its value's size and, when small, the value itself (so the
 * client needs no second round trip to read it), or what it threw; and where and when it ran.
 *
 * <p>Two outcomes say that the task did not run, and are not its failure: {@link #missing} (an
 * input was not in the grid, so the client must compute that input again first) and
 * {@link #skipped} (the task was cancelled, or its client is gone, before it started).
 */
public final class Outcome implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What became of the task. */
    public enum Kind { OK, FAILED, MISSING_INPUT, SKIPPED }

    private final Key key;
    private final Kind kind;
    private final boolean ok;
    private final long nbytes;
    private final boolean inline;
    private final Object value;
    private final Throwable error;
    private final String node;
    private final String thread;
    private final long startMillis;
    private final long durationNanos;

    private final Key missingInput;
    private final String missingStorage;

    private Outcome(Key key, Kind kind, long nbytes, boolean inline, Object value, Throwable error, String node,
            String thread, long startMillis, long durationNanos, Key missingInput, String missingStorage) {
        this.key = key;
        this.kind = kind;
        this.ok = kind == Kind.OK;
        this.missingInput = missingInput;
        this.missingStorage = missingStorage;
        this.nbytes = nbytes;
        this.inline = inline;
        this.value = value;
        this.error = error;
        this.node = node;
        this.thread = thread;
        this.startMillis = startMillis;
        this.durationNanos = durationNanos;
    }

    public static Outcome success(Key key, long nbytes, boolean inline, Object value, String node, String thread,
            long startMillis, long durationNanos) {
        return new Outcome(key, Kind.OK, nbytes, inline, inline ? value : null, null, node, thread, startMillis,
                durationNanos, null, null);
    }

    /** A task that threw {@code error}, or that could not run. */
    public static Outcome failure(Key key, Throwable error, String node, String thread, long startMillis,
            long durationNanos) {
        return new Outcome(key, Kind.FAILED, 0, false, null, error, node, thread, startMillis, durationNanos, null, null);
    }

    /** The task did not run: its input {@code input}, stored under {@code storage}, was not in the grid. */
    public static Outcome missing(Key key, Key input, String storage, String node) {
        return new Outcome(key, Kind.MISSING_INPUT, 0, false, null, null, node, null, 0, 0, input, storage);
    }

    /** The task did not run: it was cancelled, or its client went away, before it started. */
    public static Outcome skipped(Key key, String node) {
        return new Outcome(key, Kind.SKIPPED, 0, false, null, null, node, null, 0, 0, null, null);
    }

    /** Writes this outcome to a message ({@link Outcomes}): node and thread names once per message. */
    void write(Columns.Writer w) {
        w.writeKey(key);
        w.writeInt(kind.ordinal());
        w.writeLong(nbytes);
        w.writeBoolean(inline);
        if (inline) {
            w.writeObject(value);
        }
        if (kind == Kind.FAILED) {
            w.writeObject(error);
        }
        w.writeString(node);
        w.writeString(thread);
        w.writeLong(startMillis);
        w.writeLong(durationNanos);
        if (kind == Kind.MISSING_INPUT) {
            w.writeKey(missingInput);
            w.writeObject(missingStorage);
        }
    }

    /** Reads an outcome that {@link #write} wrote. */
    static Outcome read(Columns.Reader r) {
        Key key = r.readKey();
        Kind kind = Kind.values()[r.readInt()];
        long nbytes = r.readLong();
        boolean inline = r.readBoolean();
        Object value = inline ? r.readObject() : null;
        Throwable error = kind == Kind.FAILED ? (Throwable) r.readObject() : null;
        String node = r.readString();
        String thread = r.readString();
        long startMillis = r.readLong();
        long durationNanos = r.readLong();
        Key missingInput = kind == Kind.MISSING_INPUT ? r.readKey() : null;
        String missingStorage = kind == Kind.MISSING_INPUT ? (String) r.readObject() : null;
        return new Outcome(key, kind, nbytes, inline, value, error, node, thread, startMillis, durationNanos,
                missingInput, missingStorage);
    }

    public Kind kind() {
        return kind;
    }

    /** For {@link Kind#MISSING_INPUT}: the input that was not in the grid. */
    public Key missingInput() {
        return missingInput;
    }

    /** For {@link Kind#MISSING_INPUT}: the storage name under which the input was looked for. */
    public String missingStorage() {
        return missingStorage;
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
