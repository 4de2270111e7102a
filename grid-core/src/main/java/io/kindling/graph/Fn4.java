package io.kindling.graph;

/** A function of 4 arguments for a task; see {@link Fn}. */
@FunctionalInterface
public interface Fn4<A, B, C, D, R> extends Fn {
    /** Applies the function. */
    R apply(A a, B b, C c, D d) throws Exception;

    @Override
    default int arity() {
        return 4;
    }

    @Override
    @SuppressWarnings("unchecked")
    default Object invoke(Object[] args) throws Exception {
        return apply((A) args[0], (B) args[1], (C) args[2], (D) args[3]);
    }
}
