package io.kindling.graph;

import io.kindling.graph.internal.Dot;

import io.kindling.testing.Ops;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GraphTest {
    private static final Fn1<Integer, Integer> INC = Ops::inc;
    private static final Fn2<Integer, Integer, Integer> ADD = Ops::add;

    private static Key k(String s) {
        return Key.of(s);
    }

    @Test
    void build_diamond_hasDependenciesAndDependents() {
        Graph g = Graph.of(
                Task.of(k("a"), INC, 1),
                Task.of(k("b"), INC, k("a")),
                Task.of(k("c"), INC, k("a")),
                Task.of(k("d"), ADD, k("b"), k("c")));
        assertEquals(4, g.size());
        assertEquals(Set.of(k("b"), k("c")), g.dependencies(k("d")));
        assertEquals(Set.of(k("b"), k("c")), g.dependents(k("a")));
        List<Key> order = g.topologicalOrder();
        assertTrue(order.indexOf(k("a")) < order.indexOf(k("b")));
        assertTrue(order.indexOf(k("c")) < order.indexOf(k("d")));
    }

    @Test
    void build_referenceInsideContainers_isDependency() {
        Fn1<Object, Integer> any = x -> 0;
        Graph g = Graph.of(
                Task.of(k("a"), INC, 1),
                Task.of(k("b"), INC, 2),
                Task.of(k("c"), any, List.of(1, java.util.Map.of("x", List.of(k("a"))), new Object[] {k("b")})));
        assertEquals(Set.of(k("a"), k("b")), g.dependencies(k("c")));
    }

    @Test
    void build_repeatedReference_countsOnce() {
        Graph g = Graph.of(Task.of(k("a"), INC, 1), Task.of(k("b"), ADD, k("a"), k("a")));
        assertEquals(1, g.dependencyCount(g.indexOf(k("b"))));
        assertEquals(1, g.dependentCount(g.indexOf(k("a"))));
    }

    @Test
    void build_literalKey_isNotDependency() {
        Fn1<Object, Object> id = x -> x;
        Graph g = Graph.of(Task.of(k("b"), id, new Literal(k("a"))));
        assertEquals(Set.of(), g.dependencies(k("b")));
    }

    @Test
    void build_cycle_rejectedNamingKeysInOrder() {
        GraphException e = assertThrows(GraphException.class, () -> Graph.of(
                Task.of(k("x"), INC, 1),
                Task.of(k("a"), INC, k("c")),
                Task.of(k("b"), INC, k("a")),
                Task.of(k("c"), ADD, k("x"), k("b"))));
        List<Key> cycle = e.keys();
        assertEquals(3, cycle.size());
        // each key needs the next, the last needs the first
        Graph legal = Graph.of(Task.of(k("a"), INC, 1));
        for (int i = 0; i < cycle.size(); i++) {
            Key from = cycle.get(i);
            Key to = cycle.get((i + 1) % cycle.size());
            assertTrue(needs(from, to), from + " should need " + to + " in " + cycle);
        }
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
        assertEquals(1, legal.size());
    }

    private static boolean needs(Key from, Key to) {
        return (from.equals(k("a")) && to.equals(k("c")))
                || (from.equals(k("b")) && to.equals(k("a")))
                || (from.equals(k("c")) && to.equals(k("b")));
    }

    @Test
    void build_selfReference_isCycle() {
        GraphException e = assertThrows(GraphException.class, () -> Graph.of(Task.of(k("a"), INC, k("a"))));
        assertEquals(List.of(k("a")), e.keys());
    }

    @Test
    void build_missingKey_rejectedNamingBoth() {
        GraphException e = assertThrows(GraphException.class, () -> Graph.of(Task.of(k("b"), INC, k("nowhere"))));
        assertEquals(List.of(k("b"), k("nowhere")), e.keys());
        assertTrue(e.getMessage().contains("'nowhere'"), e.getMessage());
    }

    @Test
    void task_nullFunction_rejectedNamingKey() {
        GraphException e = assertThrows(GraphException.class, () -> Task.of(k("a"), null, 1));
        assertEquals(List.of(k("a")), e.keys());
    }

    @Test
    void task_wrongArgumentCount_rejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Task.of(k("a"), ADD, 1));
        assertTrue(e.getMessage().contains("'a'"), e.getMessage());
    }

    @Test
    void build_duplicateKey_rejected() {
        GraphException e = assertThrows(GraphException.class,
                () -> Graph.of(Task.of(k("a"), INC, 1), Task.of(k("a"), INC, 2)));
        assertEquals(List.of(k("a")), e.keys());
    }

    @Test
    void cull_keepsOnlyWhatWantedNeeds() {
        Graph g = Graph.of(
                Task.of(k("a"), INC, 1),
                Task.of(k("b"), INC, k("a")),
                Task.of(k("c"), INC, 5),
                Task.of(k("d"), INC, k("c")));
        Graph culled = g.cull(List.of(k("b")));
        assertEquals(List.of(k("a"), k("b")), culled.keys());
        assertSame(g, g.cull(List.of(k("b"), k("d"))));
        assertThrows(GraphException.class, () -> g.cull(List.of(k("zz"))));
    }

    @Test
    void merge_keepsFirstTaskPerKey() {
        Graph one = Graph.of(Task.of(k("a"), INC, 1));
        Graph two = Graph.of(Task.of(k("a"), INC, 99), Task.of(k("b"), INC, k("a")));
        Graph merged = one.merge(two);
        assertEquals(2, merged.size());
        assertEquals(List.of(1), merged.task(k("a")).arguments());
    }

    @Test
    void build_chainOfMillionTasks_noRecursion() {
        int n = 1_000_000;
        List<Task> tasks = new ArrayList<>(n);
        tasks.add(Task.of(Key.of("inc", 0), INC, 0));
        for (int i = 1; i < n; i++) {
            tasks.add(Task.of(Key.of("inc", i), INC, Key.of("inc", i - 1)));
        }
        Graph g = Graph.of(tasks);
        assertEquals(n, g.topologicalOrder().size());
        assertEquals(n, g.cull(List.of(Key.of("inc", n - 1))).size());
    }

    @Test
    void builder_sameKeyTwice_keepsFirst() {
        GraphBuilder b = new GraphBuilder();
        assertTrue(b.add(Task.of(k("a"), INC, 1)));
        assertTrue(!b.add(Task.of(k("a"), INC, 2)));
        for (int i = 0; i < 1000; i++) {
            assertTrue(b.add(Task.of(Key.of("x", i), INC, i)));
        }
        Graph g = b.build();
        assertEquals(1001, g.size());
        assertEquals(List.of(1), g.task(k("a")).arguments());
        assertTrue(g.contains(Key.of("x", 999)));
    }

    @Test
    void resolveArguments_replacesReferencesAndUnwrapsLiterals() {
        Fn1<Object, Object> id = x -> x;
        Task t = Task.of(k("t"), id, List.of(k("a"), new Literal(k("a")), java.util.Map.of("m", k("a"))));
        Object[] resolved = t.resolveArguments(key -> 7);
        assertEquals(List.of(7, k("a"), java.util.Map.of("m", 7)), resolved[0]);
    }

    @Test
    void dot_listsEveryTaskAndEdge() {
        Graph g = Graph.of(Task.of(k("a"), INC, 1), Task.of(k("b"), INC, k("a")));
        String dot = Dot.toDot(g);
        assertTrue(dot.contains("\"a\" -> \"b\""), dot);
        assertTrue(dot.contains("label=\"inc\""), dot);
    }
}
