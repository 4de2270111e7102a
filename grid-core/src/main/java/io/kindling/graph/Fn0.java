package io.kindling.graph;

/** A function of 0 arguments for a task; see {@link Fn}. */
@FunctionalInterface
public interface Fn0<R> extends Fn {
    /** Applies the function. */
    R apply() throws Exception;

    @Override
    default int arity() {
        return 0;
    }

    @Override
    default Object invoke(Object[] args) throws Exception {
        return apply();
    }
}
