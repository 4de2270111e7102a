package io.kindling.scheduler;

import io.kindling.graph.Key;

/**
 * A task of a computation threw. {@link #getCause()} is what the task threw, {@link #key()} the
 * task that threw it. Tasks that had not started when it failed were not started.
 */
public class TaskFailedException extends io.kindling.KindlingException {
    private static final long serialVersionUID = 1L;

    private final Key key;

    public TaskFailedException(Key key, Throwable cause) {
        super("task '" + key + "' failed: " + cause, cause);
        this.key = key;
    }

    /** The key of the task that failed. */
    public Key key() {
        return key;
    }
}
