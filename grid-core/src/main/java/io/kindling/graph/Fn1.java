package io.kindling.graph;

/** A function of 1 argument for a task; see {@link Fn}. */
@FunctionalInterface
public interface Fn1<A, R> extends Fn {
    /** Applies the function. */
    R apply(A a) throws Exception;

    @Override
    default int arity() {
        return 1;
    }

    @Override
    @SuppressWarnings("unchecked")
    default Object invoke(Object[] args) throws Exception {
        return apply((A) args[0]);
    }
}
