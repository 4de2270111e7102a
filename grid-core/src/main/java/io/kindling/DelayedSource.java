package io.kindling;

/**
 * A value that a {@link Delayed} graph can read although it is not a {@code Delayed} itself: a
 * client's {@code Future}, as Dask lets futures be inputs of delayed graphs. In an argument of
 * {@code delayed(...)}, also inside lists, sets, maps and arrays, it stands for
 * {@link #toDelayed()}: computing the graph on the future's own client reads its data where it is,
 * and any other scheduler waits for its value.
 */
public interface DelayedSource {
    /** The {@code Delayed} this value stands for in a graph (the same object each time). */
    Delayed<?> toDelayed();
}
