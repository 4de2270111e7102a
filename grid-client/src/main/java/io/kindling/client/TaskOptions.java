package io.kindling.client;

import java.util.Map;
import java.util.Set;

/**
 * How new tasks of one call run: retries after a throw, priority, where they may run (named nodes,
 * strictly or as a preference) and the abstract resources they need. Immutable.
 */
record TaskOptions(int retries, int priority, Set<String> workers, boolean allowOtherWorkers,
        Map<String, Double> resources) {
    static final TaskOptions DEFAULT = new TaskOptions(0, 0, null, false, null);

    /** Whether a task with these options may run only on some nodes (named ones, or ones with the resources). */
    boolean constrained() {
        return (workers != null && !allowOtherWorkers) || resources != null;
    }
}
