package io.kindling.grid.dashboard;

import io.kindling.graph.Key;

import java.io.Serializable;
import java.util.List;

/**
 * One run of one task: its key, its function's name, the node and thread that ran it, when it
 * started and how long it took, and whether it finished or erred. What the dashboard's task
 * stream draws as one bar, and what {@code TaskStream} records. Immutable.
 */
public final class TaskEvent implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Key[] NO_INPUTS = new Key[0];

    private final Key key;
    private final String function;
    private final String node;
    private final String thread;
    private final long startMillis;
    private final long durationNanos;
    private final boolean ok;
    private final Key[] inputs;
    /** Position in its node's record, for telling events apart; -1 outside a node's record. */
    private final long sequence;

    public TaskEvent(Key key, String function, String node, String thread, long startMillis, long durationNanos, boolean ok,
            Key[] inputs, long sequence) {
        this.key = key;
        this.function = function;
        this.node = node;
        this.thread = thread;
        this.startMillis = startMillis;
        this.durationNanos = durationNanos;
        this.ok = ok;
        this.inputs = inputs == null ? NO_INPUTS : inputs;
        this.sequence = sequence;
    }

    /** An event for a finished run (as a client learns of it from the task's outcome). */
    public static TaskEvent of(Key key, String function, String node, String thread, long startMillis,
            long durationNanos, boolean ok) {
        return new TaskEvent(key, function, node, thread, startMillis, durationNanos, ok, NO_INPUTS, -1);
    }

    /** The task's key. */
    public Key key() {
        return key;
    }

    /** The function's name, as {@code Tokens.functionName} gives it (or the key's name where the function is unknown). */
    public String function() {
        return function;
    }

    /** The consistent id of the node that ran the task. */
    public String node() {
        return node;
    }

    /** The name of the thread that ran the task. */
    public String thread() {
        return thread;
    }

    /** Wall-clock start, in epoch milliseconds. */
    public long startMillis() {
        return startMillis;
    }

    /** Wall-clock stop, in epoch milliseconds with a fraction: start plus the measured duration. */
    public double stopMillis() {
        return startMillis + durationNanos / 1e6;
    }

    /** How long the task ran, measured with {@code System.nanoTime}. */
    public long durationNanos() {
        return durationNanos;
    }

    /** Whether the task returned (true) or threw (false). */
    public boolean ok() {
        return ok;
    }

    /** The keys the task read (empty where unknown). */
    public List<Key> inputs() {
        return List.of(inputs);
    }

    public long sequence() {
        return sequence;
    }

    @Override
    public String toString() {
        return key + "[" + function + " on " + node + "/" + thread + ", " + startMillis + "+"
                + durationNanos / 1000 + "us" + (ok ? "" : ", erred") + "]";
    }
}
