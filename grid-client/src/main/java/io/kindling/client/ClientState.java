package io.kindling.client;

import io.kindling.graph.Key;
import io.kindling.graph.Task;
import io.kindling.grid.internal.CancelReport;
import io.kindling.grid.internal.KindlingGrid;
import io.kindling.grid.LostDataException;
import io.kindling.grid.internal.Outcome;
import io.kindling.grid.internal.TaskSpec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A client's scheduler state: every key it knows, which tasks wait, are ready, run or are done,
 * where each value lives, who still needs it, and what it was computed from. Tasks arrive over
 * time, so unlike the static {@code SchedulerState} of local computations this state grows and
 * shrinks; it is the same kind of machine: events in, commands out, no threads, clocks or I/O.
 * The client calls it under one lock and carries out the commands afterwards:
 * {@link #takeBatches} (tasks to send, per node), {@link #drainDeletions} (data to remove from
 * the grid), {@link #drainCancels} (running tasks to stop) and {@link #drainCompleted} (futures to
 * complete).
 *
 * <p>Placement (which node runs what, in which batches) is {@link Placement}'s, a part of this
 * state under the same lock.
 *
 * <p>Lifetime: a key's data stays while it is needed: held (a live {@link Future}, a persisted
 * graph) or read by a task that has not finished. When nothing needs it, its data is deleted; the
 * entry itself stays, as {@code RELEASED}, while an entry computed from it remains (its lineage
 * refs), because that value may have to be computed again; then it is forgotten.
 *
 * <p>Failures (Dask's resilience model): when a node leaves, the batches it ran are lost and the
 * values it held are gone ({@link #nodesLeft}). A lost value that is still needed goes back to
 * waiting and is computed again from its lineage, its own gone inputs first; one without lineage
 * (scattered) or whose lineage is gone becomes {@code LOST}, and its dependents err with the same
 * {@link LostDataException}. A task of a lost batch is run again, unless more than the allowed
 * number of nodes died under it ({@link KilledWorkerException}). A task that
 * throws runs again while it has retries left. A node that finds an input missing reports it
 * ({@link Outcome#missing}); the input is then treated as lost.
 *
 * <p>Blame: a node death counts against every task of the batches it ran (it cannot tell which
 * one killed it). After two deaths (or one, when one more would fail the task) a task is sent
 * alone in its batch, so that the next death blames it alone; the first death does not isolate,
 * because most nodes die of causes other than their tasks and the work should go on in batches.
 *
 * <p>Counting: {@link #move} is the one place that changes an entry's state, and it keeps the
 * counts on its inputs right (readers for waiting, ready and processing entries; lineage refs for
 * entries in memory, released or erred). Entries whose counts dropped are looked at once the event
 * is done ({@link #tidy}), without recursion. {@link #validate()} recounts everything.
 *
 * <p>Why one file of this size: every transition touches the counts that the others rely on, so
 * they are read and validated together, as Dask's scheduler and worker state machines are.
 */
final class ClientState {
    /** Running tasks of a batch to stop. */
    record CancelOrder(Batch batch, List<Key> keys) {
    }

    /** A future to complete with what its computation came to. */
    record Completion(java.util.concurrent.CompletableFuture<KeyEntry.Resolution> done, KeyEntry.Resolution resolution) {
    }

    /** Times in a row a task may find an input missing, or its batch refused, before it errs. */
    static final int MAX_SETBACKS = 5;

    private final Topology topology;
    private final Function<Key, String> storageNames;
    private final EntryTable entries = new EntryTable();
    private final TransitionLog log = TransitionLog.fromSystemProperty();
    private final Placement placement;
    private final ReadyTasks ready;
    private final List<Completion> completed = new ArrayList<>();
    private final Deletions deletions = new Deletions();
    private final List<CancelOrder> cancels = new ArrayList<>();
    private final ArrayDeque<KeyEntry> unneeded = new ArrayDeque<>();
    private int allowedFailures = Integer.getInteger("kindling.allowed.failures", 3);
    private long nextSequence;
    /** Tasks waiting, ready or processing, by function name (kept by {@link #move}, for the dashboards). */
    private final Map<String, Long> pending = new HashMap<>();
    /** Whether this client writes records of its keys now (another client may read them), and when it looks keys up ({@link KeySharing}). */
    private boolean active;
    private java.util.function.BooleanSupplier lookups = () -> false;
    /** Entries whose record in the shared key table is to be written, and keys whose record is to be removed. */
    private final Map<Key, KeyEntry> toRegister = new LinkedHashMap<>();
    private final Set<Key> toUnregister = new LinkedHashSet<>();
    /** New computations to look up in the shared key table before they are sent. */
    private final List<KeyEntry> toLookUp = new ArrayList<>();

    /** A state placing work by {@code topology}, naming each computation's data with {@code storageNames}. */
    ClientState(Topology topology, Function<Key, String> storageNames) {
        this.topology = topology;
        this.storageNames = storageNames;
        this.placement = new Placement(topology);
        this.ready = placement.ready();
    }

    /**
     * Makes this the state of a client that tasks use to submit tasks and wait on them: a node's
     * client ({@code Client.current()}). Its batches in flight are unbounded, since a task that
     * waits on its children keeps its batch in flight while it gives its slot up (a bound would
     * hold the children back behind their waiting parents), and the node's slots bound what runs.
     */
    void forTasks() {
        placement.unbounded();
    }

    KeyEntry get(Key key) {
        return entries.get(key);
    }

    /**
     * Makes this state share its keys with other clients: while {@code lookups} says another
     * client shares keys, it looks up each new computation in the shared key table before sending
     * it ({@link KeySharing}); while {@link #activate active}, it records what it computes there.
     */
    void shareKeys(java.util.function.BooleanSupplier lookups) {
        this.lookups = lookups;
    }

    /**
     * Starts or stops writing records of this client's keys to the shared key table (another
     * client is there to read them, or none is left); starting writes a record of every key sent,
     * in memory or erred by its own task so far. Records written stay until their key lets go.
     */
    void activate(boolean on) {
        if (active == on) {
            return;
        }
        active = on;
        if (on) {
            for (KeyEntry e : entries.values()) {
                if (e.state == KeyEntry.State.PROCESSING || e.state == KeyEntry.State.MEMORY
                        || (e.state == KeyEntry.State.ERRED && e.failedHere)) {
                    register(e);
                }
            }
        }
    }

    int size() {
        return entries.size();
    }

    /** How many nodes may die while running one task before it fails (Dask's {@code allowed-failures}). */
    void allowedFailures(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("allowed failures cannot be negative: " + n);
        }
        allowedFailures = n;
    }

    int allowedFailures() {
        return allowedFailures;
    }

    // ------------------------------------------------------------------ events: work arrives

    /**
     * Adds a task, or returns the entry already known for its key (the same key names the same
     * value). Every key the task reads must be known. A new task runs again {@code retries} times
     * if it throws. What nobody needs is tidied at the next {@link #hold} (the caller holds what it
     * asked for right after adding its tasks), so a task that errs at once is not forgotten first.
     */
    KeyEntry addTask(Task task, int retries) {
        return addTask(task, new TaskOptions(retries, 0, null, false, null));
    }

    /** {@link #addTask(Task, int)} with the options of the call that submits it. */
    KeyEntry addTask(Task task, TaskOptions options) {
        KeyEntry existing = entries.get(task.key());
        if (existing != null && existing.state == KeyEntry.State.CANCELLED && !existing.needed()) {
            forget(existing);
            existing = null;
        }
        if (existing != null) {
            return existing;
        }
        Set<Key> dependencies = task.dependencies();
        // Most tasks of a large map read nothing: they share one empty list.
        List<KeyEntry> inputs = dependencies.isEmpty() ? List.of() : new ArrayList<>(dependencies.size());
        for (Key k : dependencies) {
            KeyEntry d = entries.get(k);
            if (d == null) {
                throw new IllegalArgumentException("task '" + task.key() + "' reads '" + k + "', which this client "
                        + "no longer has: its future was released (or never existed); keep the future until the "
                        + "tasks that read it are submitted");
            }
            inputs.add(d);
        }
        KeyEntry e = new KeyEntry(task.key(), task, inputs);
        e.retries = options.retries();
        e.priority = options.priority();
        e.sequence = nextSequence++;
        e.workers = options.workers();
        e.allowOtherWorkers = options.allowOtherWorkers();
        e.resources = options.resources();
        entries.put(e);
        compute(e, false);
        return e;
    }

    /**
     * Adds data already in the grid (scattered) with {@code replicas} copies; returns the entry for
     * the key, which stores the data under {@code storage} if it is new, was lost, had fewer
     * replicas, or is on none of the nodes the caller pinned it to ({@code pinnedTo}, null for any;
     * the older copy is then deleted); otherwise the caller's copy is not used.
     */
    KeyEntry addData(Key key, String cache, String storage, int partition, String node, long nbytes, boolean inline,
            Object value, int replicas, Collection<String> pinnedTo) {
        KeyEntry e = entries.get(key);
        if (e != null && e.state == KeyEntry.State.MEMORY && (e.replicas < replicas
                || (pinnedTo != null && !pinnedTo.contains(e.node)))) {
            deletions.add(e.cache, e.storage, e.partition);
        } else if (e != null && e.state != KeyEntry.State.LOST) {
            return e;
        }
        if (e == null) {
            e = new KeyEntry(key, null, List.of());
            entries.put(e);
        }
        unregister(e);
        e.cache = cache;
        e.storage = storage;
        e.partition = partition;
        e.node = node;
        e.nbytes = nbytes;
        e.inline = inline;
        e.value = inline ? value : null;
        e.replicas = replicas;
        e.handedIn = false;
        e.error = null;
        e.erredKey = null;
        freshDone(e);
        move(e, KeyEntry.State.MEMORY, "scattered");
        resolved(e);
        settle();
        return e;
    }

    /**
     * A copy of the value of {@code e} was written at {@code to} (by {@code replicate} or
     * {@code rebalance}): if the value is still the one at {@code from}, it lives at {@code to} from
     * now on and the old copy is deleted; otherwise the new copy is.
     */
    void relocated(KeyEntry e, Location from, Location to, int replicas, String node) {
        if (e.state == KeyEntry.State.MEMORY && Location.of(e).equals(from) && entries.get(e.key) == e) {
            deletions.add(from);
            e.cache = to.cache();
            e.storage = to.storage();
            e.partition = to.partition();
            e.replicas = replicas;
            e.node = node;
            if (e.registered) {
                register(e);
            }
            resolved(e);
        } else {
            deletions.add(to);
        }
    }

    /** Whether {@code e} uses {@code storage} now (so a caller's copy under that name is in use). */
    static boolean uses(KeyEntry e, String storage) {
        return storage.equals(e.storage);
    }

    /** A new hold on {@code e} (a future); a released value is computed again. */
    void hold(KeyEntry e) {
        e.holds++;
        if (e.state == KeyEntry.State.RELEASED) {
            compute(e, false);
        }
        settle();
    }

    /** The value of {@code e}, when it is computed, is kept with {@code replicas} copies. */
    void replicas(KeyEntry e, int replicas) {
        if (e.task != null && !e.finished() && e.state != KeyEntry.State.PROCESSING) {
            e.replicas = Math.max(e.replicas, replicas);
        }
    }

    void release(KeyEntry e) {
        if (e.holds <= 0) {
            throw new IllegalStateException("key '" + e.key + "' released more often than held");
        }
        e.holds--;
        unneeded.add(e);
        settle();
    }

    /** Cancels a task that has not finished, and every task waiting on it; returns whether it is now cancelled. */
    boolean cancel(KeyEntry e) {
        switch (e.state) {
            case WAITING, READY -> {
                cancelWithDependents(e, null);
                settle();
                return true;
            }
            case PROCESSING -> {
                Batch b = e.batch;
                cancelWithDependents(e, null);
                List<Key> stop = new ArrayList<>();
                for (KeyEntry x : b.entries) {
                    if (x.state == KeyEntry.State.CANCELLED) {
                        stop.add(x.key);
                    }
                }
                cancels.add(new CancelOrder(b, stop));
                settle();
                return true;
            }
            case CANCELLED -> {
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /**
     * Runs an erred task again (Dask's {@code Future.retry}), with the erred tasks it read first;
     * returns false if {@code e} has not erred.
     */
    boolean retry(KeyEntry e) {
        if (e.state != KeyEntry.State.ERRED || e.task == null) {
            return false;
        }
        compute(e, true);
        settle();
        return true;
    }

    // ------------------------------------------------------------------ commands: batches

    /** Hands ready tasks to nodes with free slots, as batches of at most {@code maxBatch} (see {@link Placement}). */
    List<Batch> takeBatches(int maxBatch) {
        if (placement.ready().size() == 0) {
            return List.of();
        }
        if (topology.nodes().isEmpty()) {
            failReady(new ClusterUnavailableException("the cluster has no server node to run tasks on: start "
                    + "servers (bin/kindling-server) or connect to a running cluster", null));
            settle();
            return List.of();
        }
        List<Batch> out = placement.take(maxBatch, e -> move(e, KeyEntry.State.PROCESSING, "sent"));
        if (active) {
            for (Batch b : out) {
                for (KeyEntry e : b.entries) {
                    register(e);
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ events: batches come back

    /** A batch came back from its node with an outcome per task. */
    void batchFinished(Batch batch, Map<Key, Outcome> outcomes) {
        settleOutcomes(batch, outcomes, false);
    }

    /**
     * Applies a batch's outcomes; with {@code partial}, a task without an outcome did not run
     * (it is sent again), otherwise it is an error.
     */
    private void settleOutcomes(Batch batch, Map<Key, Outcome> outcomes, boolean partial) {
        boolean current = placement.settle(batch);
        Set<KeyEntry> lostInputs = new LinkedHashSet<>();
        Map<KeyEntry, String> again = new LinkedHashMap<>();
        for (int i = 0; i < batch.entries.size(); i++) {
            KeyEntry e = batch.entries.get(i);
            TaskSpec spec = batch.specs.get(i);
            Outcome o = outcomes.get(e.key);
            if (!current || e.state != KeyEntry.State.PROCESSING || e.batch != batch) {
                if (o != null && o.ok()) {
                    deletions.add(spec.cache(), spec.storage(), spec.partition());
                }
                continue;
            }
            if (!e.needed() && (o == null || !o.ok())) {
                // A task nobody wants any more that did not finish (stopped, skipped): drop it.
                dropUnneeded(e);
                continue;
            }
            if (e.stopOrdered && (o == null || !o.ok())) {
                // Asked to stop while nobody needed it, and needed again since: it runs again.
                e.stopOrdered = false;
                again.put(e, "needed again after it was stopped");
                continue;
            }
            if (o == null) {
                if (partial) {
                    again.put(e, "not started on a detached batch");
                } else {
                    err(e, new IllegalStateException("node " + batch.node + " returned no outcome for '" + e.key + "'"),
                            e.key);
                }
                continue;
            }
            switch (o.kind()) {
                case OK -> taskFinished(e, o);
                case FAILED -> {
                    if (e.retries > 0) {
                        e.retries--;
                        again.put(e, "failed, retried");
                    } else {
                        err(e, o.error(), e.key);
                        e.failedHere = true;
                        register(e);
                    }
                }
                case MISSING_INPUT -> {
                    KeyEntry input = entries.get(o.missingInput());
                    if (input != null && input.state == KeyEntry.State.MEMORY && uses(input, o.missingStorage())) {
                        lostInputs.add(input);
                    }
                    if (++e.setbacks > MAX_SETBACKS) {
                        err(e, new LostDataException(o.missingInput(), batch.node, "task '" + e.key + "' found its input '"
                                + o.missingInput() + "' missing from the grid " + MAX_SETBACKS + " times in a row"), e.key);
                    } else {
                        again.put(e, "input '" + o.missingInput() + "' missing on " + batch.node);
                    }
                }
                case SKIPPED -> again.put(e, "skipped by " + batch.node);
            }
        }
        dataLost(lostInputs, null);
        again.forEach((e, why) -> {
            if (e.state == KeyEntry.State.PROCESSING) {
                requeue(e, why);
            }
        });
        settle();
    }

    /** A whole batch failed before its tasks could report, for a reason that is not the node's death. */
    void batchFailed(Batch batch, Throwable error) {
        if (!placement.settle(batch)) {
            return;
        }
        for (KeyEntry e : batch.entries) {
            if (e.state == KeyEntry.State.PROCESSING && e.batch == batch) {
                err(e, error, e.key);
            }
        }
        settle();
    }

    /** A batch failed in a way that may mean its node left: it waits for the next topology check. */
    void batchOrphaned(Batch batch, Throwable failure, long nanos) {
        if (placement.inFlight(batch) && !batch.orphaned) {
            batch.orphaned = true;
            batch.failure = failure;
            batch.orphanedNanos = nanos;
        }
    }

    /** Batches waiting for a topology check to say whether their node left. */
    List<Batch> orphans() {
        List<Batch> out = new ArrayList<>();
        for (Batch b : placement.batches()) {
            if (b.orphaned) {
                out.add(b);
            }
        }
        return out;
    }

    /** An orphaned batch's node is still there: its tasks are sent again, up to {@link #MAX_SETBACKS} times. */
    void batchRetry(Batch batch, Throwable error) {
        if (!placement.settle(batch)) {
            return;
        }
        String why = "sent again: " + error.getMessage();
        for (KeyEntry e : batch.entries) {
            if (e.state == KeyEntry.State.PROCESSING && e.batch == batch) {
                if (++e.setbacks > MAX_SETBACKS) {
                    err(e, error, e.key);
                } else {
                    requeue(e, why);
                }
            }
        }
        settle();
    }

    /**
     * A batch's node detached it (a cancelled task in it would not stop): the tasks that finished
     * are done, those not started are sent elsewhere.
     */
    void batchDetached(Batch batch, CancelReport report) {
        if (!placement.inFlight(batch)) {
            return;
        }
        Map<Key, Outcome> finished = new HashMap<>();
        for (Outcome o : report.finished()) {
            finished.put(o.key(), o);
        }
        settleOutcomes(batch, finished, true);
    }

    private void taskFinished(KeyEntry e, Outcome o) {
        e.nbytes = o.nbytes();
        e.node = o.node();
        e.inline = o.inline();
        e.value = o.value();
        e.setbacks = 0;
        move(e, KeyEntry.State.MEMORY, "finished");
        register(e);
        inMemory(e);
    }

    /** {@code e} reached memory: its futures complete, and tasks waiting only for it are ready. */
    private void inMemory(KeyEntry e) {
        resolved(e);
        for (KeyEntry d : e.waitingDependents) {
            if (d.state == KeyEntry.State.WAITING && --d.unfinishedInputs == 0) {
                makeReady(d);
            }
        }
        e.waitingDependents.clear();
        unneeded.add(e);
    }

    // ------------------------------------------------------------------ events: failures

    /**
     * Nodes left the cluster: every batch in flight to them is lost, and so are the values in
     * {@code lost} (found missing from the grid; the caller checked). Needed values are computed
     * again, the tasks of lost batches run again (see the class comment).
     */
    void nodesLeft(Collection<String> left, Collection<KeyEntry> lost) {
        dataLost(lost, left);
        for (Batch b : placement.batches()) {
            if (left.contains(b.node)) {
                batchLost(b);
            }
        }
        settle();
    }

    /** Values in memory that may have been on {@code nodes}: they computed them, or owned their partition before. */
    List<KeyEntry> inMemoryOn(Collection<String> nodes, String[] previousOwners) {
        List<KeyEntry> out = new ArrayList<>();
        for (KeyEntry e : entries.values()) {
            if (e.state == KeyEntry.State.MEMORY && (nodes.contains(e.node) || (previousOwners != null
                    && e.partition >= 0 && e.partition < previousOwners.length
                    && nodes.contains(previousOwners[e.partition])))) {
                out.add(e);
            }
        }
        return out;
    }

    /** A reader found the value of {@code e}, stored under {@code storage}, missing from the grid. */
    void dataMissing(KeyEntry e, String storage) {
        if (e.state == KeyEntry.State.MEMORY && uses(e, storage)) {
            dataLost(List.of(e), null);
            settle();
        }
    }

    private void batchLost(Batch batch) {
        placement.settle(batch);
        for (KeyEntry e : batch.entries) {
            if (e.state != KeyEntry.State.PROCESSING || e.batch != batch) {
                continue;
            }
            if (e.killedNodes == null) {
                e.killedNodes = new ArrayList<>(2);
            }
            e.killedNodes.add(batch.node);
            if (e.suspicious() > allowedFailures) {
                err(e, new KilledWorkerException(e.key, e.killedNodes, allowedFailures), e.key);
            } else {
                e.solo = e.suspicious() >= Math.min(2, allowedFailures);
                requeue(e, "its node left");
            }
        }
    }

    /**
     * Values that are gone from the grid: readers not yet running wait for them again; a needed
     * value with lineage is computed again, one without becomes lost and fails its readers.
     */
    private void dataLost(Collection<KeyEntry> lost, Collection<String> left) {
        List<KeyEntry> gone = new ArrayList<>();
        for (KeyEntry e : lost) {
            if (e.state == KeyEntry.State.MEMORY) {
                gone.add(e);
            }
        }
        if (gone.isEmpty()) {
            return;
        }
        Set<KeyEntry> goneSet = Collections.newSetFromMap(new IdentityHashMap<>());
        goneSet.addAll(gone);
        for (KeyEntry e : gone) {
            // Deleted anyway, in case a copy outlived the node (the partition had moved): nothing leaks.
            deletions.add(Location.of(e));
            e.value = null;
            e.inline = false;
            move(e, KeyEntry.State.RELEASED, "value lost");
        }
        // Readers that counted a gone value as there wait for it again.
        for (KeyEntry r : entries.values()) {
            if (r.state != KeyEntry.State.WAITING && r.state != KeyEntry.State.READY) {
                continue;
            }
            for (KeyEntry in : r.inputs) {
                if (goneSet.contains(in)) {
                    if (r.state == KeyEntry.State.READY) {
                        ready.remove(r);
                        log.note(r.key, r.state, KeyEntry.State.WAITING, "an input was lost", r.node);
                        r.state = KeyEntry.State.WAITING;
                    }
                    r.unfinishedInputs++;
                    in.waitingDependents.add(r);
                }
            }
        }
        for (KeyEntry e : gone) {
            if (e.task == null) {
                String how = left != null && left.contains(e.node)
                        ? " left the cluster with its " + (e.replicas == 0 ? "only copy" : "last copy (it had "
                                + e.replicas + " replica(s), and more nodes left)")
                        : " no longer has " + (e.replicas == 0 ? "its only copy" : "any of its copies")
                                + " (the node is leaving, or lost it)";
                lose(e, new LostDataException(e.key, e.node, "the value of '" + e.key + "' is lost: node " + e.node
                        + how + (e.handedIn ? ". It came from another client (a dataset, queue or variable), so this "
                        + "client cannot compute it again; to keep copies on other nodes, make it with replicas "
                        + "before handing it on: client.replicas(" + (e.replicas + 1) + ").submit(...)"
                        : ". It was scattered, so it cannot be computed again; "
                        + "scatter it with replicas to keep copies on other nodes: client.replicas("
                        + (e.replicas + 1) + ").scatter(...)")));
            } else if (e.needed()) {
                compute(e, false);
            } else {
                unneeded.add(e);
            }
        }
    }

    /** The cluster went away: unfinished work is cancelled, values only the cluster held are lost. */
    void clusterGone(ClusterUnavailableException cause) {
        for (Batch b : placement.batches()) {
            placement.settle(b);
        }
        ready.clear();
        for (KeyEntry e : entries.copy()) {
            switch (e.state) {
                case WAITING, READY, PROCESSING -> {
                    e.error = cause;
                    e.erredKey = e.key;
                    move(e, KeyEntry.State.CANCELLED, "cluster gone");
                    resolved(e);
                }
                case MEMORY -> {
                    if (!e.inline) {
                        e.error = cause;
                        e.erredKey = e.key;
                        move(e, KeyEntry.State.LOST, "cluster gone");
                        resolved(e);
                    }
                }
                default -> { }
            }
            e.waitingDependents.clear();
        }
        for (KeyEntry e : entries.copy()) {
            unneeded.add(e);
        }
        settle();
    }

    /** The client is closing: every unfinished task is cancelled; returns what to complete. */
    List<Completion> abandonUnfinished() {
        for (KeyEntry e : entries.values()) {
            if (!e.finished() && e.state != KeyEntry.State.RELEASED) {
                log.note(e.key, e.state, KeyEntry.State.CANCELLED, "client closed", e.node);
                e.state = KeyEntry.State.CANCELLED;
                resolved(e);
            }
        }
        placement.clear();
        pending.clear();
        return drainCompleted();
    }

    // ------------------------------------------------------------------ transitions

    /**
     * Starts (or starts again) computing {@code root}: a fresh storage name, waiting for its inputs;
     * released inputs are computed again first, and with {@code retrying} so are erred ones. If an
     * input is gone for good, the entry is lost instead.
     */
    private void compute(KeyEntry root, boolean retrying) {
        ArrayDeque<KeyEntry> todo = new ArrayDeque<>();
        todo.add(root);
        while (!todo.isEmpty()) {
            KeyEntry x = todo.poll();
            if (x.state == KeyEntry.State.WAITING || x.state == KeyEntry.State.READY
                    || x.state == KeyEntry.State.PROCESSING) {
                continue;
            }
            boolean submitted = x.state == KeyEntry.State.NEW;
            for (KeyEntry in : x.inputs) {
                in.waitingDependents.removeIf(d -> d == x);
            }
            x.storage = storageNames.apply(x.key);
            x.cache = KindlingGrid.dataCacheName(x.replicas);
            x.partition = -1;
            x.node = null;
            x.value = null;
            x.inline = false;
            x.nbytes = 0;
            x.error = null;
            x.erredKey = null;
            freshDone(x);
            move(x, KeyEntry.State.WAITING, x == root ? "computing" : "computing again, for a key that reads it");
            x.adopted = false;
            x.failedHere = false;
            if (!retrying && x.task != null && !(x.task.function() instanceof FutureValue<?>) && lookups.getAsBoolean()) {
                x.lookupPending = true;
                toLookUp.add(x);
            }
            x.unfinishedInputs = 0;
            KeyEntry gone = null;
            KeyEntry erred = null;
            for (KeyEntry in : x.inputs) {
                switch (in.state) {
                    case MEMORY -> { }
                    case RELEASED -> {
                        todo.add(in);
                        x.unfinishedInputs++;
                        in.waitingDependents.add(x);
                    }
                    case ERRED -> {
                        if (retrying) {
                            todo.add(in);
                            x.unfinishedInputs++;
                            in.waitingDependents.add(x);
                        } else if (erred == null) {
                            erred = in;
                        }
                    }
                    case NEW, WAITING, READY, PROCESSING -> {
                        x.unfinishedInputs++;
                        in.waitingDependents.add(x);
                    }
                    case LOST, CANCELLED, FORGOTTEN -> gone = gone == null ? in : gone;
                }
            }
            if (gone != null && submitted) {
                dependentOfGone(x, gone);
            } else if (gone != null) {
                lose(x, goneInput(x, gone));
            } else if (erred != null) {
                err(x, erred.error, erred.erredKey);
            } else if (x.unfinishedInputs == 0) {
                makeReady(x);
            }
        }
    }

    /**
     * A task that was to run reads {@code gone}, which erred, was lost or was cancelled: it errs
     * with the same exception, or is cancelled too.
     */
    private void dependentOfGone(KeyEntry x, KeyEntry gone) {
        switch (gone.state) {
            case ERRED -> err(x, gone.error, gone.erredKey);
            case LOST -> err(x, gone.error, gone.key);
            case CANCELLED -> cancelWithDependents(x, gone.error);
            default -> lose(x, goneInput(x, gone));
        }
    }

    /** Why {@code x} cannot be computed: its input {@code gone} is gone for good. */
    private static RuntimeException goneInput(KeyEntry x, KeyEntry gone) {
        if (gone.state == KeyEntry.State.CANCELLED && gone.error instanceof ClusterUnavailableException c) {
            return c;
        }
        String why = switch (gone.state) {
            case LOST -> gone.error != null ? gone.error.getMessage() : "it is lost";
            case CANCELLED -> "it was cancelled";
            default -> "its value was released: keep a future for values computed from scattered data while results "
                    + "read from them may be needed";
        };
        return new LostDataException(x.key, x.node, "'" + x.key + "' cannot be computed: its input '" + gone.key
                + "' is gone (" + why + ")");
    }

    /** A task back to ready (or waiting, if an input is not in memory now), as when it was first submitted. */
    private void requeue(KeyEntry e, String why) {
        e.batch = null;
        move(e, KeyEntry.State.WAITING, why);
        e.unfinishedInputs = 0;
        KeyEntry gone = null;
        for (KeyEntry in : e.inputs) {
            switch (in.state) {
                case MEMORY -> { }
                case WAITING, READY, PROCESSING -> {
                    e.unfinishedInputs++;
                    if (!in.waitingDependents.contains(e)) {
                        in.waitingDependents.add(e);
                    }
                }
                case RELEASED -> {
                    e.unfinishedInputs++;
                    in.waitingDependents.add(e);
                    compute(in, false);
                }
                default -> gone = gone == null ? in : gone;
            }
        }
        if (gone != null) {
            dependentOfGone(e, gone);
        } else if (e.unfinishedInputs == 0) {
            makeReady(e);
        }
    }

    private void makeReady(KeyEntry e) {
        move(e, KeyEntry.State.READY, "inputs in memory");
        if (!e.lookupPending) {
            placement.enqueue(e);
        }
    }

    /** Every ready task errs with {@code error} (there is nowhere to run it). */
    void failReady(Throwable error) {
        for (KeyEntry e : ready.all()) {
            err(e, error, e.key);
        }
    }

    /** {@code e} and every task waiting on it, transitively, err with {@code error}. */
    private void err(KeyEntry e, Throwable error, Key erredKey) {
        finishWithDependents(e, KeyEntry.State.ERRED, error, erredKey);
    }

    /** {@code e} is gone for good; the tasks waiting on it err with the same exception. */
    private void lose(KeyEntry e, RuntimeException error) {
        e.error = error;
        e.erredKey = e.key;
        if (e.state == KeyEntry.State.READY) {
            ready.remove(e);
        }
        move(e, KeyEntry.State.LOST, "lost for good");
        resolved(e);
        List<KeyEntry> waiting = new ArrayList<>(e.waitingDependents);
        e.waitingDependents.clear();
        for (KeyEntry d : waiting) {
            if (!d.finished() && d.state != KeyEntry.State.PROCESSING) {
                err(d, error, e.key);
            }
        }
        unneeded.add(e);
    }

    private void cancelWithDependents(KeyEntry e, Throwable cause) {
        finishWithDependents(e, KeyEntry.State.CANCELLED, cause, e.key);
    }

    private void finishWithDependents(KeyEntry root, KeyEntry.State state, Throwable error, Key erredKey) {
        ArrayDeque<KeyEntry> todo = new ArrayDeque<>();
        todo.add(root);
        while (!todo.isEmpty()) {
            KeyEntry x = todo.poll();
            if (x.finished() && x != root) {
                continue;
            }
            if (x.state == KeyEntry.State.READY) {
                ready.remove(x);
            }
            x.error = error;
            x.erredKey = erredKey;
            x.batch = null;
            move(x, state, x == root ? (state == KeyEntry.State.CANCELLED ? "cancelled" : "task failed")
                    : (state == KeyEntry.State.CANCELLED ? "an input was cancelled" : "an input failed"));
            resolved(x);
            todo.addAll(x.waitingDependents);
            x.waitingDependents.clear();
            unneeded.add(x);
        }
    }

    /**
     * The one place an entry changes state: keeps its inputs' reader and lineage counts right, and
     * notes inputs whose counts dropped, for {@link #settle}.
     */
    private void move(KeyEntry e, KeyEntry.State to, String why) {
        KeyEntry.State from = e.state;
        log.note(e.key, from, to, why, e.node);
        boolean readsBefore = reads(from);
        boolean readsAfter = reads(to);
        boolean pinsBefore = pins(from);
        boolean pinsAfter = pins(to);
        e.state = to;
        if (to != KeyEntry.State.PROCESSING) {
            // Only a running task needs its batch; a finished one would keep the batch's specs alive.
            e.batch = null;
        }
        if (readsBefore != readsAfter && e.task != null && !e.sharedWait) {
            countPending(e, readsAfter ? 1 : -1);
        }
        if (!readsAfter) {
            e.sharedWait = false;
            e.lookupPending = false;
        }
        if (e.registered && to != KeyEntry.State.PROCESSING && to != KeyEntry.State.MEMORY) {
            unregister(e);
        }
        if (readsBefore == readsAfter && pinsBefore == pinsAfter) {
            return;
        }
        for (KeyEntry in : e.inputs) {
            if (readsBefore != readsAfter) {
                in.readers += readsAfter ? 1 : -1;
            }
            if (pinsBefore != pinsAfter) {
                in.lineageRefs += pinsAfter ? 1 : -1;
            }
            if ((readsBefore && !readsAfter) || (pinsBefore && !pinsAfter)) {
                unneeded.add(in);
            }
        }
    }

    private void countPending(KeyEntry e, long by) {
        String function = io.kindling.graph.internal.Tokens.functionName(e.task.function());
        if (pending.merge(function, by, Long::sum) == 0) {
            pending.remove(function);
        }
    }

    // ------------------------------------------------------------------ keys shared with other clients

    /** Writes (again) this client's record of {@code e}: sent, in memory, or erred by its task. */
    private void register(KeyEntry e) {
        if (active && e.task != null && !(e.adopted && e.state == KeyEntry.State.MEMORY)) {
            e.registered = true;
            toRegister.put(e.key, e);
        }
    }

    /** Removes this client's record of {@code e}, if it wrote one: before its data goes, so that nobody adopts that data after. */
    private void unregister(KeyEntry e) {
        if (e.registered) {
            e.registered = false;
            toRegister.remove(e.key);
            toUnregister.add(e.key);
        }
    }

    /** What the shared key table is to be told, since the last call (see {@link KeySharing#apply}). */
    record RegistryChanges(Set<Key> removed, List<KeySharing.Record> written) {
        boolean isEmpty() {
            return removed.isEmpty() && written.isEmpty();
        }
    }

    boolean hasRegistryChanges() {
        return !toRegister.isEmpty() || !toUnregister.isEmpty();
    }

    /** The records to remove, then the records to write, of client {@code clientId}, since the last call. */
    RegistryChanges drainRegistryChanges(String clientId) {
        if (!hasRegistryChanges()) {
            return new RegistryChanges(Set.of(), List.of());
        }
        Set<Key> removed = new LinkedHashSet<>(toUnregister);
        toUnregister.clear();
        List<KeySharing.Record> written = new ArrayList<>(toRegister.size());
        for (KeyEntry e : toRegister.values()) {
            if (e.registered) {
                KeySharing.Record r = KeySharing.Record.of(clientId, e);
                if (r != null) {
                    written.add(r);
                }
            }
        }
        toRegister.clear();
        return new RegistryChanges(removed, written);
    }

    /** Puts back removals of records and deletions of data that could not be carried out (tried again later). */
    void undrain(Set<Key> removed, List<Location> deleted) {
        toUnregister.addAll(removed);
        deleted.forEach(deletions::add);
    }

    /** The keys whose record this client wrote, for its closing: every one is removed. */
    Set<Key> registeredKeys() {
        Set<Key> out = new LinkedHashSet<>(toUnregister);
        toUnregister.clear();
        toRegister.clear();
        for (KeyEntry e : entries.values()) {
            if (e.registered) {
                out.add(e.key);
            }
        }
        return out;
    }

    /** How many tasks wait for another client's computation of their key. */
    int waitingForOthers() {
        return count(e -> e.sharedWait);
    }

    /** New computations to look up in the shared key table, since the last call. */
    List<KeyEntry> drainLookups() {
        return drain(toLookUp);
    }

    /** Whether {@code e} still waits for its lookup's answer (it may have been cancelled or released meanwhile). */
    boolean awaitsLookup(KeyEntry e) {
        return e.lookupPending && entries.get(e.key) == e
                && (e.state == KeyEntry.State.WAITING || e.state == KeyEntry.State.READY);
    }

    /** No other client has {@code e}: this client computes it. */
    void sharedAbsent(KeyEntry e) {
        if (!awaitsLookup(e)) {
            return;
        }
        e.lookupPending = false;
        sharedWait(e, false);
        if (e.state == KeyEntry.State.READY) {
            placement.enqueue(e);
        }
    }

    /**
     * This client claimed {@code e} in the shared key table: it computes it, and the record its
     * claim wrote is its own to remove. Returns false if {@code e} no longer waits for its lookup
     * (the caller then removes the claim's record).
     */
    boolean sharedClaimed(KeyEntry e) {
        if (!awaitsLookup(e)) {
            return false;
        }
        e.registered = true;
        sharedAbsent(e);
        return true;
    }

    /** Another client is computing {@code e}: this one waits for it, without counting it as its own pending work. */
    void sharedWaiting(KeyEntry e) {
        if (awaitsLookup(e)) {
            sharedWait(e, true);
        }
    }

    private void sharedWait(KeyEntry e, boolean waiting) {
        if (e.sharedWait != waiting) {
            e.sharedWait = waiting;
            countPending(e, waiting ? -1 : 1);
        }
    }

    /** Another client's task for {@code e} failed with {@code error}: so does this client's, without running again. */
    void sharedErred(KeyEntry e, Throwable error) {
        if (awaitsLookup(e)) {
            err(e, error, e.key);
            settle();
        }
    }

    /**
     * Another client computed {@code e}, and this client now holds that value too (a holder list
     * names it): the entry is in memory there, its task kept as lineage. Returns false if the
     * entry no longer waits for it (the caller then lets go of the value).
     */
    boolean sharedDone(KeyEntry e, KeySharing.Record r) {
        if (!awaitsLookup(e)) {
            return false;
        }
        sharedWait(e, false);
        for (KeyEntry in : e.inputs) {
            in.waitingDependents.removeIf(d -> d == e);
        }
        if (e.state == KeyEntry.State.READY) {
            ready.remove(e);
        }
        e.cache = r.cache();
        e.storage = r.storage();
        e.partition = r.partition();
        e.node = r.node();
        e.nbytes = r.nbytes();
        e.replicas = r.replicas();
        e.inline = false;
        e.value = null;
        e.setbacks = 0;
        e.adopted = true;
        move(e, KeyEntry.State.MEMORY, "computed by another client");
        inMemory(e);
        settle();
        return true;
    }

    private static boolean reads(KeyEntry.State s) {
        return s == KeyEntry.State.WAITING || s == KeyEntry.State.READY || s == KeyEntry.State.PROCESSING;
    }

    /**
     * Whether an entry in state {@code s} keeps the tasks of its inputs (their lineage): a value,
     * a released value that may be needed again, an erred, cancelled or lost task that may be
     * retried or released with dependents that still name it.
     */
    private static boolean pins(KeyEntry.State s) {
        return s == KeyEntry.State.MEMORY || s == KeyEntry.State.RELEASED || s == KeyEntry.State.ERRED
                || s == KeyEntry.State.CANCELLED || s == KeyEntry.State.LOST;
    }

    /** Looks at every entry whose counts dropped: deletes data nobody needs, forgets entries nobody refers to. */
    private void settle() {
        while (!unneeded.isEmpty()) {
            tidy(unneeded.poll());
        }
    }

    private void tidy(KeyEntry e) {
        if (e.needed() || e.state == KeyEntry.State.FORGOTTEN) {
            return;
        }
        boolean keep = e.task != null && e.lineageRefs > 0;
        switch (e.state) {
            case PROCESSING -> {
                // Nobody wants the result any more: stop the task on its node (Dask releases it).
                if (!e.stopOrdered && e.batch != null) {
                    e.stopOrdered = true;
                    cancels.add(new CancelOrder(e.batch, List.of(e.key)));
                }
            }
            case NEW, WAITING, READY -> {
                if (e.state == KeyEntry.State.READY) {
                    ready.remove(e);
                }
                for (KeyEntry in : e.inputs) {
                    in.waitingDependents.removeIf(d -> d == e);
                }
                if (keep) {
                    move(e, KeyEntry.State.RELEASED, "released before it ran");
                } else {
                    forget(e);
                }
                resolved(e);
            }
            case MEMORY -> {
                deletions.add(e.cache, e.storage, e.partition);
                e.value = null;
                if (keep) {
                    move(e, KeyEntry.State.RELEASED, "released");
                } else {
                    forget(e);
                }
            }
            case RELEASED, ERRED -> {
                if (!keep) {
                    forget(e);
                }
            }
            case CANCELLED, LOST -> {
                // A held value computed from it still names it: keep its task, as for a released value.
                if (keep) {
                    move(e, KeyEntry.State.RELEASED, "released");
                } else {
                    forget(e);
                }
            }
            default -> forget(e);
        }
    }

    /** A task that stopped while nobody needed it: released (its task kept for lineage) or forgotten. */
    private void dropUnneeded(KeyEntry e) {
        e.batch = null;
        e.stopOrdered = false;
        if (e.task != null && e.lineageRefs > 0) {
            move(e, KeyEntry.State.RELEASED, "stopped, nobody needs it");
        } else {
            for (KeyEntry in : e.inputs) {
                in.waitingDependents.removeIf(d -> d == e);
            }
            forget(e);
        }
        resolved(e);
    }

    private void forget(KeyEntry e) {
        if (e.state == KeyEntry.State.FORGOTTEN) {
            return;
        }
        move(e, KeyEntry.State.FORGOTTEN, "forgotten");
        e.value = null;
        e.waitingDependents.clear();
        entries.forgotten(e);
    }

    /**
     * A fresh {@code done} future for a new computation of {@code e}, if the last one was
     * resolved (its completion may still be on its way to it: it must not complete the new one).
     */
    private static void freshDone(KeyEntry e) {
        if (e.doneResolved || e.done.isDone()) {
            e.done = new java.util.concurrent.CompletableFuture<>();
            e.doneResolved = false;
        }
    }

    /** Hands out the completion of {@code e}'s current computation (a new one if the last was handed out already). */
    private void resolved(KeyEntry e) {
        freshDone(e);
        completed.add(new Completion(e.done, e.resolution()));
        e.doneResolved = true;
        if (e.fireAndForget && e.finished()) {
            e.fireAndForget = false;
            e.holds--;
            unneeded.add(e);
        }
    }

    /**
     * Keeps {@code e} (and so what it reads) until it is done, whoever else lets go: Dask's
     * {@code fire_and_forget}. A task already done is left as it is.
     */
    void fireAndForget(KeyEntry e) {
        if (!e.finished() && !e.fireAndForget && e.state != KeyEntry.State.FORGOTTEN) {
            e.fireAndForget = true;
            e.holds++;
        }
    }

    /** How many fire-and-forget tasks are not done yet. */
    int pendingFireAndForget() {
        return count(e -> e.fireAndForget);
    }

    private int count(java.util.function.Predicate<KeyEntry> which) {
        int n = 0;
        for (KeyEntry e : entries.values()) {
            n += which.test(e) ? 1 : 0;
        }
        return n;
    }

    /** The items of {@code list}, which is emptied. */
    private static <T> List<T> drain(List<T> list) {
        if (list.isEmpty()) {
            return List.of();
        }
        List<T> out = new ArrayList<>(list);
        list.clear();
        return out;
    }

    // ------------------------------------------------------------------ commands and queries

    /** Futures to complete since the last call. */
    List<Completion> drainCompleted() {
        return drain(completed);
    }

    /**
     * Whether there is cleanup to do off the caller's thread: data to delete ({@link #drainDeletions})
     * or forgotten entries to purge ({@link #purgeForgotten}).
     */
    boolean hasCleanup() {
        return !deletions.isEmpty() || entries.hasForgotten();
    }

    /** Drops up to {@code max} forgotten entries from the key table; returns whether more are left. */
    boolean purgeForgotten(int max) {
        return entries.purge(max);
    }

    /** Data to delete from the grid since the last call. */
    List<Location> drainDeletions() {
        return deletions.isEmpty() ? List.of() : deletions.drain();
    }

    /** Running tasks to stop since the last call. */
    List<CancelOrder> drainCancels() {
        if (cancels.isEmpty()) {
            return List.of();
        }
        Map<Batch, List<Key>> byBatch = new LinkedHashMap<>();
        for (CancelOrder c : cancels) {
            byBatch.computeIfAbsent(c.batch(), b -> new ArrayList<>()).addAll(c.keys());
        }
        cancels.clear();
        List<CancelOrder> out = new ArrayList<>(byBatch.size());
        byBatch.forEach((b, keys) -> out.add(new CancelOrder(b, keys)));
        return out;
    }

    /** What {@link TransitionLog} still holds of the lives of {@code keys}, oldest first. */
    List<Transition> story(Set<Key> keys) {
        return log.story(keys);
    }

    /** Keys being computed, by node. */
    Map<String, List<Key>> processing() {
        Map<String, List<Key>> out = new LinkedHashMap<>();
        for (KeyEntry e : entries.values()) {
            if (e.state == KeyEntry.State.PROCESSING) {
                out.computeIfAbsent(e.node, n -> new ArrayList<>()).add(e.key);
            }
        }
        return out;
    }

    /** Tasks not finished yet, by function name: what the dashboards show as waiting. */
    Map<String, Long> pendingByFunction() {
        return new HashMap<>(pending);
    }

    /** Every entry that live futures hold. */
    List<KeyEntry> heldByFutures() {
        List<KeyEntry> out = new ArrayList<>();
        for (KeyEntry e : entries.values()) {
            if (e.hasFutures()) {
                out.add(e);
            }
        }
        return out;
    }

    /** Every entry in memory. */
    List<KeyEntry> inMemory() {
        List<KeyEntry> out = new ArrayList<>();
        for (KeyEntry e : entries.values()) {
            if (e.state == KeyEntry.State.MEMORY) {
                out.add(e);
            }
        }
        return out;
    }

    /** Batches in flight to {@code node}. */
    int inFlight(String node) {
        return placement.inFlight(node);
    }

    /** Checks the invariants that tie entries together; throws {@link AssertionError} naming the first broken. */
    void validate() {
        Map<KeyEntry, Integer> readers = new IdentityHashMap<>();
        Map<KeyEntry, Integer> lineage = new IdentityHashMap<>();
        int countReady = 0;
        for (KeyEntry e : entries.values()) {
            if (entries.get(e.key) != e) {
                throw new AssertionError("listed under another key: " + e);
            }
            switch (e.state) {
                case FORGOTTEN, NEW -> throw new AssertionError("an entry in state " + e.state + " is listed: " + e);
                case READY -> countReady += e.lookupPending ? 0 : 1;
                case MEMORY -> {
                    if (!e.needed()) {
                        throw new AssertionError("data kept that nobody needs: " + e);
                    }
                }
                case RELEASED -> {
                    if (e.task == null || e.needed() || e.lineageRefs == 0) {
                        throw new AssertionError("released but " + (e.task == null ? "without a task" : e.needed()
                                ? "needed" : "kept by nothing") + ": " + e);
                    }
                }
                case PROCESSING -> {
                    if (e.batch == null || !placement.inFlight(e.batch)) {
                        throw new AssertionError("processing outside a batch in flight: " + e);
                    }
                }
                default -> { }
            }
            if (e.state != KeyEntry.State.PROCESSING && e.batch != null) {
                throw new AssertionError("keeps a batch outside processing: " + e);
            }
            if (e.holds < 0 || e.readers < 0 || e.lineageRefs < 0) {
                throw new AssertionError("negative count on " + e);
            }
            int unfinished = 0;
            for (KeyEntry in : e.inputs) {
                if (reads(e.state)) {
                    readers.merge(in, 1, Integer::sum);
                }
                if (pins(e.state)) {
                    lineage.merge(in, 1, Integer::sum);
                }
                if (in.state != KeyEntry.State.MEMORY) {
                    unfinished++;
                }
                // Readers need their inputs listed; lineage keeps only inputs with a task (data
                // nobody holds is dropped, and a value computed from it cannot be computed again).
                if ((reads(e.state) || (pins(e.state) && in.task != null)) && entries.get(in.key) != in) {
                    throw new AssertionError(e + " reads " + in + ", which is no longer listed");
                }
            }
            if (e.state == KeyEntry.State.WAITING && unfinished != e.unfinishedInputs) {
                throw new AssertionError(e + " counts " + e.unfinishedInputs + " unfinished inputs, has " + unfinished);
            }
            if (e.state == KeyEntry.State.READY && unfinished != 0) {
                throw new AssertionError(e + " is ready with " + unfinished + " inputs not in memory");
            }
        }
        for (KeyEntry e : entries.values()) {
            if (e.readers != readers.getOrDefault(e, 0)) {
                throw new AssertionError(e + " counts " + e.readers + " readers, has " + readers.getOrDefault(e, 0));
            }
            if (e.lineageRefs != lineage.getOrDefault(e, 0)) {
                throw new AssertionError(e + " counts " + e.lineageRefs + " lineage refs, has "
                        + lineage.getOrDefault(e, 0));
            }
        }
        Map<String, Long> counted = new HashMap<>();
        for (KeyEntry e : entries.values()) {
            if (e.task != null && reads(e.state) && !e.sharedWait) {
                counted.merge(io.kindling.graph.internal.Tokens.functionName(e.task.function()), 1L, Long::sum);
            }
        }
        if (!counted.equals(pending)) {
            throw new AssertionError("pending tasks by function are " + pending + ", entries say " + counted);
        }
        if (countReady != ready.size()) {
            throw new AssertionError("ready is " + ready.size() + ", entries ready " + countReady);
        }
    }
}
