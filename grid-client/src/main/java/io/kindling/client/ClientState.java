package io.kindling.client;

import io.kindling.graph.Key;
import io.kindling.graph.Task;
import io.kindling.grid.Outcome;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A client's scheduler state: every key it knows, which tasks wait, are ready, run or are done,
 * where each value lives, and who still needs it. Tasks arrive over time (each {@code submit}
 * adds some), so unlike the static {@code SchedulerState} of local computations this state
 * grows and shrinks; it is the same kind of machine: events in, commands out, no threads, clocks
 * or I/O. The client calls it under one lock and carries out the commands afterwards:
 * {@link #takeBatches} (tasks to send, per node), {@link #drainDeletions} (data to remove from
 * the grid) and {@link #drainCompleted} (futures to complete).
 *
 * <p>Placement: a ready task prefers the node that holds the most bytes of its inputs; a task
 * without inputs prefers none and goes to whichever node has a free slot. Each node has at most
 * two batches per task thread in flight; a batch takes the node's preferred tasks first, then
 * free ones, up to an even share of what is ready. A task's result goes to a partition whose
 * primary is the node that computes it, so the value stays where it was made. A batch also
 * carries the waiting tasks that its own tasks make computable ({@link #chainDependents}).
 *
 * <p>Lifetime: a key's data stays while it is held (a live {@link Future}, a computation waiting
 * for it, a persisted graph) or a task that reads it has not finished; when neither holds, the
 * key is forgotten and its data deleted. A task that fails errs every task waiting on it, with
 * the same exception.
 *
 * <p>Why one file of this size: every transition here touches the counts that the others rely on
 * (holds, readers, waiting inputs, queues, slots), so they are read and validated together, as
 * Dask's worker state machine is; {@link #validate()} checks them after every test.
 */
final class ClientState {
    /** Tasks for one node. */
    record Batch(String node, List<KeyEntry> entries) {
    }

    /** Data to delete from the grid. */
    record Deletion(String storage, int partition) {
    }

    static final int PIPELINE = 2;

    private final Topology topology;
    private final java.util.function.Function<Key, String> storageNames;
    private final Map<Key, KeyEntry> entries = new HashMap<>();
    private final Map<String, ArrayDeque<KeyEntry>> preferred = new LinkedHashMap<>();
    private final ArrayDeque<KeyEntry> free = new ArrayDeque<>();
    private final Map<String, Integer> inFlight = new HashMap<>();
    private final List<KeyEntry> completed = new ArrayList<>();
    private final List<Deletion> deletions = new ArrayList<>();
    private int ready;

    /** A state placing work by {@code topology}, naming each computation's data with {@code storageNames}. */
    ClientState(Topology topology, java.util.function.Function<Key, String> storageNames) {
        this.topology = topology;
        this.storageNames = storageNames;
    }

    KeyEntry get(Key key) {
        return entries.get(key);
    }

    int size() {
        return entries.size();
    }

    // ------------------------------------------------------------------ events

    /**
     * Adds a task, or returns the entry already known for its key (the same key names the same
     * value). Every key the task reads must be known.
     */
    KeyEntry addTask(Task task) {
        KeyEntry existing = entries.get(task.key());
        if (existing != null && existing.state == KeyEntry.State.CANCELLED && existing.holds == 0
                && existing.pendingReaders == 0) {
            forgetNow(existing);
            existing = null;
        }
        if (existing != null) {
            existing.forgetWhenDone = false;
            return existing;
        }
        List<KeyEntry> inputs = new ArrayList<>(2);
        for (Key k : task.dependencies()) {
            KeyEntry d = entries.get(k);
            if (d == null || d.state == KeyEntry.State.FORGOTTEN) {
                throw new IllegalArgumentException("task '" + task.key() + "' reads '" + k + "', which this client "
                        + "no longer has: its future was released (or never existed); keep the future until the "
                        + "tasks that read it are submitted");
            }
            inputs.add(d);
        }
        KeyEntry e = new KeyEntry(task.key(), task, KeyEntry.State.WAITING, storageNames.apply(task.key()));
        entries.put(e.key, e);
        KeyEntry erred = null;
        boolean cancelled = false;
        for (KeyEntry d : inputs) {
            e.dependencies.add(d);
            d.pendingReaders++;
            switch (d.state) {
                case MEMORY -> { }
                case ERRED -> erred = erred == null ? d : erred;
                case CANCELLED -> cancelled = true;
                default -> {
                    e.unfinishedDependencies++;
                    d.waitingDependents.add(e);
                }
            }
        }
        if (erred != null) {
            err(e, erred.error, erred.erredKey);
        } else if (cancelled) {
            cancelWaiting(e);
        } else if (e.unfinishedDependencies == 0) {
            makeReady(e);
        }
        return e;
    }

    /** Adds data already in the grid (scattered); returns the entry known for the key if there is one. */
    KeyEntry addData(Key key, String storage, int partition, String node, long nbytes, boolean inline, Object value) {
        KeyEntry existing = entries.get(key);
        if (existing != null) {
            existing.forgetWhenDone = false;
            return existing;
        }
        KeyEntry e = new KeyEntry(key, null, KeyEntry.State.MEMORY, storage);
        e.partition = partition;
        e.node = node;
        e.nbytes = nbytes;
        e.inline = inline;
        e.value = inline ? value : null;
        entries.put(key, e);
        e.done.complete(e);
        return e;
    }

    void hold(KeyEntry e) {
        e.holds++;
        e.forgetWhenDone = false;
    }

    void release(KeyEntry e) {
        if (e.holds <= 0) {
            throw new IllegalStateException("key '" + e.key + "' released more often than held");
        }
        e.holds--;
        maybeForget(e);
    }

    /** Cancels a task that has not finished, and every task waiting on it; returns whether it was cancelled. */
    boolean cancel(KeyEntry e) {
        switch (e.state) {
            case WAITING, READY -> {
                dequeue(e);
                cancelWaiting(e);
                return true;
            }
            case PROCESSING -> {
                e.cancelRequested = true;
                finish(e, KeyEntry.State.CANCELLED);
                cancelDependents(e);
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

    /** Hands ready tasks to nodes with free slots, as batches of at most {@code maxBatch}. */
    List<Batch> takeBatches(int maxBatch) {
        List<Batch> out = new ArrayList<>();
        if (ready == 0) {
            return out;
        }
        List<String> nodes = topology.nodes();
        if (nodes.isEmpty()) {
            failReady(new ClusterUnavailableException("the cluster has no server node to run tasks on: start "
                    + "servers (bin/kindling-server) or connect to a running cluster", null));
            return out;
        }
        adoptOrphans(nodes);
        int freeSlots = 0;
        for (String n : nodes) {
            freeSlots += Math.max(0, capacity(n) - inFlight.getOrDefault(n, 0));
        }
        if (freeSlots == 0) {
            return out;
        }
        int share = Math.max(1, Math.min(maxBatch, (free.size() + freeSlots - 1) / freeSlots));
        for (String n : nodes) {
            ArrayDeque<KeyEntry> own = preferred.get(n);
            while (inFlight.getOrDefault(n, 0) < capacity(n)
                    && ((own != null && !own.isEmpty()) || !free.isEmpty())) {
                int ownSize = own == null ? 0 : own.size();
                int size = Math.min(maxBatch, ownSize + Math.min(share, free.size()));
                List<KeyEntry> batch = new ArrayList<>(size);
                while (batch.size() < size) {
                    KeyEntry e = own != null && !own.isEmpty() ? own.poll() : free.poll();
                    assign(e, n);
                    batch.add(e);
                }
                ready -= batch.size();
                chainDependents(batch, n, maxBatch);
                inFlight.merge(n, 1, Integer::sum);
                out.add(new Batch(n, batch));
            }
        }
        return out;
    }

    /**
     * Batches a node may have in flight: two per task thread, so that while one batch travels
     * back the thread already runs the next (one per thread left it idle for every round trip).
     */
    private int capacity(String node) {
        return PIPELINE * topology.slots(node);
    }

    private void assign(KeyEntry e, String node) {
        e.state = KeyEntry.State.PROCESSING;
        e.node = node;
        e.partition = topology.partitionOn(node, e.key.hashCode());
    }

    /**
     * Adds to a batch the waiting tasks whose every input is either in memory or computed earlier
     * in the same batch: the node runs them in order, reading those inputs from what it just
     * computed. A chain of dependent submits, or a subtree of a reduction, then costs one round
     * trip instead of one per level. Batch order stays topological: a task is added only after
     * all of its inputs.
     */
    private void chainDependents(List<KeyEntry> batch, String node, int maxBatch) {
        java.util.Set<KeyEntry> inBatch = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        inBatch.addAll(batch);
        for (int i = 0; i < batch.size() && batch.size() < maxBatch; i++) {
            for (KeyEntry d : batch.get(i).waitingDependents) {
                if (d.state != KeyEntry.State.WAITING || batch.size() >= maxBatch) {
                    continue;
                }
                boolean computable = true;
                for (KeyEntry input : d.dependencies) {
                    if (input.state != KeyEntry.State.MEMORY && !inBatch.contains(input)) {
                        computable = false;
                        break;
                    }
                }
                if (computable) {
                    assign(d, node);
                    batch.add(d);
                    inBatch.add(d);
                }
            }
        }
    }

    /** A batch came back from {@code node} with an outcome per task. */
    void batchFinished(Batch batch, Map<Key, Outcome> outcomes) {
        inFlight.merge(batch.node(), -1, Integer::sum);
        for (KeyEntry e : batch.entries()) {
            Outcome o = outcomes.get(e.key);
            if (o == null) {
                taskFailed(e, new IllegalStateException("node " + batch.node() + " returned no outcome for '" + e.key
                        + "'"));
            } else if (o.ok()) {
                taskFinished(e, o);
            } else {
                taskFailed(e, o.error());
            }
        }
    }

    /** A whole batch failed before its tasks could report (the node left, the job could not be sent...). */
    void batchFailed(Batch batch, Throwable error) {
        inFlight.merge(batch.node(), -1, Integer::sum);
        for (KeyEntry e : batch.entries()) {
            taskFailed(e, error);
        }
    }

    private void taskFinished(KeyEntry e, Outcome o) {
        if (e.state == KeyEntry.State.CANCELLED || e.forgetWhenDone) {
            deletions.add(new Deletion(e.storage, e.partition));
            if (e.forgetWhenDone) {
                forgetNow(e);
            }
            releaseInputs(e);
            return;
        }
        e.nbytes = o.nbytes();
        e.node = o.node();
        e.inline = o.inline();
        e.value = o.value();
        finish(e, KeyEntry.State.MEMORY);
        for (KeyEntry d : e.waitingDependents) {
            if (d.state == KeyEntry.State.WAITING && --d.unfinishedDependencies == 0) {
                makeReady(d);
            }
        }
        e.waitingDependents.clear();
        releaseInputs(e);
        maybeForget(e);
    }

    private void taskFailed(KeyEntry e, Throwable error) {
        if (e.state != KeyEntry.State.PROCESSING) {
            if (e.forgetWhenDone) {
                forgetNow(e);
            }
            releaseInputs(e);
            return;
        }
        err(e, error, e.key);
        if (e.forgetWhenDone) {
            forgetNow(e);
        }
    }

    // ------------------------------------------------------------------ transitions

    private void makeReady(KeyEntry e) {
        e.state = KeyEntry.State.READY;
        e.preferredNode = preferredNode(e);
        if (e.preferredNode == null) {
            free.add(e);
        } else {
            preferred.computeIfAbsent(e.preferredNode, n -> new ArrayDeque<>()).add(e);
        }
        ready++;
    }

    /** The node holding the most bytes of the task's inputs, or null when it has none. */
    private String preferredNode(KeyEntry e) {
        if (e.dependencies.isEmpty()) {
            return null;
        }
        Map<String, Long> bytes = new HashMap<>();
        String best = null;
        long bestBytes = -1;
        for (KeyEntry d : e.dependencies) {
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

    /** Every ready task errs with {@code error} (there is nowhere to run it). */
    void failReady(Throwable error) {
        List<KeyEntry> all = new ArrayList<>(free);
        for (ArrayDeque<KeyEntry> q : preferred.values()) {
            all.addAll(q);
        }
        for (KeyEntry e : all) {
            err(e, error, e.key);
        }
    }

    /** Ready tasks preferring a node that left go to the free queue. */
    private void adoptOrphans(List<String> nodes) {
        for (var it = preferred.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            if (!nodes.contains(entry.getKey())) {
                free.addAll(entry.getValue());
                it.remove();
            }
        }
    }

    private void dequeue(KeyEntry e) {
        if (e.state == KeyEntry.State.READY) {
            ArrayDeque<KeyEntry> q = e.preferredNode == null ? free : preferred.get(e.preferredNode);
            if (q != null && q.remove(e)) {
                ready--;
            }
        }
    }

    private void err(KeyEntry e, Throwable error, Key erredKey) {
        ArrayDeque<KeyEntry> todo = new ArrayDeque<>();
        todo.add(e);
        while (!todo.isEmpty()) {
            KeyEntry x = todo.poll();
            dequeue(x);
            x.error = error;
            x.erredKey = erredKey;
            finish(x, KeyEntry.State.ERRED);
            releaseInputs(x);
            todo.addAll(x.waitingDependents);
            x.waitingDependents.clear();
        }
    }

    private void cancelWaiting(KeyEntry e) {
        finish(e, KeyEntry.State.CANCELLED);
        releaseInputs(e);
        cancelDependents(e);
    }

    private void cancelDependents(KeyEntry e) {
        ArrayDeque<KeyEntry> todo = new ArrayDeque<>(e.waitingDependents);
        e.waitingDependents.clear();
        while (!todo.isEmpty()) {
            KeyEntry x = todo.poll();
            if (x.finished()) {
                continue;
            }
            dequeue(x);
            finish(x, KeyEntry.State.CANCELLED);
            releaseInputs(x);
            todo.addAll(x.waitingDependents);
            x.waitingDependents.clear();
        }
    }

    private void finish(KeyEntry e, KeyEntry.State state) {
        e.state = state;
        completed.add(e);
    }

    /** A task no longer reads its inputs (it finished, erred, was cancelled or forgotten). */
    private void releaseInputs(KeyEntry e) {
        ArrayDeque<KeyEntry> unneeded = new ArrayDeque<>();
        releaseInputs(e, unneeded);
        forgetAll(unneeded);
    }

    private void releaseInputs(KeyEntry e, ArrayDeque<KeyEntry> unneeded) {
        for (KeyEntry d : e.dependencies) {
            d.pendingReaders--;
            unneeded.add(d);
        }
        e.dependencies.clear();
    }

    private void maybeForget(KeyEntry e) {
        ArrayDeque<KeyEntry> unneeded = new ArrayDeque<>();
        unneeded.add(e);
        forgetAll(unneeded);
    }

    /** Forgets every entry of the work list that nobody needs, and in turn what only they needed, without recursion. */
    private void forgetAll(ArrayDeque<KeyEntry> unneeded) {
        while (!unneeded.isEmpty()) {
            KeyEntry e = unneeded.poll();
            if (e.holds > 0 || e.pendingReaders > 0 || e.state == KeyEntry.State.FORGOTTEN) {
                continue;
            }
            switch (e.state) {
                case PROCESSING -> e.forgetWhenDone = true;
                case WAITING, READY -> {
                    dequeue(e);
                    for (KeyEntry d : e.dependencies) {
                        d.waitingDependents.remove(e);
                    }
                    releaseInputs(e, unneeded);
                    forgetNow(e);
                    completed.add(e);
                }
                case MEMORY -> {
                    deletions.add(new Deletion(e.storage, e.partition));
                    forgetNow(e);
                }
                default -> forgetNow(e);
            }
        }
    }

    private void forgetNow(KeyEntry e) {
        e.state = KeyEntry.State.FORGOTTEN;
        e.value = null;
        entries.remove(e.key, e);
    }

    // ------------------------------------------------------------------ commands

    /** Entries that reached memory, erred or were cancelled since the last call. */
    List<KeyEntry> drainCompleted() {
        if (completed.isEmpty()) {
            return List.of();
        }
        List<KeyEntry> out = new ArrayList<>(completed);
        completed.clear();
        return out;
    }

    /** Data to delete from the grid since the last call. */
    List<Deletion> drainDeletions() {
        if (deletions.isEmpty()) {
            return List.of();
        }
        List<Deletion> out = new ArrayList<>(deletions);
        deletions.clear();
        return out;
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
        Map<String, Long> out = new HashMap<>();
        for (KeyEntry e : entries.values()) {
            if (e.task != null && (e.state == KeyEntry.State.WAITING || e.state == KeyEntry.State.READY
                    || e.state == KeyEntry.State.PROCESSING)) {
                out.merge(io.kindling.graph.Tokens.functionName(e.task.function()), 1L, Long::sum);
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

    /** The client is closing: every unfinished task is cancelled; returns them, to complete their futures. */
    List<KeyEntry> abandonUnfinished() {
        List<KeyEntry> out = new ArrayList<>();
        for (KeyEntry e : entries.values()) {
            if (!e.finished()) {
                e.state = KeyEntry.State.CANCELLED;
                out.add(e);
            }
        }
        free.clear();
        preferred.clear();
        ready = 0;
        return out;
    }

    /** Checks the invariants that tie entries together; throws {@link AssertionError} naming the first broken. */
    void validate() {
        int countReady = 0;
        Map<KeyEntry, Integer> readers = new HashMap<>();
        for (KeyEntry e : entries.values()) {
            if (e.state == KeyEntry.State.READY) {
                countReady++;
            }
            if (e.holds < 0 || e.pendingReaders < 0) {
                throw new AssertionError("negative count on " + e);
            }
            if (e.state == KeyEntry.State.FORGOTTEN) {
                throw new AssertionError("a forgotten entry is still listed: " + e);
            }
            for (KeyEntry d : e.dependencies) {
                readers.merge(d, 1, Integer::sum);
            }
            if (e.state == KeyEntry.State.MEMORY && e.holds == 0 && e.pendingReaders == 0) {
                throw new AssertionError("data kept that nobody needs: " + e);
            }
        }
        for (KeyEntry e : entries.values()) {
            if (e.pendingReaders != readers.getOrDefault(e, 0)) {
                throw new AssertionError(e + " counts " + e.pendingReaders + " readers, has "
                        + readers.getOrDefault(e, 0));
            }
        }
        if (countReady != ready) {
            throw new AssertionError("ready is " + ready + ", entries ready " + countReady);
        }
    }
}
