package io.kindling.grid.internal;

import org.apache.ignite.cluster.ClusterNode;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Abstract resources a node declares, as Dask workers' {@code --resources "GPU=2 MEMORY=10e9"}:
 * names with amounts, in the node attribute {@value #ATTRIBUTE} as {@code GPU=2,MEMORY=10e9}
 * ({@code -Dkindling.resources=...} on a server). Tasks that ask for resources run only on nodes
 * that declare enough, no more at once than declared.
 */
public final class Resources {
    /** The node attribute that holds a node's resources. */
    public static final String ATTRIBUTE = "kindling.resources";

    private Resources() {
    }

    /**
     * The resources of a spec such as {@code GPU=2,MEMORY=10e9} (commas or spaces between them);
     * empty for null or blank.
     *
     * @throws IllegalArgumentException naming the part that is not {@code NAME=AMOUNT} with an amount above 0
     */
    public static Map<String, Double> parse(String spec) {
        Map<String, Double> out = new TreeMap<>();
        if (spec == null || spec.isBlank()) {
            return Collections.unmodifiableMap(out);
        }
        for (String part : spec.trim().split("[,\\s]+")) {
            int eq = part.indexOf('=');
            double amount;
            try {
                amount = eq <= 0 ? -1 : Double.parseDouble(part.substring(eq + 1));
            } catch (NumberFormatException e) {
                amount = -1;
            }
            if (eq <= 0 || amount <= 0) {
                throw new IllegalArgumentException("resources: '" + part + "' is not NAME=AMOUNT with an amount above 0 "
                        + "(write them as GPU=2,MEMORY=10e9)");
            }
            out.put(part.substring(0, eq), amount);
        }
        return Collections.unmodifiableMap(out);
    }

    /** The spec of {@code resources}, as {@link #parse} reads it. */
    public static String format(Map<String, Double> resources) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(resources).forEach((name, amount) -> {
            sb.append(sb.length() == 0 ? "" : ",").append(name).append('=');
            sb.append(amount == Math.rint(amount) ? String.valueOf(amount.longValue()) : String.valueOf(amount));
        });
        return sb.toString();
    }

    /** The resources {@code node} declares (empty if none, or not readable). */
    public static Map<String, Double> of(ClusterNode node) {
        Object spec = node.attribute(ATTRIBUTE);
        try {
            return parse(spec == null ? null : spec.toString());
        } catch (IllegalArgumentException e) {
            return Map.of();
        }
    }
}
