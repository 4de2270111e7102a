package io.kindling.grid;

import io.kindling.graph.Key;
import io.kindling.graph.Task;

import java.io.Serializable;

/**
 * One task as it travels to a node: the task, where its result goes (a data cache, a storage
 * name and a partition), and where each of its inputs lives, in the order of {@link #inputs}.
 *
 * <p>Storage names are the key's text plus a suffix unique to one computation of it, so that a
 * key released and then computed again, or computed by two clients, never shares a cache entry
 * with its earlier self: an asynchronous delete of the old data cannot remove the new.
 *
 * <p>Caches: results and inputs live in {@value KindlingGrid#DATA_CACHE} unless they were stored
 * with replicas ({@link KindlingGrid#dataCacheName(int)}); a null cache name means the default.
 */
public final class TaskSpec implements Serializable {
    private static final long serialVersionUID = 3L;

    private final Task task;
    private final String cache;
    private final String storage;
    private final int partition;
    private final Key[] inputs;
    private final String[] inputCaches;
    private final String[] inputStorage;
    private final int[] inputPartitions;
    private final java.util.Map<String, Double> resources;

    /**
     * A task whose result goes to {@code storage} in {@code partition} of {@code cache} (null: the
     * default data cache), reading {@code inputs} from the given caches (null, or null elements:
     * the default), storage names and partitions.
     */
    public TaskSpec(Task task, String cache, String storage, int partition, Key[] inputs, String[] inputCaches,
            String[] inputStorage, int[] inputPartitions) {
        this(task, cache, storage, partition, inputs, inputCaches, inputStorage, inputPartitions, null);
    }

    /** A task as above that needs {@code resources} (null: none) on its node while it runs. */
    public TaskSpec(Task task, String cache, String storage, int partition, Key[] inputs, String[] inputCaches,
            String[] inputStorage, int[] inputPartitions, java.util.Map<String, Double> resources) {
        this.resources = resources;
        this.task = task;
        this.cache = KindlingGrid.DATA_CACHE.equals(cache) ? null : cache;
        this.storage = storage;
        this.partition = partition;
        this.inputs = inputs;
        this.inputCaches = inputCaches;
        this.inputStorage = inputStorage;
        this.inputPartitions = inputPartitions;
    }

    public Task task() {
        return task;
    }

    /** The abstract resources the task needs on its node while it runs, or null. */
    public java.util.Map<String, Double> resources() {
        return resources;
    }

    public Key key() {
        return task.key();
    }

    /** The data cache the result goes to. */
    public String cache() {
        return cache == null ? KindlingGrid.DATA_CACHE : cache;
    }

    public String storage() {
        return storage;
    }

    public int partition() {
        return partition;
    }

    Key[] inputs() {
        return inputs;
    }

    String inputCache(int i) {
        return inputCaches == null || inputCaches[i] == null ? KindlingGrid.DATA_CACHE : inputCaches[i];
    }

    String[] inputStorage() {
        return inputStorage;
    }

    int[] inputPartitions() {
        return inputPartitions;
    }
}
