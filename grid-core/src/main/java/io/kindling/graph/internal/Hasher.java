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
            chunks(a.length, (from, to) -> Words.ofDoubles(a, from, to));
        } else if (v instanceof long[] a) {
            add(31);
            add(a.length);
            chunks(a.length, (from, to) -> Words.ofLongs(a, from, to));
        } else if (v instanceof int[] a) {
            add(32);
            add(a.length);
            Words.ofInts(a).into(this);
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
        int whole = n & ~7;
        long last = 0;
        for (int i = whole; i < n; i++) {
            last |= (b[i] & 0xFFL) << (8 * (i - whole));
        }
        Words.ofBytes(b, 0, whole / 8, last).into(this);
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
     * The words of a large array, hashed four at a time into four independent 64-bit lanes (the
     * round of xxHash64: multiply, add, rotate, multiply), so that the processor works on all four
     * at once with no lane waiting on another; a run of words fills the lanes in order, the last
     * round zero-padded. The lanes then go into the hasher, with the count of words, where
     * {@link Hasher#add}'s rounds and the final mix stir them together.
     */
    private static final class Words {
        private static final long P1 = 0x9E3779B185EBCA87L;
        private static final long P2 = 0xC2B2AE3D27D4EB4FL;
        private long count;
        private long v1 = 0x452821E638D01377L;
        private long v2 = 0xBE5466CF34E90C6CL;
        private long v3 = 0xC0AC29B7C97C50DDL;
        private long v4 = 0x3F84D5B5B5470917L;

        private static long round(long lane, long word) {
            return Long.rotateLeft(lane + word * P2, 31) * P1;
        }

        /** Words {@code a} to {@code d}, one to each lane. */
        void put4(long a, long b, long c, long d) {
            v1 = round(v1, a);
            v2 = round(v2, b);
            v3 = round(v3, c);
            v4 = round(v4, d);
            count += 4;
        }

        static Words ofDoubles(double[] a, int from, int to) {
            Words w = new Words();
            int i = from;
            for (; i + 4 <= to; i += 4) {
                w.put4(Double.doubleToLongBits(a[i]), Double.doubleToLongBits(a[i + 1]),
                        Double.doubleToLongBits(a[i + 2]), Double.doubleToLongBits(a[i + 3]));
            }
            long[] rest = new long[4];
            for (int k = 0; i < to; i++, k++) {
                rest[k] = Double.doubleToLongBits(a[i]);
            }
            return w.last(rest, to - from);
        }

        static Words ofLongs(long[] a, int from, int to) {
            Words w = new Words();
            int i = from;
            for (; i + 4 <= to; i += 4) {
                w.put4(a[i], a[i + 1], a[i + 2], a[i + 3]);
            }
            long[] rest = new long[4];
            for (int k = 0; i < to; i++, k++) {
                rest[k] = a[i];
            }
            return w.last(rest, to - from);
        }

        static Words ofInts(int[] a) {
            Words w = new Words();
            int i = 0;
            for (; i + 4 <= a.length; i += 4) {
                w.put4(a[i], a[i + 1], a[i + 2], a[i + 3]);
            }
            long[] rest = new long[4];
            for (int k = 0; i < a.length; i++, k++) {
                rest[k] = a[i];
            }
            return w.last(rest, a.length);
        }

        /** Words {@code from} to {@code to} of {@code b} read as little-endian longs ({@code to} at most its length / 8). */
        static Words ofBytes(byte[] b, int from, int to, long last) {
            Words w = new Words();
            int i = from;
            for (; i + 4 <= to; i += 4) {
                w.put4((long) LONGS.get(b, 8 * i), (long) LONGS.get(b, 8 * i + 8), (long) LONGS.get(b, 8 * i + 16),
                        (long) LONGS.get(b, 8 * i + 24));
            }
            long[] rest = new long[4];
            int k = 0;
            for (; i < to; i++, k++) {
                rest[k] = (long) LONGS.get(b, 8 * i);
            }
            rest[k] = last;
            return w.last(rest, to - from + 1);
        }

        /** The words of a run of {@code total} words that did not fill a round: one zero-padded round, if any. */
        private Words last(long[] rest, long total) {
            if ((total & 3) != 0) {
                put4(rest[0], rest[1], rest[2], rest[3]);
            }
            count = total;
            return this;
        }

        void into(Hasher h) {
            h.add(count);
            h.add(v1);
            h.add(v2);
            h.add(v3);
            h.add(v4);
        }
    }
}
