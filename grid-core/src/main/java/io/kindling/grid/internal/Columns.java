package io.kindling.grid.internal;

import io.kindling.graph.Key;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The content of one message between a client and a node (the tasks of a batch, or their
 * outcomes) as a few flat arrays: numbers in an int and a long array, strings that repeat (function,
 * cache and node names) once each in a table, objects shared by many entries (the function of a
 * map) once each, and the rest (arguments, values, storage names) in one object array.
 *
 * <p>Why: written field by field, a batch of a thousand tasks of one function carries the function
 * and its name a thousand times, and Ignite's binary marshaller hashes every nested object it
 * writes; on small tasks that cost more CPU than running them. Flat arrays it writes and reads
 * with little work per element, and the message stays in binary form, so that a server reads it
 * (and names a class it lacks) only when it runs it.
 */
final class Columns implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int NULL = -1;

    private final String[] strings;
    private final Object[] shared;
    private final int[] ints;
    private final long[] longs;
    private final Object[] objects;

    private Columns(String[] strings, Object[] shared, int[] ints, long[] longs, Object[] objects) {
        this.strings = strings;
        this.shared = shared;
        this.ints = ints;
        this.longs = longs;
        this.objects = objects;
    }

    /** Fills the columns of one message, entry by entry. */
    static final class Writer {
        private final Map<String, Integer> strings = new HashMap<>();
        private final Map<Object, Integer> shared = new IdentityHashMap<>();
        private int[] ints;
        private int nints;
        private long[] longs;
        private int nlongs;
        private final List<Object> objects;

        /** For about {@code entries} entries (the arrays grow as needed). */
        Writer(int entries) {
            ints = new int[Math.max(16, entries * 8)];
            longs = new long[Math.max(16, entries * 2)];
            objects = new ArrayList<>(Math.max(16, entries * 2));
        }

        void writeInt(int v) {
            if (nints == ints.length) {
                ints = Arrays.copyOf(ints, ints.length * 2);
            }
            ints[nints++] = v;
        }

        void writeLong(long v) {
            if (nlongs == longs.length) {
                longs = Arrays.copyOf(longs, longs.length * 2);
            }
            longs[nlongs++] = v;
        }

        void writeBoolean(boolean v) {
            writeInt(v ? 1 : 0);
        }

        /** Any value the marshaller can write (null allowed). */
        void writeObject(Object o) {
            objects.add(o);
        }

        /** A string that may repeat in the message (null allowed). */
        void writeString(String s) {
            writeInt(s == null ? NULL : strings.computeIfAbsent(s, x -> strings.size()));
        }

        /** An object that may appear again, the same instance, in the message (null allowed). */
        void writeShared(Object o) {
            writeInt(o == null ? NULL : shared.computeIfAbsent(o, x -> shared.size()));
        }

        /** A key (null allowed), as its parts. */
        void writeKey(Key k) {
            writeString(k == null ? null : k.name());
            if (k != null) {
                writeBoolean(k.hasToken());
                if (k.hasToken()) {
                    writeLong(k.tokenHigh());
                    writeLong(k.tokenLow());
                }
            }
        }

        Columns done() {
            String[] s = new String[strings.size()];
            strings.forEach((v, i) -> s[i] = v);
            Object[] o = new Object[shared.size()];
            shared.forEach((v, i) -> o[i] = v);
            return new Columns(s, o, Arrays.copyOf(ints, nints), Arrays.copyOf(longs, nlongs), objects.toArray());
        }
    }

    /** Reads the columns back in the order a {@link Writer} filled them. */
    /** The {@code size} items written one after another, each read by {@code read}. */
    <T> java.util.List<T> readAll(int size, java.util.function.Function<Reader, T> read) {
        Reader r = reader();
        java.util.List<T> out = new java.util.ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(read.apply(r));
        }
        return out;
    }

    Reader reader() {
        return new Reader();
    }

    final class Reader {
        private int nextInt;
        private int nextLong;
        private int nextObject;

        private Reader() {
        }

        int readInt() {
            return ints[nextInt++];
        }

        long readLong() {
            return longs[nextLong++];
        }

        boolean readBoolean() {
            return readInt() != 0;
        }

        Object readObject() {
            return objects[nextObject++];
        }

        String readString() {
            int i = readInt();
            return i == NULL ? null : strings[i];
        }

        Object readShared() {
            int i = readInt();
            return i == NULL ? null : shared[i];
        }

        Key readKey() {
            String name = readString();
            if (name == null) {
                return null;
            }
            return readBoolean() ? Key.of(name, readLong(), readLong()) : Key.of(name);
        }
    }
}
