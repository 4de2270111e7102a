package io.kindling.graph;

/** A function of 3 arguments for a task; see {@link Fn}. */
@FunctionalInterface
public interface Fn3<A, B, C, R> extends Fn {
    /** Applies the function. */
    R apply(A a, B b, C c) throws Exception;

    @Override
    default int arity() {
        return 3;
    }

    @Override
    @SuppressWarnings("unchecked")
    default Object invoke(Object[] args) throws Exception {
        return apply((A) args[0], (B) args[1], (C) args[2]);
    }
}
