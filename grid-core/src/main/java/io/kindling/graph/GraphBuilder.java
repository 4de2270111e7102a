package io.kindling.graph;

import java.util.Arrays;

/**
 * Collects tasks for a {@link Graph}, keeping the first task of each key: for code that walks a
 * web of tasks (such as {@code Delayed} values) and meets the same key more than once. Costs about
 * 12 bytes per task while building. Not thread-safe.
 */
public final class GraphBuilder {
    private Task[] tasks = new Task[16];
    private int size;
    /** Open addressing: task index + 1, or 0; at most half full. */
    private int[] table = new int[32];

    /** Adds {@code task} unless a task with its key is already here; returns whether it was added. */
    public boolean add(Task task) {
        if (2 * (size + 1) > table.length) {
            grow();
        }
        int slot = slotOf(task.key());
        if (table[slot] != 0) {
            return false;
        }
        if (size == tasks.length) {
            tasks = Arrays.copyOf(tasks, size * 2);
        }
        tasks[size] = task;
        table[slot] = ++size;
        return true;
    }

    public boolean contains(Key key) {
        return table[slotOf(key)] != 0;
    }

    public int size() {
        return size;
    }

    /** The graph of the tasks added, in the order they were added; checked as {@link Graph#of} checks. */
    public Graph build() {
        return Graph.ofOwned(Arrays.copyOf(tasks, size));
    }

    private int slotOf(Key key) {
        int mask = table.length - 1;
        int h = key.hashCode();
        int slot = (h ^ (h >>> 16)) & mask;
        while (table[slot] != 0 && !tasks[table[slot] - 1].key().equals(key)) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private void grow() {
        table = new int[table.length * 2];
        for (int i = 0; i < size; i++) {
            table[slotOf(tasks[i].key())] = i + 1;
        }
    }
}
