package io.kindling.client;

import io.kindling.graph.Fn1;
import io.kindling.graph.Fn2;
import io.kindling.graph.Key;
import io.kindling.graph.Task;
import io.kindling.grid.internal.GridBatch;
import io.kindling.grid.internal.KindlingGrid;
import io.kindling.grid.internal.Outcome;
import io.kindling.grid.internal.Outcomes;
import io.kindling.grid.internal.TaskSpec;
import io.kindling.testing.Ops;
import org.apache.ignite.marshaller.Marshaller;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batches and outcomes keep every part through the compact form they travel in, written and read
 * by a real node's marshaller: shared functions and names, keys with and without tokens, inputs in
 * other caches, resources, and every kind of outcome.
 */
class MessageFormTest {
    private static LocalCluster cluster;
    private static Marshaller marshaller;

    @BeforeAll
    @SuppressWarnings("deprecation") // the node's own marshaller, as its messages use
    static void start() {
        cluster = LocalCluster.builder().nodes(1).threads(1).dashboard(false).start();
        marshaller = cluster.ignite().configuration().getMarshaller();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @org.junit.jupiter.api.Test
    void messageClasses_registerWithAHealthyCluster() {
        assertTrue(io.kindling.grid.internal.WireClasses.register(cluster.ignite()), "every sample message converts to binary");
    }

    @SuppressWarnings("unchecked")
    private static <T> T travel(T message) throws Exception {
        return (T) marshaller.unmarshal(marshaller.marshal(message), MessageFormTest.class.getClassLoader());
    }

    @Test
    @SuppressWarnings("unchecked")
    void batchKeepsEveryPart() throws Exception {
        Fn1<Integer, Integer> inc = Ops::inc;
        Fn2<Integer, Integer, Integer> add = Ops::add;
        List<TaskSpec> specs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Key k = Key.of("inc", 100 + i);
            specs.add(new TaskSpec(Task.of(k, inc, i), null, KindlingGrid.storageName(k, "c1"), i, new Key[0], null,
                    new String[0], new int[0]));
        }
        Key plain = Key.of("my-result");
        Key in0 = specs.get(0).key();
        Key other = Key.of("elsewhere", 7);
        specs.add(new TaskSpec(Task.of(plain, add, in0, other), KindlingGrid.dataCacheName(2), "plain#c1.1", 5,
                new Key[] {in0, other}, new String[] {null, KindlingGrid.dataCacheName(2)},
                new String[] {specs.get(0).storage(), "elsewhere#c1.2"}, new int[] {0, 9}, Map.of("GPU", 1.0)));
        UUID node = UUID.randomUUID();

        GridBatch back = travel(new GridBatch("c1", node, 42, specs));

        assertEquals("c1", back.client());
        assertEquals(node, back.clientNode());
        assertEquals(42, back.id());
        assertEquals(specs.size(), back.tasks().size());
        for (int i = 0; i < specs.size(); i++) {
            TaskSpec a = specs.get(i);
            TaskSpec b = back.tasks().get(i);
            assertEquals(a.key(), b.key());
            assertEquals(a.key().hasToken(), b.key().hasToken());
            assertEquals(a.task().arguments(), b.task().arguments());
            assertEquals(a.cache(), b.cache());
            assertEquals(a.storage(), b.storage());
            assertEquals(a.partition(), b.partition());
            assertEquals(a.resources(), b.resources());
        }
        assertSame(back.tasks().get(0).task().function(), back.tasks().get(2).task().function(),
                "a function shared by tasks travels once");
        assertEquals(2, ((Fn1<Integer, Integer>) back.tasks().get(1).task().function()).apply(1));
        TaskSpec last = back.tasks().get(3);
        assertInstanceOf(Key.class, last.task().arguments().get(0), "a reference stays a reference");
        assertEquals(List.of(in0, other), last.task().dependencies().stream().toList());
        assertEquals(5, ((Fn2<Integer, Integer, Integer>) last.task().function()).apply(2, 3));
    }

    @Test
    void outcomesKeepEveryKind() throws Exception {
        RuntimeException boom = new IllegalStateException("boom");
        List<Outcome> outs = List.of(
                Outcome.success(Key.of("inc", 1), 4, true, 5, "node-a", "worker-0", 1000, 20),
                Outcome.success(Key.of("big", 2), 1 << 20, false, new double[10], "node-a", "worker-1", 1001, 30),
                Outcome.success(Key.of("nothing"), 0, true, null, "node-a", "worker-0", 1002, 1),
                Outcome.failure(Key.of("fail", 3), boom, "node-a", "worker-0", 1003, 40),
                Outcome.missing(Key.of("late", 4), Key.of("inc", 1), "inc-x#c1.3", "node-a"),
                Outcome.skipped(Key.of("cut", 5), "node-a"));

        List<Outcome> back = travel(new Outcomes(outs)).list();

        assertEquals(outs.size(), back.size());
        for (int i = 0; i < outs.size(); i++) {
            Outcome a = outs.get(i);
            Outcome b = back.get(i);
            assertEquals(a.key(), b.key());
            assertEquals(a.kind(), b.kind());
            assertEquals(a.ok(), b.ok());
            assertEquals(a.nbytes(), b.nbytes());
            assertEquals(a.inline(), b.inline());
            assertEquals(a.node(), b.node());
            assertEquals(a.thread(), b.thread());
            assertEquals(a.startMillis(), b.startMillis());
            assertEquals(a.durationNanos(), b.durationNanos());
            assertEquals(a.missingInput(), b.missingInput());
            assertEquals(a.missingStorage(), b.missingStorage());
        }
        assertEquals(5, back.get(0).value());
        assertNull(back.get(1).value(), "a value stored in the grid does not travel back");
        assertNull(back.get(2).value());
        assertInstanceOf(IllegalStateException.class, back.get(3).error());
        assertEquals("boom", back.get(3).error().getMessage());
        assertArrayEquals(boom.getStackTrace(), back.get(3).error().getStackTrace());
        assertTrue(back.get(4).missingInput().hasToken());
    }
}
