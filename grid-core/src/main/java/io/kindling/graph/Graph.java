package io.kindling.graph;

import java.io.Serializable;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An immutable task graph: tasks by key, with their dependencies and dependents.
 *
 * <p>A graph is checked when it is built: every referenced key must be in it and it must have no
 * cycle; otherwise {@link GraphException} names the keys involved. Nothing here recurses over the
 * graph's depth, so chains of millions of tasks are fine.
 *
 * <p>Layout: tasks sit in an array in the order given, and every key has an index into it. The
 * dependency and dependent lists are stored compressed (one {@code int} array of offsets and one
 * of indexes each) and the key index is an open-addressing table of {@code int}s, so a graph costs
 * about 30 bytes per task beyond the tasks themselves. Schedulers work with the indexes
 * ({@link #indexOf}, {@link #dependencyAt}, ...); everyone else with keys.
 */
public final class Graph implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Graph EMPTY = new Graph(new Task[0]);

    private final Task[] tasks;
    /** Open addressing: slot holds task index + 1, or 0 when empty. Length is a power of two. */
    private final int[] table;
    private final int[] dependencyStart;
    private final int[] dependencies;
    private final int[] dependentStart;
    private final int[] dependents;

    private Graph(Task[] tasks) {
        this.tasks = tasks;
        int n = tasks.length;
        this.table = new int[Math.max(4, Integer.highestOneBit(Math.max(1, n) * 2 - 1) << 1)];
        for (int i = 0; i < n; i++) {
            Task task = tasks[i];
            if (task == null) {
                throw new NullPointerException("task " + i + " of the graph is null");
            }
            int slot = findSlot(task.key());
            if (table[slot] != 0) {
                throw new GraphException("two tasks have the key '" + task.key() + "'", List.of(task.key()));
            }
            table[slot] = i + 1;
        }
        // Dependencies, deduplicated per task by stamping each dependency with the reader's index.
        int[] stamp = new int[n];
        Arrays.fill(stamp, -1);
        int[] starts = new int[n + 1];
        IntList edges = new IntList(n * 2);
        int[] dependentCounts = new int[n];
        for (int i = 0; i < n; i++) {
            starts[i] = edges.size();
            final int reader = i;
            tasks[i].forEachReference(key -> {
                int d = indexOf(key);
                if (d < 0) {
                    throw new GraphException("task '" + tasks[reader].key() + "' refers to the missing key '" + key
                            + "': add a task for it, or wrap the key in Literal to pass it as a value",
                            List.of(tasks[reader].key(), key));
                }
                if (stamp[d] != reader) {
                    stamp[d] = reader;
                    edges.add(d);
                    dependentCounts[d]++;
                }
            });
        }
        starts[n] = edges.size();
        this.dependencyStart = starts;
        this.dependencies = edges.toArray();
        int[] dStart = new int[n + 1];
        for (int i = 0; i < n; i++) {
            dStart[i + 1] = dStart[i] + dependentCounts[i];
        }
        int[] fill = Arrays.copyOf(dStart, n);
        int[] dList = new int[dependencies.length];
        for (int i = 0; i < n; i++) {
            for (int e = starts[i]; e < starts[i + 1]; e++) {
                dList[fill[dependencies[e]]++] = i;
            }
        }
        this.dependentStart = dStart;
        this.dependents = dList;
        if (topologicalIndexes().length < n) {
            throw cycleError();
        }
    }

    /** The graph of these tasks. */
    public static Graph of(Collection<Task> tasks) {
        return tasks.isEmpty() ? EMPTY : new Graph(tasks.toArray(new Task[0]));
    }

    /** The graph of these tasks. */
    public static Graph of(Task... tasks) {
        return tasks.length == 0 ? EMPTY : new Graph(tasks.clone());
    }

    /** The graph of these tasks, taking ownership of the array (no copy): for builders of large graphs. */
    public static Graph ofOwned(Task[] tasks) {
        return tasks.length == 0 ? EMPTY : new Graph(tasks);
    }

    public int size() {
        return tasks.length;
    }

    public boolean contains(Key key) {
        return indexOf(key) >= 0;
    }

    /** The task under {@code key}, or null. */
    public Task task(Key key) {
        int i = indexOf(key);
        return i < 0 ? null : tasks[i];
    }

    /** Every task, in the order the graph was built with. */
    public List<Task> tasks() {
        return Collections.unmodifiableList(Arrays.asList(tasks));
    }

    /** Every key, in the order the graph was built with. */
    public List<Key> keys() {
        return new AbstractList<>() {
            @Override
            public Key get(int index) {
                return tasks[index].key();
            }

            @Override
            public int size() {
                return tasks.length;
            }
        };
    }

    /** The keys that {@code key}'s task reads. */
    public Set<Key> dependencies(Key key) {
        int i = require(key);
        Set<Key> out = new LinkedHashSet<>();
        for (int e = dependencyStart[i]; e < dependencyStart[i + 1]; e++) {
            out.add(tasks[dependencies[e]].key());
        }
        return out;
    }

    /** The keys whose tasks read {@code key}. */
    public Set<Key> dependents(Key key) {
        int i = require(key);
        Set<Key> out = new LinkedHashSet<>();
        for (int e = dependentStart[i]; e < dependentStart[i + 1]; e++) {
            out.add(tasks[dependents[e]].key());
        }
        return out;
    }

    /** The keys in an order where every task comes after all of its dependencies. */
    public List<Key> topologicalOrder() {
        int[] order = topologicalIndexes();
        List<Key> out = new ArrayList<>(order.length);
        for (int i : order) {
            out.add(tasks[i].key());
        }
        return out;
    }

    /**
     * The smallest graph that computes {@code wanted}: those tasks and everything they depend on,
     * in this graph's order.
     *
     * @throws GraphException if a wanted key is not in the graph
     */
    public Graph cull(Collection<Key> wanted) {
        boolean[] keep = new boolean[tasks.length];
        IntList stack = new IntList(Math.max(4, wanted.size()));
        for (Key key : wanted) {
            int i = indexOf(key);
            if (i < 0) {
                throw new GraphException("the key '" + key + "' is not in the graph", List.of(key));
            }
            stack.add(i);
        }
        int kept = 0;
        while (stack.size() > 0) {
            int i = stack.pop();
            if (keep[i]) {
                continue;
            }
            keep[i] = true;
            kept++;
            for (int e = dependencyStart[i]; e < dependencyStart[i + 1]; e++) {
                stack.add(dependencies[e]);
            }
        }
        if (kept == tasks.length) {
            return this;
        }
        Task[] out = new Task[kept];
        int j = 0;
        for (int i = 0; i < tasks.length; i++) {
            if (keep[i]) {
                out[j++] = tasks[i];
            }
        }
        return new Graph(out);
    }

    /**
     * This graph with {@code other}'s tasks added; where both have a key, this graph's task is
     * kept (keys name results, so the same key means the same value).
     */
    public Graph merge(Graph other) {
        List<Task> out = new ArrayList<>(tasks.length + other.tasks.length);
        out.addAll(Arrays.asList(tasks));
        for (Task t : other.tasks) {
            if (!contains(t.key())) {
                out.add(t);
            }
        }
        return out.size() == tasks.length ? this : new Graph(out.toArray(new Task[0]));
    }

    // ------------------------------------------------------------------ index-level access

    /** The index of {@code key}'s task, or -1. */
    public int indexOf(Key key) {
        int slot = table[findSlot(key)];
        return slot - 1;
    }

    public Task taskAt(int index) {
        return tasks[index];
    }

    public int dependencyCount(int index) {
        return dependencyStart[index + 1] - dependencyStart[index];
    }

    /** The index of the {@code n}-th dependency of task {@code index}. */
    public int dependencyAt(int index, int n) {
        return dependencies[dependencyStart[index] + n];
    }

    public int dependentCount(int index) {
        return dependentStart[index + 1] - dependentStart[index];
    }

    /** The index of the {@code n}-th dependent of task {@code index}. */
    public int dependentAt(int index, int n) {
        return dependents[dependentStart[index] + n];
    }

    /** Task indexes, every task after its dependencies (Kahn's algorithm); shorter if there is a cycle. */
    public int[] topologicalIndexes() {
        int n = tasks.length;
        int[] missing = new int[n];
        int[] order = new int[n];
        int head = 0;
        int tail = 0;
        for (int i = 0; i < n; i++) {
            missing[i] = dependencyCount(i);
            if (missing[i] == 0) {
                order[tail++] = i;
            }
        }
        while (head < tail) {
            int i = order[head++];
            for (int e = dependentStart[i]; e < dependentStart[i + 1]; e++) {
                if (--missing[dependents[e]] == 0) {
                    order[tail++] = dependents[e];
                }
            }
        }
        return tail == n ? order : Arrays.copyOf(order, tail);
    }

    private int require(Key key) {
        int i = indexOf(key);
        if (i < 0) {
            throw new GraphException("the key '" + key + "' is not in the graph", List.of(key));
        }
        return i;
    }

    private int findSlot(Key key) {
        int mask = table.length - 1;
        int h = key.hashCode();
        int slot = (h ^ (h >>> 16)) & mask;
        while (table[slot] != 0 && !tasks[table[slot] - 1].key().equals(key)) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    /**
     * Finds one cycle among the tasks Kahn's algorithm could not order: each of them still waits
     * on an unordered dependency, so following such dependencies must come back to a task seen.
     */
    private GraphException cycleError() {
        int n = tasks.length;
        boolean[] ordered = new boolean[n];
        for (int i : topologicalIndexes()) {
            ordered[i] = true;
        }
        int start = 0;
        while (ordered[start]) {
            start++;
        }
        int[] seenAt = new int[n];
        Arrays.fill(seenAt, -1);
        IntList path = new IntList(16);
        int current = start;
        while (seenAt[current] < 0) {
            seenAt[current] = path.size();
            path.add(current);
            int next = -1;
            for (int e = dependencyStart[current]; e < dependencyStart[current + 1] && next < 0; e++) {
                if (!ordered[dependencies[e]]) {
                    next = dependencies[e];
                }
            }
            current = next;
        }
        List<Key> cycle = new ArrayList<>();
        for (int p = seenAt[current]; p < path.size(); p++) {
            cycle.add(tasks[path.get(p)].key());
        }
        StringBuilder sb = new StringBuilder("the graph has a cycle: ");
        for (Key k : cycle) {
            sb.append('\'').append(k).append("' needs ");
        }
        sb.append('\'').append(cycle.get(0)).append('\'');
        return new GraphException(sb.toString(), cycle);
    }

    @Override
    public String toString() {
        return "Graph(" + tasks.length + " tasks)";
    }
}
