package io.kindling.client;

import io.kindling.graph.Fn1;
import io.kindling.graph.Fn2;
import io.kindling.graph.Key;
import io.kindling.graph.Task;
import io.kindling.grid.internal.Outcome;
import io.kindling.testing.Ops;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The client's state machine driven by a seeded stream of random events (submits with inputs,
 * batches taken and answered in any order, failures, releases, cancels, retries, nodes leaving
 * and joining), validated after every event. Once the events stop and the nodes answer
 * everything, every future still held must be done: nothing may be stuck. A failing seed replays
 * the same events; the message names the seed and the last events.
 */
class ClientStateRandomTest {
    private static final Fn1<Integer, Integer> INC = Ops::inc;
    private static final Fn2<Integer, Integer, Integer> ADD = Ops::add;
    private static final Set<String> DONE = Set.of("finished", "error", "cancelled", "lost");

    private Random random;
    private ClientStateTest.FakeTopology topology;
    private ClientState state;
    private final List<KeyEntry> held = new ArrayList<>();
    private final List<Batch> inFlight = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private int keys;
    private int storages;
    private int joined;

    /** 200 seeds, a few milliseconds each; a failing one names itself and replays the same events. */
    static java.util.stream.LongStream seeds() {
        return java.util.stream.LongStream.rangeClosed(1, 200);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomEvents_keepTheInvariants_andEveryHeldFutureEndsDone(long seed) {
        random = new Random(seed);
        topology = new ClientStateTest.FakeTopology("a", "b", "c");
        state = new ClientState(topology, k -> k + "#random." + (storages++));
        state.allowedFailures(2);
        try {
            for (int step = 0; step < 400; step++) {
                step();
                check();
            }
            settle();
        } catch (AssertionError | RuntimeException e) {
            List<String> last = events.subList(Math.max(0, events.size() - 25), events.size());
            fail("seed " + seed + " after " + events.size() + " events; those of the keys named in the error: "
                    + String.join("; ", eventsOfKeysIn(String.valueOf(e.getMessage()))) + "; the last: "
                    + String.join("; ", last), e);
        }
        for (KeyEntry e : held) {
            assertTrue(DONE.contains(e.status()) && e.done.isDone(),
                    "seed " + seed + ": '" + e.key + "' is " + e.status() + " once every node answered; its story: "
                            + state.story(Set.of(e.key)));
        }
    }

    /** The events that name a key ({@code k12}) that {@code message} names, with the batches of those keys. */
    private List<String> eventsOfKeysIn(String message) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\bk\\d+\\b").matcher(message);
        Set<String> named = new java.util.HashSet<>();
        while (m.find()) {
            named.add(m.group());
        }
        List<String> out = new ArrayList<>();
        for (String event : events) {
            for (String k : named) {
                if (event.matches(".*\\b" + k + "\\b.*")) {
                    out.add(event);
                    break;
                }
            }
        }
        return out;
    }

    private void step() {
        int dice = random.nextInt(100);
        if (dice < 30) {
            submit();
        } else if (dice < 50) {
            take();
        } else if (dice < 75) {
            answer(0.85, 0.10);
        } else if (dice < 78 && !inFlight.isEmpty()) {
            Batch b = inFlight.remove(random.nextInt(inFlight.size()));
            events.add("send of batch " + b.id + " to " + b.node + " failed");
            state.batchFailed(b, new IllegalStateException("the send failed"));
        } else if (dice < 86 && !held.isEmpty()) {
            KeyEntry e = held.remove(random.nextInt(held.size()));
            events.add("release " + e.key);
            state.release(e);
        } else if (dice < 91 && !held.isEmpty()) {
            KeyEntry e = held.get(random.nextInt(held.size()));
            events.add("cancel " + e.key);
            state.cancel(e);
        } else if (dice < 94 && !held.isEmpty()) {
            KeyEntry e = held.get(random.nextInt(held.size()));
            events.add("retry " + e.key);
            state.retry(e);
        } else if (dice < 97 && topology.nodes.size() > 1) {
            String node = topology.nodes.get(random.nextInt(topology.nodes.size()));
            leave(node);
        } else if (topology.nodes.size() < 4) {
            String node = "n" + (joined++);
            events.add(node + " joins");
            topology.nodes.add(node);
        }
    }

