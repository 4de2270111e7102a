package io.kindling.scheduler;

import io.kindling.graph.Fn1;
import io.kindling.graph.Fn2;
import io.kindling.graph.Graph;
import io.kindling.graph.Key;
import io.kindling.graph.Task;
import io.kindling.testing.Ops;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drives the state machine by hand; {@link SchedulerState#validate()} after every step. */
class SchedulerStateTest {
    private static final Fn1<Integer, Integer> INC = Ops::inc;
    private static final Fn2<Integer, Integer, Integer> ADD = Ops::add;

    /** a, b -> ab; c, d -> cd; ab, cd -> root. */
    private static Graph tree() {
        return Graph.of(
                Task.of(Key.of("a"), INC, 1), Task.of(Key.of("b"), INC, 2),
                Task.of(Key.of("c"), INC, 3), Task.of(Key.of("d"), INC, 4),
                Task.of(Key.of("ab"), ADD, Key.of("a"), Key.of("b")),
                Task.of(Key.of("cd"), ADD, Key.of("c"), Key.of("d")),
                Task.of(Key.of("root"), ADD, Key.of("ab"), Key.of("cd")));
    }

    private static int ix(Graph g, String key) {
        return g.indexOf(Key.of(key));
    }

    /** Runs the tasks handed out one at a time, computing their values, and returns the run order. */
    private static List<String> runAll(SchedulerState s) {
        List<String> order = new ArrayList<>();
        int[] one = new int[1];
        while (!s.isComplete()) {
            assertEquals(1, s.takeReady(one, 1), "something must be ready while incomplete");
            s.validate();
            Task t = s.graph().taskAt(one[0]);
            order.add(t.key().name());
            try {
                s.taskFinished(one[0], t.run(k -> s.value(s.graph().indexOf(k))));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            s.validate();
        }
        return order;
    }

    @Test
    void tree_runsDepthFirst_finishingBranchesBeforeNewOnes() {
        Graph g = tree();
        SchedulerState s = new SchedulerState(g, new int[] {ix(g, "root")});
        s.validate();
        assertEquals(List.of("a", "b", "ab", "c", "d", "cd", "root"), runAll(s));
        assertEquals(2 + 3 + 4 + 5, s.result(ix(g, "root")));
    }

    @Test
    void intermediates_releasedWhenNoLongerNeeded() {
        Graph g = tree();
        SchedulerState s = new SchedulerState(g, new int[] {ix(g, "root")});
        runAll(s);
        for (String k : List.of("a", "b", "c", "d", "ab", "cd")) {
            assertEquals("released", s.stateOf(ix(g, k)), k);
        }
        assertEquals("done", s.stateOf(ix(g, "root")));
    }

    @Test
    void wantedIntermediate_isKept() {
        Graph g = tree();
        SchedulerState s = new SchedulerState(g, new int[] {ix(g, "root"), ix(g, "ab")});
        runAll(s);
        assertEquals(5, s.result(ix(g, "ab")));
        assertThrows(IllegalStateException.class, () -> s.result(ix(g, "a")));
    }

    @Test
    void failure_stopsHandingOutWork_andKeepsFirstError() {
        Graph g = tree();
        SchedulerState s = new SchedulerState(g, new int[] {ix(g, "root")});
        int[] two = new int[2];
        assertEquals(2, s.takeReady(two, 2));
        s.validate();
        RuntimeException first = new RuntimeException("first");
        s.taskFailed(two[0], first);
        s.validate();
        assertTrue(!s.isComplete(), "one task still runs");
        s.taskFailed(two[1], new RuntimeException("second"));
        s.validate();
        assertEquals(0, s.takeReady(two, 2));
        assertTrue(s.isComplete());
        assertSame(first, s.error());
        assertEquals(two[0], s.erredTask());
    }

    @Test
    void finishAfterFailure_doesNotReadyDependents() {
        Graph g = tree();
        SchedulerState s = new SchedulerState(g, new int[] {ix(g, "root")});
        int[] two = new int[2];
        s.takeReady(two, 2);
        s.taskFailed(two[0], new RuntimeException());
        s.taskFinished(two[1], 3);
        s.validate();
        assertTrue(s.isComplete());
        assertEquals("waiting", s.stateOf(ix(g, "ab")));
    }

    @Test
    void skipped_goesBackToReady() {
        Graph g = tree();
        SchedulerState s = new SchedulerState(g, new int[] {ix(g, "root")});
        int[] one = new int[1];
        s.takeReady(one, 1);
        int ready = s.readyCount();
        s.taskSkipped(one[0]);
        s.validate();
        assertEquals(ready + 1, s.readyCount());
    }

    @Test
    void eventForTaskNotRunning_rejected() {
        Graph g = tree();
        SchedulerState s = new SchedulerState(g, new int[] {ix(g, "root")});
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.taskFinished(ix(g, "root"), 1));
        assertTrue(e.getMessage().contains("'root'"), e.getMessage());
    }

    @Test
    void emptyGraph_completeAtOnce() {
        SchedulerState s = new SchedulerState(Graph.of(), new int[0]);
        assertTrue(s.isComplete());
        assertNull(s.error());
    }

    @Test
    void manyDependentsReadyAtOnce_lowestPriorityOnTop() {
        List<Task> tasks = new ArrayList<>();
        tasks.add(Task.of(Key.of("src"), INC, 0));
        List<Key> wanted = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            tasks.add(Task.of(Key.of("t", i), INC, Key.of("src")));
            wanted.add(Key.of("t", i));
        }
        Graph g = Graph.of(tasks);
        int[] w = wanted.stream().mapToInt(g::indexOf).toArray();
        SchedulerState s = new SchedulerState(g, w);
        int[] one = new int[1];
        s.takeReady(one, 1);
        s.taskFinished(one[0], 1);
        s.validate();
        int[] all = new int[100];
        assertEquals(100, s.takeReady(all, 100));
        for (int i = 0; i < 100; i++) {
            assertEquals(w[i], all[i], "dependents come out in the wanted order");
        }
    }
}
