package io.kindling.grid.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Large arrays of primitives as the data caches store them: one {@code byte[]} holding a header
 * and the elements' bytes. Ignite sends and stores a {@code byte[]} as it is, where it marshals
 * any other array into a buffer that grows by doubling and is then copied out whole; packing
 * is one bulk copy, and so is unpacking on the node that reads the value (buffer to buffer, which
 * the JDK copies as memory from the first call, where an element loop runs interpreted at first).
 *
 * <p>A stored {@code byte[]} is packed exactly when it begins with {@link #MAGIC}: a user's
 * {@code byte[]} that happens to begin so is packed too (as bytes), so every value unpacks to
 * what was packed. Arrays under {@link #MIN_BYTES} stay as they are (the marshaller is fast on
 * them). Packing happens where values are written to a data cache, unpacking where they are
 * read from one, each once.
 */
public final class PackedArrays {
    /** The first eight bytes of a packed value ("KINDLPK1"). */
    static final long MAGIC = 0x4B494E444C504B31L;
    /** Header: the magic, a type byte, padding so that the elements start 8-aligned. */
    static final int HEADER = 16;
    /** Arrays of at least this many bytes are packed. */
    static final long MIN_BYTES = RunTasks.INLINE_BYTES;

    private static final byte BYTES = 1;
    private static final byte DOUBLES = 2;
    private static final byte LONGS = 3;
    private static final byte INTS = 4;
    private static final byte FLOATS = 5;
    private static final byte SHORTS = 6;
    private static final byte CHARS = 7;

    private PackedArrays() {
    }

    /** {@code value} as a data cache stores it: packed if it is a large primitive array. */
    public static Object pack(Object value) {
        if (value instanceof double[] a && 8L * a.length >= MIN_BYTES) {
            ByteBuffer b = buffer(DOUBLES, 8L * a.length);
            b.asDoubleBuffer().put(java.nio.DoubleBuffer.wrap(a));
            return b.array();
        } else if (value instanceof long[] a && 8L * a.length >= MIN_BYTES) {
            ByteBuffer b = buffer(LONGS, 8L * a.length);
            b.asLongBuffer().put(java.nio.LongBuffer.wrap(a));
            return b.array();
        } else if (value instanceof int[] a && 4L * a.length >= MIN_BYTES) {
            ByteBuffer b = buffer(INTS, 4L * a.length);
            b.asIntBuffer().put(java.nio.IntBuffer.wrap(a));
            return b.array();
        } else if (value instanceof float[] a && 4L * a.length >= MIN_BYTES) {
            ByteBuffer b = buffer(FLOATS, 4L * a.length);
            b.asFloatBuffer().put(java.nio.FloatBuffer.wrap(a));
            return b.array();
        } else if (value instanceof short[] a && 2L * a.length >= MIN_BYTES) {
            ByteBuffer b = buffer(SHORTS, 2L * a.length);
            b.asShortBuffer().put(java.nio.ShortBuffer.wrap(a));
            return b.array();
        } else if (value instanceof char[] a && 2L * a.length >= MIN_BYTES) {
            ByteBuffer b = buffer(CHARS, 2L * a.length);
            b.asCharBuffer().put(java.nio.CharBuffer.wrap(a));
            return b.array();
        } else if (value instanceof byte[] a && isPacked(a)) {
            ByteBuffer b = buffer(BYTES, a.length);
            b.put(a);
            return b.array();
        }
        return value;
    }

    /**
     * {@code values} as a data cache stores them: {@code values} itself when none is packed (a
     * batch of small results costs no copy of its map), otherwise a copy with those packed.
     */
    public static <K> java.util.Map<K, Object> packAll(java.util.Map<K, Object> values) {
        java.util.Map<K, Object> out = values;
        for (java.util.Map.Entry<K, Object> e : values.entrySet()) {
            Object packed = pack(e.getValue());
            if (packed != e.getValue()) {
                if (out == values) {
                    out = new java.util.HashMap<>(values);
                }
                out.put(e.getKey(), packed);
            }
        }
        return out;
    }

    /** What {@link #pack} was given, from what a data cache holds; anything not packed as it is. */
    public static Object unpack(Object stored) {
        if (!(stored instanceof byte[] bytes) || !isPacked(bytes)) {
            return stored;
        }
        // the packed bytes (a message's, or a copy read from the data region) go once unpacked
        LargeGarbage.note(bytes.length);
        ByteBuffer b = ByteBuffer.wrap(bytes, HEADER, bytes.length - HEADER).slice().order(ByteOrder.LITTLE_ENDIAN);
        int n = b.remaining();
        switch (bytes[8]) {
            case DOUBLES -> {
                double[] out = new double[n / 8];
                java.nio.DoubleBuffer.wrap(out).put(b.asDoubleBuffer());
                return out;
            }
            case LONGS -> {
                long[] out = new long[n / 8];
                java.nio.LongBuffer.wrap(out).put(b.asLongBuffer());
                return out;
            }
            case INTS -> {
                int[] out = new int[n / 4];
                java.nio.IntBuffer.wrap(out).put(b.asIntBuffer());
                return out;
            }
            case FLOATS -> {
                float[] out = new float[n / 4];
                java.nio.FloatBuffer.wrap(out).put(b.asFloatBuffer());
                return out;
            }
            case SHORTS -> {
                short[] out = new short[n / 2];
                java.nio.ShortBuffer.wrap(out).put(b.asShortBuffer());
                return out;
            }
            case CHARS -> {
                char[] out = new char[n / 2];
                java.nio.CharBuffer.wrap(out).put(b.asCharBuffer());
                return out;
            }
            case BYTES -> {
                return java.util.Arrays.copyOfRange(bytes, HEADER, bytes.length);
            }
            default -> throw new IllegalStateException("a stored value packed with type " + bytes[8]
                    + ", which this version of Kindling does not know: the cluster runs mixed versions");
        }
    }

    /** Whether {@code bytes} begins with the packed values' header. */
    static boolean isPacked(byte[] bytes) {
        if (bytes.length < HEADER) {
            return false;
        }
        return ByteBuffer.wrap(bytes, 0, 8).getLong() == MAGIC;
    }

    /** A buffer of the header of {@code type} and room for {@code bytes} more, placed after it. */
    private static ByteBuffer buffer(byte type, long bytes) {
        if (bytes > Integer.MAX_VALUE - HEADER) {
            throw new IllegalArgumentException("an array of " + bytes + " bytes is too large to store as one value "
                    + "(at most " + (Integer.MAX_VALUE - HEADER) + "): split it into several values");
        }
        byte[] out = new byte[(int) bytes + HEADER];
        ByteBuffer b = ByteBuffer.wrap(out);
        b.putLong(MAGIC).put(type);
        return b.position(HEADER).slice().order(ByteOrder.LITTLE_ENDIAN);
    }
}
