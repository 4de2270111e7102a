package io.kindling.grid;

import io.kindling.graph.Key;
import io.kindling.graph.Task;
import io.kindling.grid.dashboard.TaskEvents;
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
 * The Ignite job that runs a batch of Kindling tasks on one node: it reads every input the batch
 * needs in one {@code getAll} (local when placement did its job), runs the tasks in order, writes
 * the results in one {@code putAll} to partitions this node owns, and returns an {@link Outcome}
 * per task. One job carries many tasks because Ignite's per-job cost, not the tasks, dominates
 * small work.
 *
 * <p>Results are in the cache before the job returns, so a dependent task sent anywhere right
 * after finds them. A task that throws does not stop the others.
 *
 * <p>Peer class loading: Ignite picks the class loader that resolves a job's classes from the
 * job's class, and this class is on every server, so by default the user functions inside a batch
 * would be looked up on the server only. The job therefore names the first task's function as its
 * deployment class ({@link GridPeerDeployAware}, an Ignite-internal interface): with peer class
 * loading on, the servers load the functions' classes from the client that sent them.
 */
public final class RunTasks implements IgniteCallable<List<Outcome>>, GridPeerDeployAware {
    private static final long serialVersionUID = 1L;
    /** Values estimated below this many bytes travel back inside the outcome. */
    public static final long INLINE_BYTES = 64 * 1024;

    private final List<TaskSpec> tasks;

    @IgniteInstanceResource
    private transient Ignite ignite;

    public RunTasks(List<TaskSpec> tasks) {
        this.tasks = tasks;
    }

    @Override
    public Class<?> deployClass() {
        return tasks.isEmpty() ? RunTasks.class : tasks.get(0).task().function().getClass();
    }

    @Override
    public ClassLoader classLoader() {
        return deployClass().getClassLoader();
    }

    @Override
    public List<Outcome> call() {
        return run(ignite, tasks);
    }

    /** Runs {@code tasks} on the node {@code ignite}, in this thread (what the job and the Kindling service do). */
    public static List<Outcome> run(Ignite ignite, List<TaskSpec> tasks) {
        IgniteCache<AffinityKey<String>, Object> cache = KindlingGrid.dataCache(ignite);
        String node = String.valueOf(ignite.cluster().localNode().consistentId());
        String thread = Thread.currentThread().getName();
        TaskEvents.Recorder events = TaskEvents.forNode(ignite.name()).recorder();
        // Inputs computed earlier in this batch are read from its results; the rest from the cache.
        Set<AffinityKey<String>> produced = new HashSet<>();
        for (TaskSpec spec : tasks) {
            produced.add(KindlingGrid.cacheKey(spec.storage(), spec.partition()));
        }
        Map<Key, AffinityKey<String>> inputKeys = new HashMap<>();
        Set<AffinityKey<String>> fetch = new HashSet<>();
        for (TaskSpec spec : tasks) {
            Key[] in = spec.inputs();
            for (int i = 0; i < in.length; i++) {
                AffinityKey<String> k = KindlingGrid.cacheKey(spec.inputStorage()[i], spec.inputPartitions()[i]);
                inputKeys.putIfAbsent(in[i], k);
                if (!produced.contains(k)) {
                    fetch.add(k);
                }
            }
        }
        Map<AffinityKey<String>, Object> inputs = new HashMap<>(fetch.isEmpty() ? Map.of() : cache.getAll(fetch));
        Map<AffinityKey<String>, Object> results = new HashMap<>();
        List<Outcome> outcomes = new ArrayList<>(tasks.size());
        for (TaskSpec spec : tasks) {
            long startMillis = System.currentTimeMillis();
            long t0 = System.nanoTime();
            Task task = spec.task();
            events.started(task, startMillis);
            try {
                Key missing = firstMissing(spec, inputKeys, inputs);
                if (missing != null) {
                    throw new LostDataException(missing);
                }
                Object value = task.run(k -> KindlingGrid.fromStored(inputs.get(inputKeys.get(k))));
                long nbytes = Sizes.of(value);
                AffinityKey<String> stored = KindlingGrid.cacheKey(spec.storage(), spec.partition());
                results.put(stored, KindlingGrid.toStored(value));
                inputs.put(stored, KindlingGrid.toStored(value));
                outcomes.add(Outcome.success(task.key(), nbytes, nbytes < INLINE_BYTES, value, node, thread, startMillis,
                        System.nanoTime() - t0));
            } catch (Throwable e) {
                outcomes.add(Outcome.failure(task.key(), shippable(e), node, thread, startMillis, System.nanoTime() - t0));
            }
            events.finished(spec.inputs(), outcomes.get(outcomes.size() - 1));
        }
        if (!results.isEmpty()) {
            cache.putAll(results);
        }
        return outcomes;
    }

    private static Key firstMissing(TaskSpec spec, Map<Key, AffinityKey<String>> inputKeys,
            Map<AffinityKey<String>, Object> inputs) {
        for (Key k : spec.inputs()) {
            if (!inputs.containsKey(inputKeys.get(k))) {
                return k;
            }
        }
        return null;
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
