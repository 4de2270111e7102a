package io.kindling.graph;

/** A function of 5 arguments for a task; see {@link Fn}. */
@FunctionalInterface
public interface Fn5<A, B, C, D, E, R> extends Fn {
    /** Applies the function. */
    R apply(A a, B b, C c, D d, E e) throws Exception;

    @Override
    default int arity() {
        return 5;
    }

    @Override
    @SuppressWarnings("unchecked")
    default Object invoke(Object[] args) throws Exception {
        return apply((A) args[0], (B) args[1], (C) args[2], (D) args[3], (E) args[4]);
    }
}
