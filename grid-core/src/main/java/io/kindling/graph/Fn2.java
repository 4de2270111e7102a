package io.kindling.graph;

/** A function of 2 arguments for a task; see {@link Fn}. */
@FunctionalInterface
public interface Fn2<A, B, R> extends Fn {
    /** Applies the function. */
    R apply(A a, B b) throws Exception;

    @Override
    default int arity() {
        return 2;
    }

    @Override
    @SuppressWarnings("unchecked")
    default Object invoke(Object[] args) throws Exception {
        return apply((A) args[0], (B) args[1]);
    }
}
