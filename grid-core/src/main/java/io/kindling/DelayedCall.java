package io.kindling;

import io.kindling.graph.Fn;
import io.kindling.graph.Fn0;
import io.kindling.graph.Fn1;
import io.kindling.graph.Fn2;
import io.kindling.graph.Fn3;
import io.kindling.graph.Fn4;
import io.kindling.graph.Fn5;
import io.kindling.graph.Key;
import io.kindling.graph.Task;
import io.kindling.graph.internal.Tokens;

/**
 * Options for making {@link Delayed} values: pure keys, a fixed key, or a name. Immutable; each
 * option returns a new {@code DelayedCall}.
 *
 * <pre>{@code
 * Delayed<Integer> a = Delayed.pure().delayed(Ops::inc, 1);
 * Delayed<Integer> b = Delayed.pure().delayed(Ops::inc, 1);   // a.key().equals(b.key())
 * Delayed<Integer> t = Delayed.key("total").delayed(Ops::add, a, 2);
 * }</pre>
 */
public final class DelayedCall {
    static final DelayedCall DEFAULT = new DelayedCall(false, null, null);

    private final boolean pure;
    private final String key;
    private final String name;

    private DelayedCall(boolean pure, String key, String name) {
        this.pure = pure;
        this.key = key;
        this.name = name;
    }

    /** Whether keys are hashes of function and arguments (true) or unique per call (false). */
    public DelayedCall pure(boolean pure) {
        return new DelayedCall(pure, key, name);
    }

    /** Calls made with this option get exactly this key. */
    public DelayedCall key(String key) {
        Key.of(key);
        return new DelayedCall(pure, key, name);
    }

    /** Calls made with this option get keys {@code name-token}. */
    public DelayedCall name(String name) {
        Key.of(name, 0, 0);
        return new DelayedCall(pure, key, name);
    }

    public <R> Delayed<R> delayed(Fn0<R> fn) {
        return make(fn, new Object[0]);
    }

    public <A, R> Delayed<R> delayed(Fn1<A, R> fn, Object a) {
        return make(fn, new Object[] {a});
    }

    public <A, B, R> Delayed<R> delayed(Fn2<A, B, R> fn, Object a, Object b) {
        return make(fn, new Object[] {a, b});
    }

    public <A, B, C, R> Delayed<R> delayed(Fn3<A, B, C, R> fn, Object a, Object b, Object c) {
        return make(fn, new Object[] {a, b, c});
    }

    public <A, B, C, D, R> Delayed<R> delayed(Fn4<A, B, C, D, R> fn, Object a, Object b, Object c, Object d) {
        return make(fn, new Object[] {a, b, c, d});
    }

    public <A, B, C, D, E, R> Delayed<R> delayed(Fn5<A, B, C, D, E, R> fn, Object a, Object b, Object c, Object d,
            Object e) {
        return make(fn, new Object[] {a, b, c, d, e});
    }

    /** A value as a {@code Delayed}, keyed by its contents (pure or not); see {@link Delayed#value}. */
    public <T> Delayed<T> value(T value) {
        Arguments arguments = new Arguments();
        Object converted = arguments.convert(value, "the value");
        Key k = key != null ? Key.of(key) : Tokens.ofValue(name != null ? name : typeName(value), converted);
        return new Delayed<>(Task.of(k, (Fn1<Object, Object>) DelayedCall::identity, converted), arguments.parents());
    }

    private static Object identity(Object value) {
        return value;
    }

    private <R> Delayed<R> make(Fn fn, Object[] raw) {
        if (fn == null) {
            throw new NullPointerException("delayed needs a function: pass a method reference or lambda, not null");
        }
        Arguments arguments = new Arguments();
        Object[] args = arguments.convertAll(raw);
        return new Delayed<>(Task.of(keyFor(fn, args), fn, args), arguments.parents());
    }

    private Key keyFor(Fn fn, Object[] args) {
        if (key != null) {
            return Key.of(key);
        }
        String n = name != null ? name : Tokens.functionName(fn);
        return pure ? Tokens.pure(n, fn, args) : Tokens.unique(n);
    }

    private static String typeName(Object value) {
        if (value == null) {
            return "none";
        } else if (value instanceof java.util.List) {
            return "list";
        } else if (value instanceof java.util.Set) {
            return "set";
        } else if (value instanceof java.util.Map) {
            return "map";
        } else if (value instanceof Object[]) {
            return "array";
        }
        String s = value.getClass().getSimpleName();
        return s.isEmpty() ? "value" : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
