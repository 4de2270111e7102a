package io.kindling.grid.internal;

import io.kindling.grid.DataMemoryFullException;
import io.kindling.grid.RemoteTaskException;

import io.kindling.graph.Key;
import io.kindling.graph.Task;
import io.kindling.grid.internal.TaskEvents;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.affinity.AffinityKey;
import org.apache.ignite.internal.util.lang.GridPeerDeployAware;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.resources.IgniteInstanceResource;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Ignite job that runs a batch of Kindling tasks on one node: it takes one of the node's task
 * slots ({@link NodeWork}), reads every input the batch needs in one {@code getAll} per data cache
 * (local when placement did its job), runs the tasks in order, writes the results in one
 * {@code putAll} per cache to partitions this node owns (earlier, in parts, once they take
 * {@link #WRITE_EARLY_BYTES}), and returns an {@link Outcome} per task.
 * One job carries many tasks because Ignite's per-job cost, not the tasks, dominates small work.
 *
 * <p>Results are in the cache before the job returns, so a dependent task sent anywhere right
 * after finds them. A task that throws does not stop the others. A task whose input is not in the
 * grid does not run: its outcome names the input ({@link Outcome#missing}), so that the client
 * computes the input again. Between tasks the batch checks whether it was cancelled or its client
 * died; user code runs under the {@link ExitGuard}.
 *
 * <p>Peer class loading: Ignite picks the class loader that resolves a job's classes from the
 * job's class, and this class is on every server, so by default the user functions inside a batch
 * would be looked up on the server only. The job therefore names the first task's function as its
 * deployment class ({@link GridPeerDeployAware}, an Ignite-internal interface): with peer class
 * loading on, the servers load the functions' classes from the client that sent them.
 *
 * <p>Why one file of this size: reading the inputs, running the tasks and writing their results
 * share the batch's maps of values (what was read, what was produced, what must still be written).
 */
public final class RunTasks implements IgniteCallable<Outcomes>, GridPeerDeployAware {
    private static final long serialVersionUID = 2L;
    /** Values estimated below this many bytes travel back inside the outcome. */
    public static final long INLINE_BYTES = 64 * 1024;
    /**
     * A batch writes its results so far once they reach this many bytes (a sixteenth of the heap,
     * at least 4 MiB), rather than holding them all until it ends: a batch of many large results
     * would otherwise fill the heap and stop the node with everything it holds.
     */
    static final long WRITE_EARLY_BYTES = Math.max(4L << 20, Runtime.getRuntime().maxMemory() / 16);
    /** The longest a task waits for a spilled input from the node that wrote it. */
    private static final long SPILL_READ_MILLIS = 120_000;

    private final GridBatch batch;

    @IgniteInstanceResource
    private transient Ignite ignite;

    public RunTasks(GridBatch batch) {
        this.batch = batch;
    }

    @Override
    public Class<?> deployClass() {
        List<TaskSpec> tasks = batch.tasks();
        return tasks.isEmpty() ? RunTasks.class : tasks.get(0).task().function().deploymentClass();
    }

    @Override
    public ClassLoader classLoader() {
        return deployClass().getClassLoader();
    }

    @Override
    public Outcomes call() {
        return new Outcomes(run(ignite, batch));
    }

    /** Runs {@code batch} on the node {@code ignite}, in this thread (what the job and the Kindling service do). */
    public static List<Outcome> run(Ignite ignite, GridBatch batch) {
        ExitGuard.install();
        List<TaskSpec> tasks = batch.tasks();
        String node = String.valueOf(ignite.cluster().localNode().consistentId());
        NodeWork work = NodeWork.of(ignite);
        NodeWork.Running running = work.start(batch);
        if (running == null) {
            List<Outcome> skipped = new ArrayList<>(tasks.size());
            for (TaskSpec spec : tasks) {
                skipped.add(Outcome.skipped(spec.key(), node));
            }
            return skipped;
        }
        Map<AffinityKey<String>, RuntimeException> unstored = new HashMap<>();
        try {
            runTasks(ignite, node, work, running, unstored);
            Map<String, Map<AffinityKey<String>, Object>> results = running.flush();
            if (results != null) {
                unstored.putAll(store(ignite, results));
            }
        } finally {
            work.finish(running);
        }
        synchronized (running) {
            List<Outcome> outcomes = new ArrayList<>(running.outcomes);
            if (!unstored.isEmpty()) {
                unstorable(ignite, outcomes, tasks, unstored);
            }
            for (int i = outcomes.size(); i < tasks.size(); i++) {
                outcomes.add(Outcome.skipped(tasks.get(i).key(), node));
            }
            return outcomes;
        }
    }

    /** Runs the batch's tasks; results written before the batch ends that could not be stored go to {@code unstored}. */
    private static void runTasks(Ignite ignite, String node, NodeWork work, NodeWork.Running running,
            Map<AffinityKey<String>, RuntimeException> unstored) {
        List<TaskSpec> tasks = running.batch.tasks();
        String thread = Thread.currentThread().getName();
        TaskEvents.Recorder events = TaskEvents.forNode(ignite.name()).recorder();
        int[] inTask = ExitGuard.marker();
        // Inputs computed earlier in this batch are read from its results; the rest from the caches.
        Set<AffinityKey<String>> produced = new HashSet<>();
        for (TaskSpec spec : tasks) {
            produced.add(KindlingGrid.cacheKey(spec.storage(), spec.partition()));
        }
        Map<Key, AffinityKey<String>> where = new HashMap<>();
        Map<String, Set<AffinityKey<String>>> fetch = new HashMap<>();
        // Results that a later task of this batch reads: they stay on the heap once written early.
        Set<AffinityKey<String>> readInBatch = new HashSet<>();
        for (TaskSpec spec : tasks) {
            for (int i = 0; i < spec.inputs().length; i++) {
                AffinityKey<String> k = KindlingGrid.cacheKey(spec.inputStorage()[i], spec.inputPartitions()[i]);
                where.putIfAbsent(spec.inputs()[i], k);
                if (produced.contains(k)) {
                    readInBatch.add(k);
                } else {
                    fetch.computeIfAbsent(spec.inputCache(i), c -> new HashSet<>()).add(k);
                }
            }
        }
        Map<AffinityKey<String>, Object> inputs = new HashMap<>();
        // A node past its pause threshold starts nothing new until memory frees (Spill).
        Spill.of(ignite).awaitRoom();
        DecodedValues decoded = DecodedValues.of(ignite);
        if (!fetch.isEmpty()) {
            decoded.sweepIfLarge();
        }
        for (Map.Entry<String, Set<AffinityKey<String>>> f : fetch.entrySet()) {
            Set<AffinityKey<String>> read = f.getValue();
            if (decoded.size() > 0) {
                read = new HashSet<>();
                for (AffinityKey<String> k : f.getValue()) {
                    Object kept = decoded.get(k);
                    if (kept != null) {
                        inputs.put(k, kept);
                    } else {
                        read.add(k);
                    }
                }
            }
            if (read.isEmpty()) {
                continue;
            }
            Map<AffinityKey<String>, Object> got = KindlingGrid.dataCache(ignite, f.getKey()).getAll(read);
            SpillCalls.resolveAll(ignite, got, SPILL_READ_MILLIS);
            got.replaceAll((k, v) -> PackedArrays.unpack(v));
            inputs.putAll(got);
            got.forEach((k, v) -> decoded.keep(f.getKey(), k, v));
        }
        for (int t = 0; t < tasks.size(); t++) {
            TaskSpec spec = tasks.get(t);
            Boolean run = running.begin(t, node);
            if (run == null) {
                return;
            }
            if (!run) {
                continue;
            }
            Outcome outcome;
            AffinityKey<String> stored = null;
            Object storedValue = null;
            int missing = firstMissing(spec, inputs);
            boolean resourced = false;
            if (missing < 0 && spec.resources() != null) {
                try {
                    resourced = work.acquire(spec.resources(), running);
                    if (!resourced) {
                        return;
                    }
                } catch (InterruptedException | IllegalStateException e) {
                    outcome = Outcome.failure(spec.key(), shippable(e), node, thread, System.currentTimeMillis(), 0);
                    if (!running.end(outcome, spec.cache(), null, null)) {
                        return;
                    }
                    continue;
                }
            }
            if (missing >= 0) {
                outcome = Outcome.missing(spec.key(), spec.inputs()[missing], spec.inputStorage()[missing], node);
            } else {
                long startMillis = System.currentTimeMillis();
                long t0 = System.nanoTime();
                Task task = spec.task();
                events.started(task, startMillis);
                try {
                    Object value;
                    inTask[0]++;
                    try {
                        value = task.run(k -> KindlingGrid.fromStored(inputs.get(where.get(k))));
                    } finally {
                        inTask[0]--;
                    }
                    long nbytes = Sizes.of(value);
                    stored = KindlingGrid.cacheKey(spec.storage(), spec.partition());
                    storedValue = KindlingGrid.toStored(value);
                    inputs.put(stored, storedValue);
                    outcome = Outcome.success(task.key(), nbytes, nbytes < INLINE_BYTES, value, node, thread, startMillis,
                            System.nanoTime() - t0);
                } catch (Throwable e) {
                    outcome = Outcome.failure(task.key(), shippable(e), node, thread, startMillis, System.nanoTime() - t0);
                }
                events.finished(spec.inputs(), outcome);
                if (resourced) {
                    work.releaseResources(running);
                }
            }
            if (!running.end(outcome, spec.cache(), stored, storedValue)) {
                return;
            }
            Map<String, Map<AffinityKey<String>, Object>> due = running.takeResultsPast(WRITE_EARLY_BYTES);
            if (due != null) {
                unstored.putAll(store(ignite, due));
                for (Map<AffinityKey<String>, Object> written : due.values()) {
                    written.keySet().forEach(k -> {
                        if (!readInBatch.contains(k)) {
                            inputs.remove(k);
                        }
                    });
                }
            }
        }
    }

    /**
     * Writes results, one {@code putAll} per data cache. If a {@code putAll} fails (a value Ignite
     * cannot marshal, such as a lambda that is not serializable), the values are written one by
     * one, so that only the tasks whose values cannot be stored fail; returns their errors, by
     * cache key. (A value the cache can store can also travel back inside its outcome: the same
     * marshaller writes both.) Values that do not fit in the node's memory are written after
     * the node has spilled others to disk ({@link Spill}), those just written included, for as
     * long as spilling frees memory; the rest fail with {@link DataMemoryFullException}.
     */
    static Map<AffinityKey<String>, RuntimeException> store(Ignite ignite,
            Map<String, Map<AffinityKey<String>, Object>> results) {
        Map<AffinityKey<String>, RuntimeException> failed = new HashMap<>();
        for (Map.Entry<String, Map<AffinityKey<String>, Object>> r : results.entrySet()) {
            Map<AffinityKey<String>, Object> all = r.getValue();
            if (all.isEmpty()) {
                continue;
            }
            IgniteCache<AffinityKey<String>, Object> cache = KindlingGrid.dataCache(ignite, r.getKey());
            Map<AffinityKey<String>, Long> sizes = new HashMap<>();
            for (Map.Entry<AffinityKey<String>, Object> v : all.entrySet()) {
                sizes.put(v.getKey(), Sizes.of(v.getValue()));
            }
            Map<AffinityKey<String>, RuntimeException> refused = new java.util.LinkedHashMap<>();
            Map<AffinityKey<String>, Object> values = fitting(ignite, all, sizes, refused);
            put(cache, values, failed);
            if (values == all) {
                // (Not when memory is short: then nothing more is kept decoded either.)
                DecodedValues decoded = DecodedValues.of(ignite);
                for (Map.Entry<AffinityKey<String>, Object> v : values.entrySet()) {
                    decoded.keep(r.getKey(), v.getKey(), v.getValue(), sizes.get(v.getKey()));
                }
            }
            while (!refused.isEmpty()) {
                Map<AffinityKey<String>, Object> again = new java.util.LinkedHashMap<>();
                long bytes = 0;
                for (AffinityKey<String> k : refused.keySet()) {
                    again.put(k, all.get(k));
                    bytes += sizes.get(k);
                }
                if (Spill.of(ignite).makeRoom(bytes) == 0) {
                    break;
                }
                refused.clear();
                values = fitting(ignite, again, sizes, refused);
                put(cache, values, failed);
                if (values.isEmpty()) {
                    break;
                }
            }
            failed.putAll(refused);
        }
        return failed;
    }

    /** One {@code putAll}, or one put per value if that fails, each failure in {@code failed}. */
    private static void put(IgniteCache<AffinityKey<String>, Object> cache, Map<AffinityKey<String>, Object> values,
            Map<AffinityKey<String>, RuntimeException> failed) {
        if (values.isEmpty()) {
            return;
        }
        // This node keeps its results decoded itself, with their sizes known (store).
        KeepDecoded.SKIP.set(Boolean.TRUE);
        Map<AffinityKey<String>, Object> packed = PackedArrays.packAll(values);
        try {
            cache.putAll(packed);
        } catch (RuntimeException all) {
            for (Map.Entry<AffinityKey<String>, Object> v : packed.entrySet()) {
                try {
                    cache.put(v.getKey(), v.getValue());
                } catch (RuntimeException one) {
                    failed.put(v.getKey(), one);
                }
            }
        } finally {
            KeepDecoded.SKIP.remove();
        }
    }

    /**
     * The values of {@code results} (of sizes {@code sizes}) that fit in this node's data memory,
     * once the node has spilled what it can: {@code results} itself when all do; otherwise each
     * of the others gets a {@link DataMemoryFullException} in {@code refused}, so that its task
     * fails instead of the region filling (which Ignite takes for a critical failure).
     */
    private static Map<AffinityKey<String>, Object> fitting(Ignite ignite, Map<AffinityKey<String>, Object> results,
            Map<AffinityKey<String>, Long> sizes, Map<AffinityKey<String>, RuntimeException> refused) {
        long total = 0;
        for (AffinityKey<String> k : results.keySet()) {
            total += sizes.get(k);
        }
        if (DataMemory.refusal(ignite, "", total, 0) == null) {
            return results;
        }
        Spill.of(ignite).makeRoom(total);
        if (DataMemory.refusal(ignite, "", total, 0) == null) {
            return results;
        }
        Map<AffinityKey<String>, Object> fit = new java.util.LinkedHashMap<>();
        long taken = 0;
        for (Map.Entry<AffinityKey<String>, Object> v : results.entrySet()) {
            long size = sizes.get(v.getKey());
            String storage = v.getKey().key();
            String key = storage.contains("#") ? storage.substring(0, storage.indexOf('#')) : storage;
            String refusal = DataMemory.refusal(ignite, "the value of task '" + key + "'", size, taken);
            if (refusal == null) {
                fit.put(v.getKey(), v.getValue());
                taken += size;
            } else {
                refused.put(v.getKey(), new DataMemoryFullException(refusal));
            }
        }
        return fit;
    }

    /** Turns the outcomes of tasks whose values could not be stored into failures that say so. */
    static void unstorable(Ignite ignite, List<Outcome> outcomes, List<TaskSpec> tasks,
            Map<AffinityKey<String>, RuntimeException> failed) {
        Map<Key, RuntimeException> byKey = new HashMap<>();
        for (TaskSpec spec : tasks) {
            RuntimeException e = failed.get(KindlingGrid.cacheKey(spec.storage(), spec.partition()));
            if (e != null) {
                byKey.put(spec.key(), e);
            }
        }
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            RuntimeException e = byKey.get(o.key());
            if (e != null && o.ok() && DataMemory.isFull(e)) {
                outcomes.set(i, Outcome.failure(o.key(), e instanceof DataMemoryFullException ? e
                        : new DataMemoryFullException("the value of task '" + o.key() + "' did not fit in the data memory "
                                + "of node " + o.node() + " (" + DataMemory.size(DataMemory.limit(ignite)) + ", "
                                + "kindling.data.region.bytes). Release futures you no longer need, or start the nodes "
                                + "with more memory"), o.node(), o.thread(), o.startMillis(), o.durationNanos()));
            } else if (e != null && o.ok()) {
                outcomes.set(i, Outcome.failure(o.key(), RemoteTaskException.copyOf(new IllegalArgumentException(
                        "task '" + o.key() + "' returned a value that cannot be stored in the grid (" + e.getMessage()
                        + "); return a value Ignite can marshal: a plain object or a Serializable one, not a lambda "
                        + "or a class holding threads or sockets", e)), o.node(), o.thread(), o.startMillis(),
                        o.durationNanos()));
            }
        }
    }

    /** The index of the first input of {@code spec} that is not in {@code inputs}, or -1. */
    private static int firstMissing(TaskSpec spec, Map<AffinityKey<String>, Object> inputs) {
        Key[] in = spec.inputs();
        for (int i = 0; i < in.length; i++) {
            if (!inputs.containsKey(KindlingGrid.cacheKey(spec.inputStorage()[i], spec.inputPartitions()[i]))) {
                return i;
            }
        }
        return -1;
    }

    /** The error itself if it can travel back to the client; otherwise a stand-in with its text and stack. */
    static Throwable shippable(Throwable e) {
        try (ObjectOutputStream out = new ObjectOutputStream(OutputStream.nullOutputStream())) {
            out.writeObject(e);
            return e;
        } catch (IOException | RuntimeException notSerializable) {
            return RemoteTaskException.copyOf(e);
        }
    }
}
