package io.kindling.graph;

import java.io.Serializable;
import java.util.Objects;

/**
 * The name of one task's result in a {@link Graph}, as Dask names them: {@code name-token}.
 *
 * <p>A key made by {@link #of(String, long)} has a readable name (usually the function's) and a
 * 64-bit token (a hash of function and arguments for pure calls, a random id otherwise); it prints
 * as {@code inc-3f2a09c1b7e4d5a6}. A key made by {@link #of(String)} is exactly the given text.
 * {@code Key.of(k.toString()).equals(k)} holds for every key, so keys survive a trip through text.
 *
 * <p>Keys are immutable, compare by value, and are cheap: the name string is shared by every key
 * of the same function, so a key costs one small object.
 */
public final class Key implements Serializable, Comparable<Key> {
    private static final long serialVersionUID = 1L;
    private static final int TOKEN_DIGITS = 16;

    private final String name;
    private final long token;
    private final boolean tokenized;

    private Key(String name, long token, boolean tokenized) {
        this.name = name;
        this.token = token;
        this.tokenized = tokenized;
    }

    /** A key {@code name-token}; {@code name} must not be empty. */
    public static Key of(String name, long token) {
        requireName(name);
        return new Key(name, token, true);
    }

    /**
     * The key whose text is {@code text}. Text of the form {@code name-<16 hex digits>} gives the
     * same key as {@link #of(String, long)}; any other non-empty text is taken as it is.
     */
    public static Key of(String text) {
        requireName(text);
        int dash = text.length() - TOKEN_DIGITS - 1;
        if (dash > 0 && text.charAt(dash) == '-' && isLowerHex(text, dash + 1)) {
            return new Key(text.substring(0, dash), Long.parseUnsignedLong(text.substring(dash + 1), 16), true);
        }
        return new Key(text, 0L, false);
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

    /** The token, or 0 for a key given as plain text. */
    public long token() {
        return token;
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
        return o instanceof Key k && token == k.token && tokenized == k.tokenized && name.equals(k.name);
    }

    @Override
    public int hashCode() {
        long h = token * 0x9E3779B97F4A7C15L;
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
        String hex = Long.toHexString(token);
        StringBuilder sb = new StringBuilder(name.length() + 1 + TOKEN_DIGITS).append(name).append('-');
        for (int i = hex.length(); i < TOKEN_DIGITS; i++) {
            sb.append('0');
        }
        return sb.append(hex).toString();
    }
}
