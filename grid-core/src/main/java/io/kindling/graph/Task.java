package io.kindling.graph;

import io.kindling.graph.internal.Containers;

import java.io.Serializable;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One node of a {@link Graph}: a function and its arguments, stored under a key.
 *
 * <p>An argument is read as follows (the rules of Dask's graph spec, adapted to Java):
 * <ul>
 *   <li>a {@link Key} is a reference: the function receives that key's value;</li>
 *   <li>a {@link List}, a {@link java.util.Set}, an object array, or a {@link Map} (its values)
 *       is traversed, and is handed to the function as a new container of the same kind with
 *       references replaced ({@link Containers}; nesting at most {@value Containers#MAX_DEPTH}
 *       deep, and no container inside itself);</li>
 *   <li>a {@link Literal} is handed over unwrapped and never traversed;</li>
 *   <li>anything else is a literal value.</li>
 * </ul>
 *
 * <p>Tasks are immutable as long as their literal arguments are; the argument array is not
 * copied on the way in, so callers hand over arrays they no longer change.
 */
public final class Task implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Object[] NO_ARGUMENTS = new Object[0];

    private final Key key;
    private final Fn function;
    private final Object[] arguments;

    private Task(Key key, Fn function, Object[] arguments) {
        this.key = key;
        this.function = function;
        this.arguments = arguments;
    }

    /**
     * A task computing {@code function(arguments...)} under {@code key}.
     *
     * @throws GraphException if the function is null (naming the key)
     * @throws IllegalArgumentException if the number of arguments differs from the function's arity
     */
    public static Task of(Key key, Fn function, Object... arguments) {
        Objects.requireNonNull(key, "a task needs a key");
        if (function == null) {
            throw new GraphException("task '" + key + "' has no function: pass a method reference or lambda",
                    List.of(key));
        }
        Object[] args = arguments == null || arguments.length == 0 ? NO_ARGUMENTS : arguments;
        if (args.length != function.arity()) {
            throw new IllegalArgumentException("task '" + key + "' passes " + args.length
                    + " argument(s) to a function of " + function.arity());
        }
        for (int i = 0; i < args.length; i++) {
            if (Containers.isContainer(args[i])) {
                Containers.check(args[i], "argument " + (i + 1) + " of task '" + key + "'");
            }
        }
        return new Task(key, function, args);
    }

    public Key key() {
        return key;
    }

    public Fn function() {
        return function;
    }

    /** The arguments as given, references unresolved. */
    public List<Object> arguments() {
        return Collections.unmodifiableList(Arrays.asList(arguments));
    }

    int argumentCount() {
        return arguments.length;
    }

    /** Calls {@code action} for every reference among the arguments, in order, repeats included. */
    public void forEachReference(Consumer<Key> action) {
        for (Object argument : arguments) {
            visitReferences(argument, action);
        }
    }

    /** The keys this task reads, in order of first appearance. */
    public Set<Key> dependencies() {
        Set<Key> keys = new LinkedHashSet<>();
        forEachReference(keys::add);
        return keys;
    }

    private static void visitReferences(Object argument, Consumer<Key> action) {
        if (argument instanceof Key k) {
            action.accept(k);
        } else if (Containers.isContainer(argument)) {
            for (Object element : Containers.elements(argument)) {
                visitReferences(element, action);
            }
        }
    }

    /** The arguments with every reference replaced by {@code values.apply(key)}, literals unwrapped. */
    public Object[] resolveArguments(Function<Key, Object> values) {
        Object[] resolved = arguments.length == 0 ? NO_ARGUMENTS : new Object[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            resolved[i] = resolve(arguments[i], values);
        }
        return resolved;
    }

    /** Runs the function on the resolved arguments (packed ones unpacked first, see {@link io.kindling.graph.internal.Packed}). */
    public Object run(Function<Key, Object> values) throws Exception {
        Object[] resolved = resolveArguments(values);
        for (int i = 0; i < resolved.length; i++) {
            if (resolved[i] instanceof io.kindling.graph.internal.Packed p) {
                resolved[i] = p.unpack(function.getClass().getClassLoader());
            }
        }
        return function.invoke(resolved);
    }

    private static Object resolve(Object argument, Function<Key, Object> values) {
        if (argument instanceof Key k) {
            return values.apply(k);
        } else if (argument instanceof Literal literal) {
            return literal.value();
        } else if (Containers.isContainer(argument)) {
            if (!needsResolution(argument)) {
                return argument;
            }
            List<Object> out = new ArrayList<>();
            for (Object element : Containers.elements(argument)) {
                out.add(resolve(element, values));
            }
            return Containers.rebuild(argument, out);
        }
        return argument;
    }

    /** True when the argument holds a reference or a literal wrapper, so it must be rebuilt. */
    private static boolean needsResolution(Object argument) {
        if (argument instanceof Key || argument instanceof Literal) {
            return true;
        } else if (Containers.isContainer(argument)) {
            for (Object element : Containers.elements(argument)) {
                if (needsResolution(element)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(key.toString()).append(" = ").append(key.name()).append('(');
        for (int i = 0; i < arguments.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(arguments[i]);
        }
        return sb.append(')').toString();
    }
}
