package io.kindling.graph;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        } catch (NotHashable e) {
            return unique(name);
        }
        return h.key(name);
    }

    /** The key {@code name-token} of a value: by its content, or unique when it cannot be hashed by content. */
    public static Key ofValue(String name, Object value) {
        Hasher h = new Hasher();
        try {
            h.value(value);
        } catch (NotHashable e) {
            return unique(name);
        }
        return h.key(name);
    }

    static long mix(long z) {
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

    private static final class NotHashable extends Exception {
        private static final long serialVersionUID = 1L;

        NotHashable() {
            super(null, null, false, false);
        }
    }

    /**
     * Feeds values into a 128-bit hash, tagging each kind so that 1, 1L and "1" differ. Each 64-bit
     * word goes into two lanes with different multipliers and rotations, each lane stirred by the
     * other (the round of MurmurHash3's x64 128-bit variant); the end mixes both lanes and the count
     * of words.
     */
    private static final class Hasher {
        private static final long C1 = 0x87C37B91114253D5L;
        private static final long C2 = 0x4CF5AD432745937FL;
        private long h1 = 0x243F6A8885A308D3L;
        private long h2 = 0x13198A2E03707344L;
        private long words;

        void add(long v) {
            h1 ^= Long.rotateLeft(v * C1, 31) * C2;
            h1 = (Long.rotateLeft(h1, 27) + h2) * 5 + 0x52DCE729;
            h2 ^= Long.rotateLeft(v * C2, 33) * C1;
            h2 = (Long.rotateLeft(h2, 31) + h1) * 5 + 0x38495AB5;
            words++;
        }

        long[] state() {
            return new long[] {h1, h2, words};
        }

        void restore(long[] state) {
            h1 = state[0];
            h2 = state[1];
            words = state[2];
        }

        void add(String s) {
            add(s.length());
            for (int i = 0; i < s.length(); i++) {
                add(s.charAt(i));
            }
        }

        /** The upper and lower 64 bits of the hash. */
        long[] digest() {
            long a = h1 ^ words;
            long b = h2 ^ words;
            a += b;
            b += a;
            a = mix(a);
            b = mix(b);
            a += b;
            b += a;
            return new long[] {a, b};
        }

        Key key(String name) {
            long[] d = digest();
            return Key.of(name, d[0], d[1]);
        }

        void function(Fn function) throws NotHashable {
            Class<?> type = function.getClass();
            Method writeReplace = FUNCTIONS.get(type).writeReplace;
            if (writeReplace == null) {
                add(1);
                add(type.getName());
                serialized(function);
                return;
            }
            try {
                SerializedLambda lambda = (SerializedLambda) writeReplace.invoke(function);
                add(2);
                add(lambda.getImplClass());
                add(lambda.getImplMethodName());
                add(lambda.getImplMethodSignature());
                add(lambda.getCapturedArgCount());
                for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
                    value(lambda.getCapturedArg(i));
                }
            } catch (ReflectiveOperationException e) {
                throw new NotHashable();
            }
        }

        void value(Object v) throws NotHashable {
            if (v == null) {
                add(10);
            } else if (v instanceof Integer i) {
                add(11);
                add(i);
            } else if (v instanceof Long l) {
                add(26);
                add(l);
            } else if (v instanceof Short || v instanceof Byte) {
                add(v instanceof Short ? 27 : 28);
                add(((Number) v).longValue());
            } else if (v instanceof Double || v instanceof Float) {
                add(v instanceof Double ? 12 : 29);
                add(Double.doubleToLongBits(((Number) v).doubleValue()));
            } else if (v instanceof String s) {
                add(13);
                add(s);
            } else if (v instanceof Boolean b) {
                add(b ? 14 : 15);
            } else if (v instanceof Character c) {
                add(16);
                add(c);
            } else if (v instanceof Key k) {
                add(17);
                add(k.toString());
            } else if (v instanceof Enum<?> e) {
                add(18);
                add(e.getDeclaringClass().getName());
                add(e.name());
            } else if (v instanceof BigInteger || v instanceof BigDecimal) {
                add(19);
                add(v.getClass().getName());
                add(v.toString());
            } else if (v instanceof Literal l) {
                add(20);
                value(l.value());
            } else if (v instanceof List<?> list) {
                add(21);
                add(list.size());
                for (Object e : list) {
                    value(e);
                }
            } else if (v instanceof java.util.Set<?> set) {
                // Equal sets hash alike whatever their iteration order: a sum of element hashes.
                add(34);
                add(set.size());
                long high = 0;
                long low = 0;
                for (Object e : set) {
                    Hasher element = new Hasher();
                    element.value(e);
                    long[] d = element.digest();
                    high += d[0];
                    low += d[1];
                }
                add(high);
                add(low);
            } else if (v instanceof Map<?, ?> map) {
                add(22);
                add(map.size());
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    value(e.getKey());
                    value(e.getValue());
                }
            } else if (v instanceof Object[] array) {
                add(23);
                add(array.getClass().getName());
                add(array.length);
                for (Object e : array) {
                    value(e);
                }
            } else if (v instanceof double[] a) {
                add(30);
                add(a.length);
                Words w = new Words(a.length);
                for (double d : a) {
                    w.put(Double.doubleToLongBits(d));
                }
                w.into(this);
            } else if (v instanceof long[] a) {
                add(31);
                add(a.length);
                Words w = new Words(a.length);
                for (long l : a) {
                    w.put(l);
                }
                w.into(this);
            } else if (v instanceof int[] a) {
                add(32);
                add(a.length);
                Words w = new Words(a.length);
                for (int i : a) {
                    w.put(i);
                }
                w.into(this);
            } else if (v instanceof byte[] a) {
                add(33);
                add(a.length);
                bytes(a, a.length);
            } else if (v instanceof Class<?> c) {
                add(24);
                add(c.getName());
            } else {
                add(25);
                add(v.getClass().getName());
                serialized(v);
            }
        }

        private void serialized(Object v) throws NotHashable {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(v);
            } catch (NotSerializableException e) {
                throw new NotHashable();
            } catch (IOException e) {
                throw new NotHashable();
            }
            add(bytes.size());
            bytes(bytes.toByteArray(), bytes.size());
        }

        /** {@code n} bytes of {@code b}, eight to a word (little-endian; the last word zero-padded). */
        private void bytes(byte[] b, int n) {
            Words w = new Words(n / 8 + 1);
            int whole = n & ~7;
            for (int i = 0; i < whole; i += 8) {
                w.put((long) LONGS.get(b, i));
            }
            long last = 0;
            for (int i = whole; i < n; i++) {
                last |= (b[i] & 0xFFL) << (8 * (i - whole));
            }
            w.put(last);
            w.into(this);
        }
    }

    private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /**
     * The words of a large array, hashed four at a time into two independent 128-bit states (each
     * taking two words per round, MurmurHash3's x64 128-bit round), so that the processor works
     * on both at once: a few times faster than one word at a time through {@link Hasher#add}.
     * Both states then go into the hasher, with the count of words.
     */
    private static final class Words {
        private static final long C1 = 0x87C37B91114253D5L;
        private static final long C2 = 0x4CF5AD432745937FL;
        private final long[] buffer;
        private int n;
        private long count;
        private long a1 = 0x452821E638D01377L;
        private long a2 = 0xBE5466CF34E90C6CL;
        private long b1 = 0xC0AC29B7C97C50DDL;
        private long b2 = 0x3F84D5B5B5470917L;

        /** For about {@code words} words: the buffer takes at most 1,024 of them (8 KiB). */
        Words(int words) {
            buffer = new long[Math.min(1024, (Math.max(words, 1) + 3) & ~3)];
        }

        void put(long word) {
            buffer[n++] = word;
            if (n == buffer.length) {
                absorb();
            }
        }

        /** Hashes the buffer (its length a multiple of four, zeros padding the last round). */
        private void absorb() {
            while ((n & 3) != 0) {
                buffer[n++] = 0;
            }
            long x1 = a1;
            long x2 = a2;
            long y1 = b1;
            long y2 = b2;
            long[] w = buffer;
            for (int i = 0; i < n; i += 4) {
                x1 ^= Long.rotateLeft(w[i] * C1, 31) * C2;
                x1 = (Long.rotateLeft(x1, 27) + x2) * 5 + 0x52DCE729;
                x2 ^= Long.rotateLeft(w[i + 1] * C2, 33) * C1;
                x2 = (Long.rotateLeft(x2, 31) + x1) * 5 + 0x38495AB5;
                y1 ^= Long.rotateLeft(w[i + 2] * C1, 31) * C2;
                y1 = (Long.rotateLeft(y1, 27) + y2) * 5 + 0x52DCE729;
                y2 ^= Long.rotateLeft(w[i + 3] * C2, 33) * C1;
                y2 = (Long.rotateLeft(y2, 31) + y1) * 5 + 0x38495AB5;
            }
            a1 = x1;
            a2 = x2;
            b1 = y1;
            b2 = y2;
            count += n;
            n = 0;
        }

        void into(Hasher h) {
            if (n > 0) {
                absorb();
            }
            h.add(count);
            h.add(a1);
            h.add(a2);
            h.add(b1);
            h.add(b2);
        }
    }
}
