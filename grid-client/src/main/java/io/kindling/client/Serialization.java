package io.kindling.client;

import io.kindling.graph.Key;
import io.kindling.graph.Literal;
import io.kindling.graph.Task;
import io.kindling.graph.internal.Tokens;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;

/**
 * Checks at {@code submit} that a task can travel to the cluster, so that a function or argument
 * that cannot be serialized fails at the call that made it, with its name, rather than later on
 * another thread. Plain values (numbers, strings, keys, and lists, maps and arrays of them) and
 * functions without captured state pass without being serialized.
 */
final class Serialization {
    private static final ClassValue<Boolean> STATELESS = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(f.getModifiers())) {
                        return false;
                    }
                }
            }
            return true;
        }
    };

    private Serialization() {
    }

    /**
     * Checks {@code task}; returns it, or the same task with each argument that holds futures
     * inside an object Kindling does not look into packed ({@link PackedArgument}).
     */
    static Task check(Task task) {
        if (!STATELESS.get(task.function().getClass())
                && write(task, task.function(), "function " + Tokens.functionName(task.function()))) {
            throw new TaskNotSerializableException("task '" + task.key() + "' cannot be sent to the cluster: its "
                    + "function " + Tokens.functionName(task.function()) + " captures a future; pass the future as an "
                    + "argument instead (its value is then read where the task runs)", null);
        }
        List<Object> args = task.arguments();
        Object[] packed = null;
        for (int i = 0; i < args.size(); i++) {
            if (!plain(args.get(i), 0) && write(task, args.get(i), "argument " + (i + 1))) {
                if (packed == null) {
                    packed = args.toArray();
                }
                packed[i] = pack(task, args.get(i), i);
            }
        }
        return packed == null ? task : Task.of(task.key(), task.function(), packed);
    }

    private static PackedArgument pack(Task task, Object argument, int i) {
        try {
            return PackedArgument.of(argument);
        } catch (IOException | RuntimeException e) {
            throw new TaskNotSerializableException("task '" + task.key() + "' cannot be sent to the cluster: its "
                    + "argument " + (i + 1) + " failed to serialize: " + e, e);
        }
    }

    /**
     * What of {@code task} may carry a class the cluster has not seen: its function, and its
     * arguments other than numbers, strings, keys and arrays of primitives (a literal counts as
     * its value; a collection of more than 16 elements is left to its batch, not marshalled twice).
     */
    static void samples(Task task, java.util.function.Consumer<Object> out) {
        out.accept(task.function());
        for (Object a : task.arguments()) {
            Object v = a instanceof Literal l ? l.value() : a;
            if (scalar(v) || (v.getClass().isArray() && v.getClass().getComponentType().isPrimitive())
                    || (v instanceof java.util.Collection<?> c && c.size() > 16) || (v instanceof Map<?, ?> m && m.size() > 16)) {
                continue;
            }
            out.accept(v);
        }
    }

    /** A value whose class every node knows: null, a number, a string, a boolean, a character or a key. */
    private static boolean scalar(Object v) {
        return v == null || v instanceof Number || v instanceof String || v instanceof Boolean || v instanceof Character
                || v instanceof Key;
    }

    private static boolean plain(Object v, int depth) {
        if (scalar(v) || v instanceof Enum<?>) {
            return true;
        }
        if (depth > 2) {
            return false;
        }
        if (v instanceof Literal l) {
            return plain(l.value(), depth + 1);
        } else if (v instanceof java.util.Collection<?> list && (v instanceof List<?> || v instanceof java.util.Set<?>)
                && list.size() <= 10_000) {
            for (Object e : list) {
                if (!plain(e, depth + 1)) {
                    return false;
                }
            }
            return isJdkCollection(v);
        } else if (v instanceof Map<?, ?> map && map.size() <= 10_000) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!plain(e.getKey(), depth + 1) || !plain(e.getValue(), depth + 1)) {
                    return false;
                }
            }
            return isJdkCollection(v);
        }
        return v.getClass().isArray() && v.getClass().getComponentType().isPrimitive();
    }

    private static boolean isJdkCollection(Object v) {
        return v.getClass().getName().startsWith("java.util.");
    }

    /** Serializes {@code part} of {@code task} as it will travel; returns whether it holds a future. */
    private static boolean write(Task task, Object part, String what) {
        try {
            return PackedArgument.write(part, OutputStream.nullOutputStream());
        } catch (NotSerializableException e) {
            throw new TaskNotSerializableException("task '" + task.key() + "' cannot be sent to the cluster: its " + what
                    + " holds an object of class " + e.getMessage() + ", which is not Serializable. Functions and "
                    + "arguments travel to the servers: make that class Serializable, or do not capture it", e);
        } catch (IOException | RuntimeException e) {
            throw new TaskNotSerializableException("task '" + task.key() + "' cannot be sent to the cluster: its " + what
                    + " failed to serialize: " + e, e);
        }
    }
}
