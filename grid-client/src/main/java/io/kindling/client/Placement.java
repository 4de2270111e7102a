package io.kindling.client;

import io.kindling.graph.Key;
import io.kindling.grid.internal.KindlingGrid;
import io.kindling.grid.internal.TaskSpec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Where a {@link ClientState}'s ready tasks run: its ready queues, its batches in flight per node,
 * and the choice of the next batches. Part of the state (called under the same lock, no I/O).
 *
 * <p>Policy: a ready task prefers the node that holds the most bytes of its inputs; a task
 * without inputs prefers none and goes to whichever node has a free slot. Each node has at most
 * {@value #PIPELINE} batches per task thread in flight, so that while one batch travels back the
 * thread already runs the next (one per thread left it idle for every round trip); a batch takes
 * the node's preferred tasks first, then free ones, up to an even share of what is ready. A
 * task's result goes to a partition whose primary is the node that computes it, so the value
 * stays where it was made. A batch also carries the waiting tasks that its own tasks make
 * computable ({@link #chainDependents}). Suspects (tasks under which nodes died) go one per
 * batch, to a node that has not died under them if there is one. Tasks bound to named nodes wait
 * for a slot on one of them (Dask's {@code workers=}); tasks that prefer named nodes
 * ({@code allowOtherWorkers}) queue for the first of them present; tasks that need resources go one
 * per batch to a node that declares them and has them free. Within every queue, a higher priority
 * goes first, then earlier submissions.
 */
final class Placement {
    static final int PIPELINE = 2;

    private final Topology topology;
    private final ReadyTasks ready = new ReadyTasks();
    private final Map<String, Integer> inFlight = new HashMap<>();
    private final Set<Batch> batches = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Resources this client's tasks use on each node now. */
    private final Map<String, Map<String, Double>> inUse = new HashMap<>();
    private long nextBatch;
    /** No bound on batches in flight: for the client of a node, whose tasks' waits give their slots up (see {@link ClientState#forTasks}). */
    private boolean unbounded;

    Placement(Topology topology) {
        this.topology = topology;
    }

    void unbounded() {
        this.unbounded = true;
    }

    ReadyTasks ready() {
        return ready;
    }

    /** A task that became ready: queued by the node it prefers. */
    void enqueue(KeyEntry e) {
        e.preferredNode = e.workers != null && e.allowOtherWorkers ? preferredWorker(e) : preferredNode(e);
        ready.add(e);
    }

    /** For a task that prefers named nodes: the first of them in the cluster, else its data's node. */
    private String preferredWorker(KeyEntry e) {
        for (String n : topology.nodes()) {
            if (e.workers.contains(n)) {
                return n;
            }
        }
        return preferredNode(e);
    }

    /**
     * Takes ready tasks into batches for nodes with free slots, at most {@code maxBatch} each;
     * {@code toProcessing} moves each task taken to processing (the state's transition).
     */
    List<Batch> take(int maxBatch, Consumer<KeyEntry> toProcessing) {
        List<Batch> out = new ArrayList<>();
        List<String> nodes = topology.nodes();
        ready.adoptOrphans(nodes);
        takeSuspects(nodes, out, toProcessing);
        takeConstrained(nodes, out, maxBatch, toProcessing);
        int freeSlots = 0;
        for (String n : nodes) {
            freeSlots += Math.max(0, capacity(n) - inFlight(n));
        }
        if (freeSlots == 0) {
            return out;
        }
        ReadyTasks.Queue free = ready.free();
        int share = Math.max(1, Math.min(maxBatch, (free.size() + freeSlots - 1) / freeSlots));
        for (String n : nodes) {
            ReadyTasks.Queue own = ready.preferring(n);
            while (inFlight(n) < capacity(n) && ((own != null && !own.isEmpty()) || !free.isEmpty())) {
                int ownSize = own == null ? 0 : own.size();
                int size = Math.min(maxBatch, ownSize + Math.min(share, free.size()));
                List<KeyEntry> batch = new ArrayList<>(size);
                int fromFree = 0;
                while (batch.size() < size) {
                    // Highest priority first, whichever queue it is in; a tie goes to the node's own.
                    boolean ownNext = own != null && !own.isEmpty()
                            && (free.isEmpty() || fromFree >= share || own.topPriority() >= free.topPriority());
                    if (!ownNext && free.isEmpty()) {
                        break;
                    }
                    if (ownNext) {
                        batch.add(own.poll());
                    } else {
                        batch.add(free.poll());
                        fromFree++;
                    }
                }
                ready.taken(batch.size());
                out.add(dispatch(n, batch, maxBatch, true, toProcessing));
            }
        }
        return out;
    }

    /**
     * Tasks that may run only on some nodes: on each node with a free slot, those it may run.
     * Tasks that need resources go one per batch, while the node has them free (this client's
     * count; the node enforces it for all clients too); tasks bound to named nodes go in batches.
     */
    private void takeConstrained(List<String> nodes, List<Batch> out, int maxBatch, Consumer<KeyEntry> toProcessing) {
        for (ReadyTasks.Constrained c : ready.constrained()) {
            for (String n : nodes) {
                while (!c.queue.isEmpty() && inFlight(n) < capacity(n) && c.allows(n, available(n))) {
                    if (c.resources != null) {
                        KeyEntry e = c.queue.poll();
                        ready.taken(1);
                        List<KeyEntry> one = new ArrayList<>(1);
                        one.add(e);
                        Batch b = dispatch(n, one, 1, false, toProcessing);
                        b.resources = c.resources;
                        use(n, c.resources, 1);
                        out.add(b);
                    } else {
                        List<KeyEntry> batch = new ArrayList<>();
                        while (!c.queue.isEmpty() && batch.size() < maxBatch) {
                            batch.add(c.queue.poll());
                        }
                        ready.taken(batch.size());
                        out.add(dispatch(n, batch, maxBatch, false, toProcessing));
                    }
                }
            }
        }
    }

    /** The resources {@code node} declares minus what this client's tasks use there now. */
    private Map<String, Double> available(String node) {
        Map<String, Double> declared = topology.resources(node);
        if (declared.isEmpty()) {
            return declared;
        }
        Map<String, Double> out = new HashMap<>(declared);
        Map<String, Double> used = inUse.get(node);
        if (used != null) {
            used.forEach((r, a) -> out.merge(r, -a, Double::sum));
        }
        return out;
    }

    private void use(String node, Map<String, Double> resources, int sign) {
        Map<String, Double> used = inUse.computeIfAbsent(node, n -> new HashMap<>());
        resources.forEach((r, a) -> used.merge(r, sign * a, Double::sum));
    }

    private void takeSuspects(List<String> nodes, List<Batch> out, Consumer<KeyEntry> toProcessing) {
        ArrayDeque<KeyEntry> suspects = ready.suspects();
        for (int i = suspects.size(); i > 0 && !suspects.isEmpty(); i--) {
            KeyEntry e = suspects.peek();
            String target = null;
            for (String n : nodes) {
                if (inFlight(n) < capacity(n) && (target == null || !e.killedNodes.contains(n))) {
                    target = n;
                    if (!e.killedNodes.contains(n)) {
                        break;
                    }
                }
            }
            if (target == null) {
                return;
            }
            suspects.poll();
            ready.taken(1);
            List<KeyEntry> one = new ArrayList<>(1);
            one.add(e);
            out.add(dispatch(target, one, 1, false, toProcessing));
        }
    }

    private Batch dispatch(String node, List<KeyEntry> batch, int maxBatch, boolean chain,
            Consumer<KeyEntry> toProcessing) {
        for (KeyEntry e : batch) {
            assign(e, node, toProcessing);
        }
        if (chain) {
            chainDependents(batch, node, maxBatch, toProcessing);
        }
        List<TaskSpec> specs = new ArrayList<>(batch.size());
        for (KeyEntry e : batch) {
            specs.add(specOf(e));
        }
        Batch b = new Batch(nextBatch++, node, batch, specs);
        for (KeyEntry e : batch) {
            e.batch = b;
        }
        batches.add(b);
        inFlight.merge(node, 1, Integer::sum);
        return b;
    }

    private void assign(KeyEntry e, String node, Consumer<KeyEntry> toProcessing) {
        e.node = node;   // first, so that the state's story of the step names the node
        toProcessing.accept(e);
        e.partition = topology.partitionOn(node, e.key.hashCode());
        e.cache = KindlingGrid.dataCacheName(e.replicas);
    }

    private static TaskSpec specOf(KeyEntry e) {
        int n = e.inputs.size();
        Key[] inputs = new Key[n];
        String[] caches = null;
        String[] storage = new String[n];
        int[] partitions = new int[n];
        for (int i = 0; i < n; i++) {
            KeyEntry d = e.inputs.get(i);
            inputs[i] = d.key;
            storage[i] = d.storage;
            partitions[i] = d.partition;
            if (!KindlingGrid.DATA_CACHE.equals(d.cache)) {
                if (caches == null) {
                    caches = new String[n];
                }
                caches[i] = d.cache;
            }
        }
        return new TaskSpec(e.task, e.cache, e.storage, e.partition, inputs, caches, storage, partitions, e.resources);
    }

    /** Batches a node may have in flight. */
    private int capacity(String node) {
        if (unbounded) {
            return Integer.MAX_VALUE;
        }
        return PIPELINE * topology.slots(node);
    }

    /**
     * Adds to a batch the waiting tasks whose every input is either in memory or computed earlier
     * in the same batch: the node runs them in order, reading those inputs from what it just
     * computed. A chain of dependent submits, or a subtree of a reduction, then costs one round
     * trip instead of one per level. Batch order stays topological: a task is added only after
     * all of its inputs. Suspects are never chained.
     */
    private void chainDependents(List<KeyEntry> batch, String node, int maxBatch, Consumer<KeyEntry> toProcessing) {
        Set<KeyEntry> inBatch = Collections.newSetFromMap(new IdentityHashMap<>());
        inBatch.addAll(batch);
        for (int i = 0; i < batch.size() && batch.size() < maxBatch; i++) {
            for (KeyEntry d : batch.get(i).waitingDependents) {
                if (d.state != KeyEntry.State.WAITING || batch.size() >= maxBatch || d.solo || inBatch.contains(d)
                        || ReadyTasks.isConstrained(d)) {
                    continue;
                }
                boolean computable = true;
                for (KeyEntry input : d.inputs) {
                    if (input.state != KeyEntry.State.MEMORY && !inBatch.contains(input)) {
                        computable = false;
                        break;
                    }
                }
                if (computable) {
                    assign(d, node, toProcessing);
                    batch.add(d);
                    inBatch.add(d);
                }
            }
        }
    }

    /** The node holding the most bytes of the task's inputs, or null when it has none. */
    private String preferredNode(KeyEntry e) {
        if (e.inputs.isEmpty()) {
            return null;
        }
        Map<String, Long> bytes = new HashMap<>();
        String best = null;
        long bestBytes = -1;
        for (KeyEntry d : e.inputs) {
            String n = topology.nodeOf(d.partition);
            if (n == null) {
                continue;
            }
            long b = bytes.merge(n, Math.max(1, d.nbytes), Long::sum);
            if (b > bestBytes) {
                best = n;
                bestBytes = b;
            }
        }
        return best;
    }

    /** Takes {@code batch} out of flight; false if it already was (settled by another event). */
    boolean settle(Batch batch) {
        if (!batches.remove(batch)) {
            return false;
        }
        inFlight.merge(batch.node, -1, Integer::sum);
        if (batch.resources != null) {
            use(batch.node, batch.resources, -1);
        }
        return true;
    }

    boolean inFlight(Batch batch) {
        return batches.contains(batch);
    }

    int inFlight(String node) {
        return inFlight.getOrDefault(node, 0);
    }

    /** The batches in flight. */
    List<Batch> batches() {
        return new ArrayList<>(batches);
    }

    /** Forgets every queued task and batch in flight. */
    void clear() {
        ready.clear();
        batches.clear();
        inFlight.clear();
        inUse.clear();
    }
}
