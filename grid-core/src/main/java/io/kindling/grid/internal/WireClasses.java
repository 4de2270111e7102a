package io.kindling.grid.internal;

import io.kindling.graph.Fn1;
import io.kindling.graph.Key;
import io.kindling.graph.Literal;
import io.kindling.graph.Task;
import org.apache.ignite.Ignite;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Registers the classes of Kindling's messages with the cluster while it is healthy. Ignite
 * registers a class name cluster-wide the first time it sends an object of it, and that
 * registration waited without end when a node died during it (a tree reduction sends its first
 * task with an argument key around the time results pile up on a node, which is when a fault
 * test kills one). Converting sample messages to binary form at start does those registrations
 * up front.
 */
public final class WireClasses {
    private WireClasses() {
    }

    /** Registers the message classes through {@code ignite}; returns false if the cluster refused (best effort). */
    public static boolean register(Ignite ignite) {
        try {
            for (Object sample : samples()) {
                ignite.binary().toBinary(sample);
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static List<Object> samples() {
        Fn1<Object, Object> same = KindlingGrid::same;
        Key leaf = Key.of("leaf", 1);
        Key plain = Key.of("plain");
        List<TaskSpec> specs = new ArrayList<>();
        specs.add(new TaskSpec(Task.of(leaf, same, 1), null, "leaf#c.1", 0, new Key[0], null, new String[0], new int[0]));
        specs.add(new TaskSpec(Task.of(plain, same, List.of(leaf, new Literal(plain), Map.of("k", leaf))),
                KindlingGrid.dataCacheName(1), "plain#c.2", 1, new Key[] {leaf}, new String[] {null},
                new String[] {"leaf#c.1"}, new int[] {0}, Map.of("GPU", 1.0)));
        GridBatch batch = new GridBatch("c", UUID.randomUUID(), 0, specs);
        Outcomes outcomes = new Outcomes(List.of(
                Outcome.success(leaf, 4, true, 1, "n", "t", 0, 0),
                Outcome.failure(plain, new IllegalStateException("sample"), "n", "t", 0, 0),
                Outcome.missing(plain, leaf, "leaf#c.1", "n"),
                Outcome.skipped(plain, "n")));
        return List.of(new RunTasks(batch), batch, outcomes, leaf, new Literal(1));
    }
}
