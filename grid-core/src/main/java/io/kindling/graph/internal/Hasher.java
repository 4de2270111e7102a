package io.kindling.graph.internal;

import io.kindling.graph.Fn;
import io.kindling.graph.Key;
import io.kindling.graph.Literal;

import io.kindling.graph.internal.Tokens;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Feeds values into a 128-bit hash, tagging each kind so that 1, 1L and "1" differ. Each 64-bit
 * word goes into two lanes with different multipliers and rotations, each lane stirred by the
 * other (the round of MurmurHash3's x64 128-bit variant); the end mixes both lanes and the count
 * of words.
 */
public final class Hasher {
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

    public long[] state() {
        return new long[] {h1, h2, words};
    }

    public void restore(long[] state) {
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
        a = Tokens.mix(a);
        b = Tokens.mix(b);
        a += b;
        b += a;
        return new long[] {a, b};
    }

    public Key key(String name) {
        long[] d = digest();
        return Key.of(name, d[0], d[1]);
    }

    public void function(Fn function) throws NotHashable {
        Class<?> type = function.getClass();
        Method writeReplace = Tokens.writeReplace(type);
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

    public void value(Object v) throws NotHashable {
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
            chunks(a.length, (from, to) -> {
                Words w = new Words(to - from);
                for (int i = from; i < to; i++) {
                    w.put(Double.doubleToLongBits(a[i]));
                }
                return w;
            });
        } else if (v instanceof long[] a) {
            add(31);
            add(a.length);
            chunks(a.length, (from, to) -> {
                Words w = new Words(to - from);
                for (int i = from; i < to; i++) {
                    w.put(a[i]);
                }
                return w;
            });
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

    /** Words of an array of at least this many elements are hashed in chunks of this size, in parallel. */
    static final int CHUNK = 1 << 20;

    /** The words of elements {@code from} to {@code to} of an array. */
    private interface Range {
        Words hash(int from, int to);
    }

    /**
     * An array of {@code length} elements: one {@link Words} over all of them, or, from
     * {@value #CHUNK} elements (8 MiB of words) up, one per chunk, hashed on the common fork-join
     * pool (a 100 MB array hashes in a fraction of the time on a machine of several cores) and added
     * in order, so that the token does not depend on the number of cores.
     */
    private void chunks(int length, Range range) {
        if (length < CHUNK) {
            range.hash(0, length).into(this);
            return;
        }
        int n = (length + CHUNK - 1) / CHUNK;
        Words[] parts = new Words[n];
        java.util.stream.IntStream.range(0, n).parallel()
                .forEach(c -> parts[c] = range.hash(c * CHUNK, Math.min(length, (c + 1) * CHUNK)));
        add(n);
        for (Words w : parts) {
            w.into(this);
        }
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

    static final class NotHashable extends Exception {
        private static final long serialVersionUID = 1L;

        NotHashable() {
            super(null, null, false, false);
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
