package io.kindling.grid;

import io.kindling.grid.internal.ExitGuard;

/**
 * A task tried to end the JVM of the node that runs it ({@code System.exit} or
 * {@code Runtime.halt}), and the node refused: the task fails with this exception, and the node
 * goes on serving. See {@link ExitGuard}.
 */
public class TaskExitException extends SecurityException {
    private static final long serialVersionUID = 1L;

    /** The refusal of a task's call to {@code System.exit(status)} or {@code Runtime.halt(status)}. */
    public TaskExitException(int status) {
        super("a task called System.exit(" + status + ") or Runtime.halt(" + status + "), which would stop the "
                + "node for every client: refused. To fail a task, throw an exception from it");
    }
}