    private void submit() {
        String name = "k" + (keys++);
        Object a = argument();
        Task task;
        if (random.nextBoolean()) {
            task = Task.of(Key.of(name), INC, a);
        } else {
            task = Task.of(Key.of(name), ADD, a, argument());
        }
        KeyEntry e = state.addTask(task, random.nextInt(3) == 0 ? 1 : 0);
        state.hold(e);
        held.add(e);
        events.add("submit " + task.key() + " of " + task.arguments());
    }

    /** A plain number, or the key of a future held (a task's input). */
    private Object argument() {
        if (held.isEmpty() || random.nextInt(3) == 0) {
            return random.nextInt(10);
        }
        return held.get(random.nextInt(held.size())).key;
    }

    private void take() {
        List<Batch> taken = state.takeBatches(1 + random.nextInt(8));
        inFlight.addAll(taken);
        for (Batch b : taken) {
            events.add("batch " + b.id + " to " + b.node + " with " + b.entries.stream().map(e -> e.key.toString())
                    .toList());
        }
    }

    /**
     * A node answers one batch in flight as RunTasks would: each task succeeds or fails; a task
     * whose input failed earlier in the batch reports that input missing; rarely the batch is
     * cut short and the tasks from some point on are skipped.
     */
    private void answer(double success, double failure) {
        if (inFlight.isEmpty()) {
            return;
        }
        Batch b = inFlight.remove(random.nextInt(inFlight.size()));
        int cut = random.nextDouble() < (1 - success - failure) ? random.nextInt(b.entries.size()) : b.entries.size();
        Map<Key, Outcome> outcomes = new java.util.LinkedHashMap<>();
        Set<Key> noValue = new java.util.HashSet<>();
        for (int i = 0; i < b.entries.size(); i++) {
            KeyEntry e = b.entries.get(i);
            KeyEntry missing = e.inputs.stream().filter(in -> noValue.contains(in.key)).findFirst().orElse(null);
            if (i >= cut) {
                outcomes.put(e.key, Outcome.skipped(e.key, b.node));
                noValue.add(e.key);
            } else if (missing != null) {
                outcomes.put(e.key, Outcome.missing(e.key, missing.key, missing.storage, b.node));
                noValue.add(e.key);
            } else if (random.nextDouble() < success / (success + failure)) {
                boolean inline = random.nextBoolean();
                outcomes.put(e.key, Outcome.success(e.key, inline ? 8 : 1 << 20, inline, inline ? 1 : null, b.node,
                        "t", 0, 0));
            } else {
                outcomes.put(e.key, Outcome.failure(e.key, new IllegalArgumentException("bad " + e.key), b.node,
                        "t", 0, 0));
                noValue.add(e.key);
            }
        }
        StringBuilder how = new StringBuilder();
        outcomes.forEach((k, o) -> how.append(' ').append(k).append('=').append(o.kind()));
        events.add("batch " + b.id + " answered by " + b.node + ":" + how);
        state.batchFinished(b, outcomes);
    }

    /** {@code node} dies: its batches are lost, and so are the values only it held. */
    private void leave(String node) {
        topology.nodes.remove(node);
        List<KeyEntry> lost = new ArrayList<>();
        for (KeyEntry e : state.inMemoryOn(List.of(node), null)) {
            if (!e.inline) {
                lost.add(e);
            }
        }
        events.add(node + " leaves, losing " + lost.size() + " value(s)");
        inFlight.removeIf(b -> b.node.equals(node));
        state.nodesLeft(List.of(node), lost);
    }

    /** Every node answers every task with success until nothing is left to send. */
    private void settle() {
        if (topology.nodes.isEmpty()) {
            topology.nodes.add("last");
        }
        events.add("settle");
        for (int round = 0; round < 2_000; round++) {
            take();
            check();
            if (inFlight.isEmpty()) {
                return;
            }
            answer(1.0, 0.0);
            check();
        }
        fail("still " + inFlight.size() + " batch(es) in flight after 2,000 rounds");
    }

    /** Validates the state and completes the futures it asks to, as the client does after each event. */
    private void check() {
        state.validate();
        for (ClientState.Completion c : state.drainCompleted()) {
            c.done().complete(c.resolution());
        }
        state.drainCancels();
        state.drainDeletions();
    }
}
