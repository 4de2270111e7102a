package io.kindling.grid;

import io.kindling.graph.Key;
import io.kindling.graph.Task;

import java.io.Serializable;

/**
 * One task as it travels to a node: the task, where its result goes (a storage name and a
 * partition), and where each of its inputs lives, in the order of {@link #inputs}.
 *
 * <p>Storage names are the key's text plus a suffix unique to one computation of it, so that a
 * key released and then computed again, or computed by two clients, never shares a cache entry
 * with its earlier self: an asynchronous delete of the old data cannot remove the new.
 */
public final class TaskSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Task task;
    private final String storage;
    private final int partition;
    private final Key[] inputs;
    private final String[] inputStorage;
    private final int[] inputPartitions;

    public TaskSpec(Task task, String storage, int partition, Key[] inputs, String[] inputStorage,
            int[] inputPartitions) {
        this.task = task;
        this.storage = storage;
        this.partition = partition;
        this.inputs = inputs;
        this.inputStorage = inputStorage;
        this.inputPartitions = inputPartitions;
    }

    public String storage() {
        return storage;
    }

    String[] inputStorage() {
        return inputStorage;
    }

    public Task task() {
        return task;
    }

    public Key key() {
        return task.key();
    }

    public int partition() {
        return partition;
    }

    Key[] inputs() {
        return inputs;
    }

    int[] inputPartitions() {
        return inputPartitions;
    }
}
