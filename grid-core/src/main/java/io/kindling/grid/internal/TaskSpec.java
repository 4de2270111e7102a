package io.kindling.grid.internal;

import io.kindling.graph.Key;
import io.kindling.graph.Task;

import io.kindling.graph.Fn;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

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
    private final Map<String, Double> resources;

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
            String[] inputStorage, int[] inputPartitions, Map<String, Double> resources) {
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
    public Map<String, Double> resources() {
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

    /** Writes this task to a message (see {@link GridBatch}): shared parts once per message. */
    void write(Columns.Writer w) {
        w.writeShared(task.function());
        w.writeKey(task.key());
        List<Object> args = task.arguments();
        w.writeInt(args.size());
        for (Object a : args) {
            if (a instanceof Key k) {
                w.writeBoolean(true);
                w.writeKey(k);
            } else {
                w.writeBoolean(false);
                w.writeObject(a);
            }
        }
        w.writeString(cache);
        w.writeObject(storage);
        w.writeInt(partition);
        w.writeInt(inputs.length);
        for (int i = 0; i < inputs.length; i++) {
            w.writeKey(inputs[i]);
            w.writeString(inputCaches == null ? null : inputCaches[i]);
            w.writeObject(inputStorage[i]);
            w.writeInt(inputPartitions[i]);
        }
        w.writeShared(resources);
    }

    /** Reads a task that {@link #write} wrote. */
    @SuppressWarnings("unchecked")
    static TaskSpec read(Columns.Reader r) {
        Fn fn = (Fn) r.readShared();
        Key key = r.readKey();
        Object[] args = new Object[r.readInt()];
        for (int i = 0; i < args.length; i++) {
            args[i] = r.readBoolean() ? r.readKey() : r.readObject();
        }
        String cache = r.readString();
        String storage = (String) r.readObject();
        int partition = r.readInt();
        int n = r.readInt();
        Key[] inputs = new Key[n];
        String[] caches = null;
        String[] storages = new String[n];
        int[] partitions = new int[n];
        for (int i = 0; i < n; i++) {
            inputs[i] = r.readKey();
            String c = r.readString();
            if (c != null) {
                if (caches == null) {
                    caches = new String[n];
                }
                caches[i] = c;
            }
            storages[i] = (String) r.readObject();
            partitions[i] = r.readInt();
        }
        Map<String, Double> resources = (Map<String, Double>) r.readShared();
        return new TaskSpec(Task.of(key, fn, args), cache, storage, partition, inputs, caches, storages, partitions,
                resources);
    }
}
