package io.kindling.client;

import io.kindling.graph.Key;
import io.kindling.graph.Task;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The client's record of one key: its task, where it stands, where its data lives, and who still
 * needs it. Only {@link ClientState} changes it, under the client's lock; the {@link #done}
 * future is how waiting threads learn the outcome.
 */
final class KeyEntry {
    enum State { WAITING, READY, PROCESSING, MEMORY, ERRED, CANCELLED, FORGOTTEN }

    final Key key;
    final Task task;
    /** Where this computation of the key keeps its data (see {@code TaskSpec}). */
    final String storage;
    final List<KeyEntry> dependencies = new ArrayList<>(2);
    final List<KeyEntry> waitingDependents = new ArrayList<>(1);
    /** Completes with this entry when it reaches memory, errs or is cancelled. */
    final CompletableFuture<KeyEntry> done = new CompletableFuture<>();

    State state;
    int unfinishedDependencies;
    /** Live {@link Future} objects and other holds (a computation waiting for it, a persisted graph). */
    int holds;
    /** Tasks not finished yet that read this value. */
    int pendingReaders;
    /** Set when nobody needs the entry any more while its task is still running. */
    boolean forgetWhenDone;
    boolean cancelRequested;
    String preferredNode;
    String node;
    int partition = -1;
    long nbytes;
    boolean inline;
    Object value;
    Throwable error;
    Key erredKey;

    KeyEntry(Key key, Task task, State state, String storage) {
        this.key = key;
        this.task = task;
        this.state = state;
        this.storage = storage;
    }

    boolean finished() {
        return state == State.MEMORY || state == State.ERRED || state == State.CANCELLED;
    }

    /** The status as Dask names it: pending, finished, error, cancelled, lost. */
    String status() {
        return switch (state) {
            case WAITING, READY, PROCESSING -> "pending";
            case MEMORY -> "finished";
            case ERRED -> "error";
            case CANCELLED -> "cancelled";
            case FORGOTTEN -> "lost";
        };
    }

    @Override
    public String toString() {
        return key + "[" + state + ", holds=" + holds + ", readers=" + pendingReaders + "]";
    }
}
