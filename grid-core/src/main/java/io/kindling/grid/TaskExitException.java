package io.kindling.grid;

/**
 * A task tried to end the JVM of the node that runs it ({@code System.exit} or
 * {@code Runtime.halt}), and the node refused: the task fails with this exception, and the node
 * goes on serving. See {@link ExitGuard}.
 */
public class TaskExitException extends SecurityException {
    private static final long serialVersionUID = 1L;

    TaskExitException(int status) {
        super("a task called System.exit(" + status + ") or Runtime.halt(" + status + "), which would stop the "
                + "node for every client: refused. To fail a task, throw an exception from it");
    }
}
