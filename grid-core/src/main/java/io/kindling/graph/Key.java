package io.kindling.graph;

import java.io.Serializable;
import java.util.Objects;

/**
 * The name of one task's result in a {@link Graph}, as Dask names them: {@code name-token}.
 *
 * <p>A key made by {@link #of(String, long, long)} has a readable name (usually the function's)
 * and a 128-bit token, as Dask's (a hash of function and arguments for pure calls and of the
 * content of scattered values, a random id otherwise); it prints as
 * {@code inc-3f2a09c1b7e4d5a60c4e8f1d2b3a4958}. A key made by {@link #of(String)} is exactly the
 * given text.
 * {@code Key.of(k.toString()).equals(k)} holds for every key, so keys survive a trip through text.
 *
 * <p>Keys are immutable, compare by value, and are cheap: the name string is shared by every key
 * of the same function, so a key costs one small object.
 */
public final class Key implements Serializable, Comparable<Key> {
    private static final long serialVersionUID = 2L;
    /** Hex digits of a token: 128 bits. */
    public static final int TOKEN_DIGITS = 32;

    private final String name;
    private final long high;
    private final long low;
    private final boolean tokenized;

    private Key(String name, long high, long low, boolean tokenized) {
        this.name = name;
        this.high = high;
        this.low = low;
        this.tokenized = tokenized;
    }

    /** A key {@code name-token} whose token's upper and lower 64 bits are given; {@code name} must not be empty. */
    public static Key of(String name, long high, long low) {
        requireName(name);
        return new Key(name, high, low, true);
    }

    /** A key {@code name-token} whose token is {@code low} (upper 64 bits zero): for keys a caller numbers itself. */
    public static Key of(String name, long low) {
        return of(name, 0L, low);
    }

    /**
     * The key whose text is {@code text}. Text of the form {@code name-<32 hex digits>} gives the
     * same key as {@link #of(String, long, long)}; any other non-empty text is taken as it is.
     */
    public static Key of(String text) {
        requireName(text);
        int dash = text.length() - TOKEN_DIGITS - 1;
        if (dash > 0 && text.charAt(dash) == '-' && isLowerHex(text, dash + 1)) {
            int half = dash + 1 + TOKEN_DIGITS / 2;
            return new Key(text.substring(0, dash), Long.parseUnsignedLong(text.substring(dash + 1, half), 16),
                    Long.parseUnsignedLong(text.substring(half), 16), true);
        }
        return new Key(text, 0L, 0L, false);
    }

    private static void requireName(String name) {
        Objects.requireNonNull(name, "a key's name must not be null");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a key's name must not be empty");
        }
    }

    private static boolean isLowerHex(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /** The readable part: the function's name for keys that {@code delayed} and {@code submit} make. */
    public String name() {
        return name;
    }

    /** The upper 64 bits of the token, or 0 for a key given as plain text. */
    public long tokenHigh() {
        return high;
    }

    /** The lower 64 bits of the token, or 0 for a key given as plain text. */
    public long tokenLow() {
        return low;
    }

    /** Whether the key is of the form {@code name-token} (false for a key given as plain text). */
    public boolean hasToken() {
        return tokenized;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof Key k && low == k.low && high == k.high && tokenized == k.tokenized
                && name.equals(k.name);
    }

    @Override
    public int hashCode() {
        long h = (low ^ high) * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) ^ name.hashCode();
    }

    @Override
    public int compareTo(Key o) {
        return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
        if (!tokenized) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name.length() + 1 + TOKEN_DIGITS).append(name).append('-');
        hex(sb, high);
        hex(sb, low);
        return sb.toString();
    }

    private static void hex(StringBuilder sb, long v) {
        for (int shift = 60; shift >= 0; shift -= 4) {
            sb.append(Character.forDigit((int) (v >>> shift) & 0xF, 16));
        }
    }
}
