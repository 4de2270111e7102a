package io.kindling.client;

/** What {@code gather} does with futures that erred, were cancelled or are lost, as Dask's {@code errors=}. */
public enum Errors {
    /** Throws the first such future's error, as soon as it is known (the default). */
    RAISE,
    /** Leaves such futures out of the result, and waits for all the others. */
    SKIP
}
