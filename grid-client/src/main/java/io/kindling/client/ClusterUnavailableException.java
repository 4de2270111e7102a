package io.kindling.client;

/** The cluster, or the node running a task, went away. */
public class ClusterUnavailableException extends io.kindling.KindlingException {
    private static final long serialVersionUID = 1L;

    public ClusterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
