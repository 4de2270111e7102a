package io.kindling.grid.internal;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PackedArraysTest {
    private static final int LARGE = (int) PackedArrays.MIN_BYTES;

    @Test
    void largePrimitiveArrays_packIntoBytes_andUnpackToEqualArrays() {
        double[] d = new double[LARGE / 8];
        d[0] = Double.NaN;
        d[1] = -0.0;
        d[d.length - 1] = Double.MAX_VALUE;
        long[] l = new long[LARGE / 8];
        l[l.length - 1] = Long.MIN_VALUE;
        int[] i = new int[LARGE / 4];
        i[3] = -5;
        float[] f = new float[LARGE / 4];
        f[7] = Float.MIN_VALUE;
        short[] s = new short[LARGE / 2];
        s[9] = Short.MIN_VALUE;
        char[] c = new char[LARGE / 2];
        c[11] = '\uffff';
        for (Object v : new Object[] {d, l, i, f, s, c}) {
            Object packed = PackedArrays.pack(v);
            assertInstanceOf(byte[].class, packed, v.getClass().getSimpleName());
            assertTrue(Objects.deepEquals(v, PackedArrays.unpack(packed)), v.getClass().getSimpleName());
        }
    }

    @Test
    void smallArraysAndOtherValues_stayAsTheyAre() {
        double[] small = new double[LARGE / 8 - 1];
        assertSame(small, PackedArrays.pack(small));
        byte[] bytes = new byte[LARGE * 2];
        assertSame(bytes, PackedArrays.pack(bytes));
        assertSame(bytes, PackedArrays.unpack(bytes));
        String text = "x";
        assertSame(text, PackedArrays.pack(text));
        assertSame(text, PackedArrays.unpack(text));
    }

    @Test
    void packAll_copiesTheMapOnlyWhenAValueIsPacked() {
        java.util.Map<String, Object> small = new java.util.HashMap<>(java.util.Map.of("a", 1, "b", "x"));
        assertSame(small, PackedArrays.packAll(small));
        double[] large = new double[LARGE / 8];
        java.util.Map<String, Object> mixed = new java.util.HashMap<>(java.util.Map.of("a", 1, "big", large));
        java.util.Map<String, Object> packed = PackedArrays.packAll(mixed);
        assertSame(large, mixed.get("big"), "the given map is left as it was");
        assertInstanceOf(byte[].class, packed.get("big"));
        assertSame(mixed.get("a"), packed.get("a"));
    }

    @Test
    void bytesThatBeginAsAPackedValue_comeBackAsThemselves() {
        for (int n : new int[] {PackedArrays.HEADER, PackedArrays.HEADER + 5, LARGE}) {
            byte[] lookalike = new byte[n];
            ByteBuffer.wrap(lookalike).putLong(PackedArrays.MAGIC).put((byte) 2);
            lookalike[n - 1] = 7;
            Object stored = PackedArrays.pack(lookalike);
            assertTrue(stored != lookalike, "a lookalike is packed, so that it is not mistaken for a packed double[]");
            assertArrayEquals(lookalike, (byte[]) PackedArrays.unpack(stored));
        }
    }
}
