package io.kindling.grid.internal;

import io.kindling.grid.NodeConfig;

import org.apache.ignite.Ignite;

/**
 * A node's memory settings ({@link Spill}), read once from its attributes (set by
 * {@link NodeConfig#memory}) or, without them, from system properties of its JVM.
 *
 * @param target       the fraction of the data memory past which values spill ({@value #TARGET})
 * @param pause        the fraction past which the node starts no new batch ({@value #PAUSE})
 * @param enabled      whether the node spills at all ({@value #ENABLED})
 * @param pauseMillis  the longest a batch waits for memory ({@code kindling.memory.pause.millis})
 * @param mostBytes    the most a node keeps on disk ({@code kindling.spill.bytes}; unlimited by default)
 */
public record SpillSettings(double target, double pause, boolean enabled, long pauseMillis, long mostBytes) {
    public static final String TARGET = "kindling.memory.target";
    public static final String PAUSE = "kindling.memory.pause";
    public static final String ENABLED = "kindling.spill";

    /** The settings of node {@code ignite}; a fraction outside (0, 1] is refused, naming it. */
    static SpillSettings of(Ignite ignite) {
        String spill = setting(ignite, ENABLED);
        return new SpillSettings(fraction(ignite, TARGET, 0.6), fraction(ignite, PAUSE, 0.8),
                spill == null || !"false".equalsIgnoreCase(spill.trim()),
                Long.getLong("kindling.memory.pause.millis", 30_000),
                Long.getLong("kindling.spill.bytes", Long.MAX_VALUE));
    }

    private static String setting(Ignite ignite, String name) {
        Object a = ignite.cluster().localNode().attribute(name);
        return a != null ? a.toString() : System.getProperty(name);
    }

    private static double fraction(Ignite ignite, String property, double otherwise) {
        String v = setting(ignite, property);
        if (v == null || v.isBlank()) {
            return otherwise;
        }
        try {
            double f = Double.parseDouble(v.trim());
            if (f > 0 && f <= 1) {
                return f;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException(property + " must be a fraction of the data memory above 0 and at most 1, "
                + "such as 0.6, not '" + v + "'");
    }
}
