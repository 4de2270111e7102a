package io.kindling.client;

/**
 * A call on a semaphore, lock, queue, variable or event ({@link Coordination}) that cannot be
 * done: misuse (a lease released that was not held, a future put into a queue, a thin client)
 * or a cluster that cannot be reached; the message says which and what to do.
 */
public class CoordinationException extends io.kindling.KindlingException {
    private static final long serialVersionUID = 1L;

    public CoordinationException(String message) {
        super(message);
    }

    public CoordinationException(String message, Throwable cause) {
        super(message, cause);
    }
}
