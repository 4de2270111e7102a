package io.kindling.client;

import io.kindling.graph.Key;

import java.util.List;

/**
 * A task was running on more nodes that died than a client allows (Dask's {@code KilledWorker}
 * and its {@code allowed-failures}, 3 by default): the task is probably what kills them (it ends
 * the JVM, crashes it natively, or exhausts its memory), so it is not run again. The message
 * names the key and the nodes.
 */
public class KilledWorkerException extends io.kindling.KindlingException {
    private static final long serialVersionUID = 1L;

    private final Key key;
    private final List<String> nodes;

    KilledWorkerException(Key key, List<String> nodes, int allowedFailures) {
        super("task '" + key + "' was running on " + nodes.size() + " node(s) that died: " + String.join(", ", nodes)
                + " (allowed failures: " + allowedFailures + "). It is probably what kills them (it ends the JVM, "
                + "crashes it, or exhausts its memory): fix the task, or allow more failures with "
                + "Client.allowedFailures(n) if the nodes die for other reasons");
        this.key = key;
        this.nodes = List.copyOf(nodes);
    }

    /** The task's key. */
    public Key key() {
        return key;
    }

    /** The nodes that died while running it, in order. */
    public List<String> nodes() {
        return nodes;
    }
}
