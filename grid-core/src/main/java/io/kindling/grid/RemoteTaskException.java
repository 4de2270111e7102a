package io.kindling.grid;

/**
 * Stands in for an exception that a task threw on a node but that cannot be serialized: it keeps
 * the original class name, message and remote stack trace (and the same for its causes).
 */
public class RemoteTaskException extends io.kindling.KindlingException {
    private static final long serialVersionUID = 1L;

    private final String remoteClass;

    private RemoteTaskException(String remoteClass, String message, RemoteTaskException cause) {
        super(remoteClass + (message == null ? "" : ": " + message), cause);
        this.remoteClass = remoteClass;
    }

    public static RemoteTaskException copyOf(Throwable e) {
        RemoteTaskException cause = e.getCause() == null || e.getCause() == e ? null : copyOf(e.getCause());
        RemoteTaskException copy = new RemoteTaskException(e.getClass().getName(), e.getMessage(), cause);
        copy.setStackTrace(e.getStackTrace());
        return copy;
    }

    /** The class of the exception the task threw. */
    public String remoteClass() {
        return remoteClass;
    }
}
