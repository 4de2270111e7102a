package io.kindling.client;

import io.kindling.grid.internal.Outcome;

import java.util.List;

/** Hands outcomes to the open JVM-wide {@link TaskStream} scopes, as a client does for each batch it receives. */
public final class TaskStreamFeed {
    private TaskStreamFeed() {
    }

    /** As a client without scopes of its own receiving {@code outcomes}. */
    public static void observe(List<Outcome> outcomes) {
        TaskStream.observe(outcomes, List.of());
    }
}
