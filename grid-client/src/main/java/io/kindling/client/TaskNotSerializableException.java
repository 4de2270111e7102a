package io.kindling.client;

/** Work handed to the cluster cannot be serialized, so it cannot leave this JVM; the message says how to fix it. */
public class TaskNotSerializableException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public TaskNotSerializableException(String message) {
        super(message);
    }

    /** With what the serialization threw as the cause. */
    public TaskNotSerializableException(String message, Throwable cause) {
        super(message, cause);
    }
}
