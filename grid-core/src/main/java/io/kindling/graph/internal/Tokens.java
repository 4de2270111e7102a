package io.kindling.graph.internal;

import io.kindling.graph.Fn;
import io.kindling.graph.internal.Hasher;
import io.kindling.graph.Key;

import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Names and tokens for keys, as Dask's {@code tokenize} and {@code funcname}.
 *
 * <p>A pure call's token is a 128-bit hash, as Dask's tokens are, of what the function is (for a lambda or method
 * reference: its class, method, signature and captured values) and of its arguments' contents:
 * numbers, strings, enums, keys, lists, maps and arrays by value; other serializable objects by
 * their serialized bytes. An argument that cannot be serialized has no content to hash, so the
 * call gets a unique token, as an impure call does. A scattered value's token hashes its content
 * the same way.
 *
 * <p>A unique token is SplitMix64 over a per-JVM random seed and a counter in its upper half and
 * over a second per-JVM random seed in its lower half: unique within the JVM, and unlikely to meet
 * another JVM's (clients of one cluster share the key space).
 */
public final class Tokens {
    private static final SecureRandom SEEDS = new SecureRandom();
    private static final AtomicLong COUNTER = new AtomicLong(SEEDS.nextLong());
    private static final long SALT = SEEDS.nextLong();
    private static final ClassValue<FunctionInfo> FUNCTIONS = new ClassValue<>() {
        @Override
        protected FunctionInfo computeValue(Class<?> type) {
            return FunctionInfo.of(type);
        }
    };

    private Tokens() {
    }

    /** Per thread: the last function {@link #pure} hashed (weakly), and the hash state after it. */
    private static final ThreadLocal<Object[]> LAST_FUNCTION = ThreadLocal.withInitial(() -> new Object[2]);

    /** A fresh 64-bit id, never handed out before in this JVM (for names of clients and storage, not keys). */
    public static long unique() {
        return mix(COUNTER.addAndGet(0x9E3779B97F4A7C15L));
    }

    /** A key {@code name-token} with a fresh 128-bit token, never handed out before in this JVM. */
    public static Key unique(String name) {
        long c = COUNTER.addAndGet(0x9E3779B97F4A7C15L);
        return Key.of(name, mix(c), mix(c ^ SALT));
    }

    /**
     * For each argument of {@code function}, whether the method behind it takes a primitive there
     * (so that null cannot be passed); all false when that cannot be known (a class of its own).
     */
    public static boolean[] primitiveArguments(Fn function) {
        return FUNCTIONS.get(function.getClass()).primitives(function);
    }

    /** A readable name for a function: the method's name for a method reference, {@code lambda} for a lambda. */
    public static String functionName(Fn function) {
        return FUNCTIONS.get(function.getClass()).name(function);
    }

    /**
     * The key {@code name-token} of {@code function(arguments...)}: its token is deterministic, or
     * unique when some part cannot be hashed by content.
     */
    public static Key pure(String name, Fn function, Object[] arguments) {
        Hasher h = new Hasher();
        try {
            // A map hashes the same function for every item: the hash of the function part is kept
            // for the last function this thread hashed (reading a lambda takes a reflective call).
            Object[] last = LAST_FUNCTION.get();
            if (last[0] instanceof java.lang.ref.WeakReference<?> seen && seen.get() == function) {
                h.restore((long[]) last[1]);
            } else {
                h.function(function);
                last[0] = new java.lang.ref.WeakReference<>(function);
                last[1] = h.state();
            }
            for (Object a : arguments) {
                h.value(a);
            }
        } catch (Hasher.NotHashable e) {
            return unique(name);
        }
        return h.key(name);
    }

    /** The key {@code name-token} of a value: by its content, or unique when it cannot be hashed by content. */
    public static Key ofValue(String name, Object value) {
        Hasher h = new Hasher();
        try {
            h.value(value);
        } catch (Hasher.NotHashable e) {
            return unique(name);
        }
        return h.key(name);
    }

    /** The {@code writeReplace} of a serializable lambda's class, or null (for {@link Hasher}). */
    public static Method writeReplace(Class<?> type) {
        return FUNCTIONS.get(type).writeReplace;
    }

    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * What a function's class says about it: its {@code writeReplace} if it is a serializable
     * lambda, and its name, read from the first instance seen (a lambda's method is known only
     * through an instance) and kept for the class.
     */
    private static final class FunctionInfo {
        final Method writeReplace;
        private volatile String name;
        private volatile boolean[] primitives;

        private FunctionInfo(Method writeReplace) {
            this.writeReplace = writeReplace;
        }

        static FunctionInfo of(Class<?> type) {
            if (type.isSynthetic() || type.isHidden()) {
                try {
                    Method writeReplace = type.getDeclaredMethod("writeReplace");
                    writeReplace.setAccessible(true);
                    return new FunctionInfo(writeReplace);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return new FunctionInfo(null);
                }
            }
            return new FunctionInfo(null);
        }

        boolean[] primitives(Fn function) {
            boolean[] known = primitives;
            if (known != null) {
                return known;
            }
            boolean[] found = new boolean[function.arity()];
            if (writeReplace != null) {
                try {
                    SerializedLambda lambda = (SerializedLambda) writeReplace.invoke(function);
                    List<Character> kinds = parameterKinds(lambda.getImplMethodSignature());
                    // Captured values come first; a method reference to an instance method takes
                    // its receiver first (one parameter fewer than the function).
                    int offset = kinds.size() - found.length;
                    for (int i = 0; i < found.length && offset >= 0; i++) {
                        found[i] = "ZBCSIJFD".indexOf(kinds.get(offset + i)) >= 0;
                    }
                } catch (ReflectiveOperationException | RuntimeException e) {
                    found = new boolean[function.arity()];
                }
            }
            primitives = found;
            return found;
        }

        /** The first character of each parameter descriptor of a method descriptor such as {@code (ILjava/lang/String;)I}. */
        private static List<Character> parameterKinds(String descriptor) {
            List<Character> out = new ArrayList<>();
            int i = 1;
            while (descriptor.charAt(i) != ')') {
                char c = descriptor.charAt(i);
                int start = i;
                while (descriptor.charAt(i) == '[') {
                    i++;
                }
                if (descriptor.charAt(i) == 'L') {
                    i = descriptor.indexOf(';', i);
                }
                i++;
                out.add(start == i - 1 ? c : 'L');
            }
            return out;
        }

        String name(Fn function) {
            String known = name;
            if (known != null) {
                return known;
            }
            String found = decapitalize(function.getClass().getSimpleName());
            if (writeReplace != null) {
                try {
                    String method = ((SerializedLambda) writeReplace.invoke(function)).getImplMethodName();
                    found = method.startsWith("lambda$") ? "lambda" : method;
                } catch (ReflectiveOperationException | RuntimeException e) {
                    found = "lambda";
                }
            } else if (function.getClass().isSynthetic() || function.getClass().isHidden()) {
                found = "lambda";
            }
            name = found;
            return found;
        }
    }

    private static String decapitalize(String s) {
        int dollar = s.indexOf('$');
        if (dollar >= 0) {
            s = s.substring(0, dollar);
        }
        if (s.isEmpty()) {
            return "function";
        }
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
