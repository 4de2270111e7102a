package io.kindling;

/**
 * The root of Kindling's own exceptions: a task failed, the cluster cannot be reached, a value is
 * lost or does not fit, a node lacks a class or a JVM flag, a coordination primitive was misused.
 * Catch it to handle whatever Kindling reports.
 *
 * <p>Three kinds keep the JDK's types, where Java code expects those: errors in the caller's
 * arguments are {@link IllegalArgumentException}s ({@code GraphException},
 * {@code TaskNotSerializableException}), a cancelled future throws {@code FutureCancelledException},
 * a {@link java.util.concurrent.CancellationException} as {@link java.util.concurrent.Future}
 * specifies, and {@code System.exit} inside a task throws {@code TaskExitException}, a
 * {@link SecurityException} as the JDK's security manager would.
 */
public class KindlingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KindlingException(String message) {
        super(message);
    }

    public KindlingException(String message, Throwable cause) {
        super(message, cause);
    }
}
