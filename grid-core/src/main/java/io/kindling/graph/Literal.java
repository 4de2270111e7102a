package io.kindling.graph;

import java.io.Serializable;
import java.util.Objects;

/**
 * An argument taken exactly as given: never read as a reference, never traversed. Wrap a
 * {@link Key}, or a list holding keys, in a literal to pass the key itself to a function.
 * (A class rather than a record: Ignite's binary marshaller cannot write records.)
 */
public final class Literal implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Object value;

    public Literal(Object value) {
        this.value = value;
    }

    /** The argument. */
    public Object value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Literal l && Objects.equals(value, l.value);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(value);
    }

    @Override
    public String toString() {
        return "Literal(" + value + ")";
    }
}
