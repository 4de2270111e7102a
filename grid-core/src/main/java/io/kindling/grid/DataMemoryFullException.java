package io.kindling.grid;

/**
 * A value did not fit in the data memory of the node that was to hold it (its data region,
 * {@code kindling.data.region.bytes}), or is too large for the node's heap to take in (a scattered
 * value of more than a quarter of its heap). The call that tried to store it fails with this; the
 * node goes on, and what it held before stays. Release futures that are no longer needed, or give
 * the nodes more memory.
 */
public class DataMemoryFullException extends io.kindling.KindlingException {
    private static final long serialVersionUID = 1L;

    public DataMemoryFullException(String message) {
        super(message);
    }

    public DataMemoryFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
