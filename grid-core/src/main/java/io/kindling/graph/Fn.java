package io.kindling.graph;

import java.io.Serializable;

/**
 * A task's function: a serializable functional interface of a fixed arity.
 *
 * <p>Users do not implement this type; they pass a lambda or, usually, a method reference to a
 * static method, and Java picks {@link Fn0} to {@link Fn5} by its arity. {@link #invoke} lets a
 * scheduler call any of them with an argument array.
 */
public interface Fn extends Serializable {
    /** The number of arguments this function takes. */
    int arity();

    /** Calls the function with {@code args}, whose length is {@link #arity()}. */
    Object invoke(Object[] args) throws Exception;

    /**
     * The class whose class loader the servers load this function with (peer class loading ships
     * its classes from there): the function's own, unless it wraps a function of the user's.
     */
    default Class<?> deploymentClass() {
        return getClass();
    }
}
