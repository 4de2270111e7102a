package io.kindling.graph;

import java.io.Serializable;

/**
 * An argument taken exactly as given: never read as a reference, never traversed. Wrap a
 * {@link Key}, or a list holding keys, in a literal to pass the key itself to a function.
 *
 * @param value the argument
 */
public record Literal(Object value) implements Serializable {
}
