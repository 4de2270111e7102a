package io.kindling.grid.internal;

import io.kindling.graph.Key;

import java.io.Serializable;
import java.util.List;

/**
 * A node's answer to a cancel: whether the batch of the cancelled task was detached, because the
 * task went on running after its interrupt and the grace period. A detached batch returns no
 * outcome of its own: this report carries the outcomes of its tasks that had finished (their
 * results are in the grid) and the keys of those that had not started, which the node will not
 * run, so that the client sends them elsewhere. (A class rather than a record: Ignite's binary
 * marshaller cannot write records.)
 */
public final class CancelReport implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final CancelReport NOT_DETACHED = new CancelReport(false, List.of(), List.of());

    private final boolean detached;
    private final List<Outcome> finished;
    private final List<Key> notStarted;

    CancelReport(boolean detached, List<Outcome> finished, List<Key> notStarted) {
        this.detached = detached;
        this.finished = finished;
        this.notStarted = notStarted;
    }

    /** A detached batch: what had finished in it, and what had not started. */
    public static CancelReport detached(List<Outcome> finished, List<Key> notStarted) {
        return new CancelReport(true, List.copyOf(finished), List.copyOf(notStarted));
    }

    /** The batch goes on as usual (the task stopped, had not started, or the batch was not here). */
    static CancelReport notDetached() {
        return NOT_DETACHED;
    }

    public boolean detached() {
        return detached;
    }

    /** For a detached batch: outcomes of the tasks that finished before it was detached. */
    public List<Outcome> finished() {
        return finished;
    }

    /** For a detached batch: tasks that had not started, which this node will not run. */
    public List<Key> notStarted() {
        return notStarted;
    }
}
