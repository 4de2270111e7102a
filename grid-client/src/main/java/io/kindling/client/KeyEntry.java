package io.kindling.client;

import io.kindling.graph.Key;
import io.kindling.graph.Task;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The client's record of one key: its task and the entries of its inputs (its lineage), where it
 * stands, where its data lives, and who still needs it. Only {@link ClientState} changes it, under
 * the client's lock. Other threads read only {@link #state} (volatile, for {@code status()}) and
 * {@link #done}, whose {@link Resolution} is an immutable snapshot of the outcome.
 *
 * <p>States: {@code WAITING} (an input is not in memory), {@code READY} (queued to be sent),
 * {@code PROCESSING} (in a batch on a node), {@code MEMORY} (the value is in the grid),
 * {@code RELEASED} (nobody needs the value, so it was deleted, but the task is kept because a
 * value computed from it may have to be computed again), {@code ERRED}, {@code CANCELLED},
 * {@code LOST} (the value is gone and cannot be computed again), {@code FORGOTTEN} (dropped).
 */
final class KeyEntry {
    enum State { NEW, WAITING, READY, PROCESSING, MEMORY, RELEASED, ERRED, CANCELLED, LOST, FORGOTTEN }

    /**
     * What one computation of the key came to, as its futures see it: where the value is (or the
     * value itself, when small), or the error. Immutable, so futures read it without the lock.
     */
    record Resolution(State state, String cache, String storage, int partition, String node, boolean inline,
            Object value, Throwable error, Key erredKey) {
        boolean finished() {
            return state == State.MEMORY;
        }
    }

    final Key key;
    final Task task;
    /** The entries of the task's inputs, one per distinct key, kept while this entry is: the lineage. */
    final List<KeyEntry> inputs;
    /** Entries waiting for this one to reach memory. */
    final List<KeyEntry> waitingDependents = new ArrayList<>(0);
    /** Completes when the current computation of the key is done; replaced when it is computed again. */
    volatile CompletableFuture<Resolution> done = new CompletableFuture<>();
    /** Whether a completion of {@link #done} was handed out (it may not have been applied yet). */
    boolean doneResolved;
    volatile State state = State.NEW;

    /** Where the current computation keeps its data (see {@code TaskSpec}). */
    String cache;
    String storage;
    int partition = -1;
    /** The node holding the value (the one that computed it), or running the task. */
    String node;
    long nbytes;
    boolean inline;
    Object value;
    /** Copies of the value kept besides the primary (its data cache). */
    int replicas;

    int unfinishedInputs;
    /** Live {@link Future} objects and other holds (a persisted graph). */
    int holds;
    /**
     * The phantom references of this entry's live futures (guarded by the client's lock): null,
     * the one reference (the usual case, without a list to allocate and chase), or a list.
     */
    private Object futures;
    /** Entries that read this value and have not finished (waiting, ready or processing). */
    int readers;
    /** Entries computed (or erred) from this one, which keep its task in case they must be computed again. */
    int lineageRefs;

    /** The batch that runs this entry, while processing. */
    Batch batch;
    String preferredNode;
    /** Runs left after the task throws ({@code retries(n)}). */
    int retries;
    /** Higher runs first ({@code priority(n)}); ties in order of submission ({@link #sequence}). */
    int priority;
    long sequence;
    /** The nodes the task may run on (null: any), strictly unless {@link #allowOtherWorkers}. */
    java.util.Set<String> workers;
    boolean allowOtherWorkers;
    /** Abstract resources the task needs on its node while it runs (null: none). */
    java.util.Map<String, Double> resources;
    /** Nodes that died while running this task (Dask's "suspicious" count). */
    List<String> killedNodes;
    /** Sent alone in its batch: one more node death under it would be its last (see {@code ClientState}). */
    boolean solo;
    /** Nobody needs it while it runs, and its node was asked to stop it. */
    boolean stopOrdered;
    /** Held until it is done, whoever else lets go ({@code fireAndForget}). */
    boolean fireAndForget;
    /** Its value came from another client (a dataset, a queue, a variable): this client has no lineage for it. */
    boolean handedIn;
    /** This client's record of the key is in the shared key table, or on its way there ({@link KeySharing}). */
    boolean registered;
    /** A lookup of the key in the shared key table is under way: the task is not sent before it answers. */
    boolean lookupPending;
    /** It waits for another client's computation of the key, which that client counts as pending (not this one). */
    boolean sharedWait;
    /** Its value in memory is another client's, which computed the key first: this client has no record of it to share. */
    boolean adopted;
    /** It erred because its own task threw (not an input, a cancel or the cluster): an error other clients share. */
    boolean failedHere;
    /** Times the task's node found an input missing, or failed to take the batch, in a row. */
    int setbacks;

    Throwable error;
    Key erredKey;

    KeyEntry(Key key, Task task, List<KeyEntry> inputs) {
        this.key = key;
        this.task = task;
        this.inputs = inputs;
    }

    void addFuture(ClientCore.FutureReference r) {
        if (futures == null) {
            futures = r;
        } else if (futures instanceof ClientCore.FutureReference one) {
            List<ClientCore.FutureReference> two = new ArrayList<>(2);
            two.add(one);
            two.add(r);
            futures = two;
        } else {
            futureList().add(r);
        }
    }

    /** Removes {@code r}; returns whether it was one of this entry's. */
    boolean removeFuture(ClientCore.FutureReference r) {
        if (futures == r) {
            futures = null;
            return true;
        }
        return futures instanceof List<?> && futureList().remove(r);
    }

    boolean hasFutures() {
        return futures != null && !(futures instanceof List<?> l && l.isEmpty());
    }

    /** A copy of the references of the live futures. */
    List<ClientCore.FutureReference> futureReferences() {
        if (futures == null) {
            return List.of();
        }
        return futures instanceof ClientCore.FutureReference one ? List.of(one) : new ArrayList<>(futureList());
    }

    @SuppressWarnings("unchecked")
    private List<ClientCore.FutureReference> futureList() {
        return (List<ClientCore.FutureReference>) futures;
    }

    boolean finished() {
        State s = state;
        return s == State.MEMORY || s == State.ERRED || s == State.CANCELLED || s == State.LOST;
    }

    boolean needed() {
        return holds > 0 || readers > 0;
    }

    int suspicious() {
        return killedNodes == null ? 0 : killedNodes.size();
    }

    /** The status as Dask names it: pending, finished, error, cancelled, lost. */
    String status() {
        return switch (state) {
            case NEW, WAITING, READY, PROCESSING, RELEASED -> "pending";
            case MEMORY -> "finished";
            case ERRED -> "error";
            case CANCELLED -> "cancelled";
            case LOST, FORGOTTEN -> "lost";
        };
    }

    Resolution resolution() {
        return new Resolution(state, cache, storage, partition, node, inline, inline ? value : null, error, erredKey);
    }

    @Override
    public String toString() {
        return key + "[" + state + ", holds=" + holds + ", readers=" + readers + ", lineage=" + lineageRefs + "]";
    }
}
