package io.kindling.grid;

import java.util.List;

/**
 * This JVM lacks {@code --add-opens} flags that Ignite needs on Java 17 and later to start a node
 * (server or thick client) in it. The message names the flags and where their list is.
 */
public class MissingJvmFlagsException extends io.kindling.KindlingException {
    private static final long serialVersionUID = 1L;

    private final List<String> missing;

    public MissingJvmFlagsException(String message, List<String> missing) {
        super(message);
        this.missing = List.copyOf(missing);
    }

    /** The flags this JVM lacks, as in {@code config/jvm.options}. */
    public List<String> missing() {
        return missing;
    }
}
