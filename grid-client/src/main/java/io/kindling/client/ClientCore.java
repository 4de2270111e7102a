package io.kindling.client;

import io.kindling.graph.Key;
import io.kindling.graph.Task;
import io.kindling.grid.KindlingGrid;
import io.kindling.grid.Outcome;
import io.kindling.grid.TaskSpec;
import org.apache.ignite.cache.affinity.AffinityKey;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The machinery behind a {@link Client}: its {@link ClientState}, the lock that guards it, and
 * the commands it carries out against the grid.
 *
 * <p>Threads. User threads submit and release under the lock, then carry out the commands that
 * resulted (send batches, complete futures, delete data) themselves. A batch's outcomes are
 * applied on the thread that completes its future (Ignite's response thread): the state update is
 * short and sending the next batches does not block, and handing every outcome to another thread
 * first cost a thread switch on every round trip. User code never runs there: callbacks and
 * {@code CompletableFuture} stages run on the client's callback thread, so a slow callback cannot
 * stall the client. The client's event thread releases keys whose {@link Future} objects were
 * garbage-collected (phantom references, drained every {@value #COLLECT_MILLIS} ms). Both
 * threads stop when the client closes.
 */
final class ClientCore implements AutoCloseable {
    static final int MAX_BATCH = 1000;
    static final long COLLECT_MILLIS = 100;
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    final GridBackend backend;
    /** This client's id: in every storage name it writes, and the key of its lease. */
    final String clientId = String.format("%016x", io.kindling.graph.Tokens.unique());
    final Topology topology;
    final ClientState state;
    final ScheduledExecutorService events;
    final ExecutorService callbacks;
    private final ReferenceQueue<Future<?>> collected = new ReferenceQueue<>();
    private final Set<FutureReference> references = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    /** Whether the dashboards were last told of pending tasks (so that an empty count is sent once). */
    private boolean publishedPending;

    /** Ties a {@link Future} object to the entry it holds, to release it when the object is collected. */
    static final class FutureReference extends PhantomReference<Future<?>> {
        final KeyEntry entry;

        FutureReference(Future<?> future, KeyEntry entry, ReferenceQueue<Future<?>> queue) {
            super(future, queue);
            this.entry = entry;
        }
    }

    ClientCore(GridBackend backend) {
        this.backend = backend;
        this.topology = backend.topology();
        this.state = new ClientState(topology, this::storageName);
        long lease = io.kindling.grid.Leases.leaseMillis();
        backend.renewLease(clientId, lease);
        int n = CLIENTS.incrementAndGet();
        this.events = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "kindling-client-" + n));
        this.callbacks = Executors.newSingleThreadExecutor(r -> daemon(r, "kindling-callbacks-" + n));
        events.scheduleWithFixedDelay(this::releaseCollected, COLLECT_MILLIS, COLLECT_MILLIS, TimeUnit.MILLISECONDS);
        events.scheduleWithFixedDelay(() -> renewLease(lease), lease / 3, lease / 3, TimeUnit.MILLISECONDS);
        events.scheduleWithFixedDelay(this::publishPending, 1, 1, TimeUnit.SECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    String storageName(Key key) {
        return io.kindling.grid.KindlingGrid.storageName(key, clientId);
    }

    private void renewLease(long lease) {
        try {
            backend.renewLease(clientId, lease);
        } catch (RuntimeException e) {
            // the cluster is unreachable now; the next renewal tries again
        }
    }

    /** Tells the dashboards how many tasks of each function this client is still waiting for. */
    private void publishPending() {
        Map<String, Long> pending;
        synchronized (state) {
            pending = state.pendingByFunction();
        }
        if (!pending.isEmpty() || publishedPending) {
            backend.publishPending(clientId, pending);
        }
        publishedPending = !pending.isEmpty();
    }

    void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this client is closed: create a new Client");
        }
    }

    // ------------------------------------------------------------------ futures and holds

    /** A new {@link Future} holding {@code entry}; the caller already counted the hold. */
    <T> Future<T> future(KeyEntry entry) {
        Future<T> f = new Future<>(this, entry);
        FutureReference ref = new FutureReference(f, entry, collected);
        references.add(ref);
        f.reference = ref;
        return f;
    }

    void release(KeyEntry entry) {
        if (closed) {
            return;
        }
        synchronized (state) {
            state.release(entry);
        }
        pump();
    }

    private void releaseCollected() {
        Reference<? extends Future<?>> r;
        boolean any = false;
        while ((r = collected.poll()) != null) {
            FutureReference ref = (FutureReference) r;
            if (references.remove(ref)) {
                synchronized (state) {
                    if (ref.entry.holds > 0) {
                        state.release(ref.entry);
                    }
                }
                any = true;
            }
        }
        if (any) {
            pump();
        }
    }

    /** Releases a future's hold now; returns false if it was already released (explicitly or when collected). */
    boolean release(FutureReference reference) {
        if (!references.remove(reference)) {
            return false;
        }
        release(reference.entry);
        return true;
    }

    boolean cancel(KeyEntry entry) {
        boolean cancelled;
        synchronized (state) {
            cancelled = state.cancel(entry);
        }
        pump();
        return cancelled;
    }

    // ------------------------------------------------------------------ submitting

    /** Adds tasks (in an order where each comes after what it reads) and holds the entries of {@code held}. */
    List<KeyEntry> submit(List<Task> tasks, Collection<Key> held) {
        requireOpen();
        for (Task t : tasks) {
            Serialization.check(t);
        }
        List<KeyEntry> out = new ArrayList<>(held.size());
        synchronized (state) {
            for (Task t : tasks) {
                state.addTask(t);
            }
            for (Key k : held) {
                KeyEntry e = state.get(k);
                state.hold(e);
                out.add(e);
            }
        }
        pump();
        return out;
    }

    /** Carries out what the state asks for: batches to send, futures to complete, data to delete. */
    void pump() {
        List<ClientState.Batch> batches;
        List<KeyEntry> completed;
        List<ClientState.Deletion> deletions;
        List<List<TaskSpec>> specs = new ArrayList<>();
        synchronized (state) {
            batches = closed ? List.of() : takeBatches();
            for (ClientState.Batch b : batches) {
                specs.add(specsOf(b));
            }
            completed = state.drainCompleted();
            deletions = state.drainDeletions();
        }
        for (int i = 0; i < batches.size(); i++) {
            send(batches.get(i), specs.get(i));
        }
        for (KeyEntry e : completed) {
            e.done.complete(e);
        }
        if (!deletions.isEmpty() && !closed) {
            Set<AffinityKey<String>> keys = new HashSet<>();
            for (ClientState.Deletion d : deletions) {
                keys.add(KindlingGrid.cacheKey(d.storage(), d.partition()));
            }
            backend.removeAllAsync(keys);
        }
    }

    /** The state's batches; a cluster that cannot be reached counts as one without nodes. */
    private List<ClientState.Batch> takeBatches() {
        try {
            return state.takeBatches(MAX_BATCH);
        } catch (RuntimeException e) {
            state.failReady(new ClusterUnavailableException("the cluster cannot be reached: " + e.getMessage()
                    + "; restart the servers or connect to a running cluster", e));
            return List.of();
        }
    }

    private static List<TaskSpec> specsOf(ClientState.Batch batch) {
        List<TaskSpec> specs = new ArrayList<>(batch.entries().size());
        for (KeyEntry e : batch.entries()) {
            Key[] inputs = new Key[e.dependencies.size()];
            String[] storage = new String[inputs.length];
            int[] partitions = new int[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                KeyEntry d = e.dependencies.get(i);
                inputs[i] = d.key;
                storage[i] = d.storage;
                partitions[i] = d.partition;
            }
            specs.add(new TaskSpec(e.task, e.storage, e.partition, inputs, storage, partitions));
        }
        return specs;
    }

    private void send(ClientState.Batch batch, List<TaskSpec> specs) {
        CompletableFuture<List<Outcome>> f;
        try {
            f = backend.run(batch.node(), specs);
        } catch (RuntimeException e) {
            onBatch(batch, null, e);
            return;
        }
        f.whenComplete((outcomes, error) -> onBatch(batch, outcomes, unwrap(error)));
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
    }

    private void onBatch(ClientState.Batch batch, List<Outcome> outcomes, Throwable error) {
        if (outcomes != null) {
            TaskStream.observe(outcomes);
        }
        synchronized (state) {
            if (outcomes != null) {
                Map<Key, Outcome> byKey = new HashMap<>(outcomes.size() * 2);
                for (Outcome o : outcomes) {
                    byKey.put(o.key(), o);
                }
                state.batchFinished(batch, byKey);
            } else {
                state.batchFailed(batch, GridErrors.explain(error, batch));
            }
        }
        pump();
    }

    // ------------------------------------------------------------------ data

    /** The values of finished entries, fetching from the grid those not carried inline. */
    Map<KeyEntry, Object> values(Collection<KeyEntry> entries) {
        Map<KeyEntry, Object> out = new LinkedHashMap<>();
        Map<AffinityKey<String>, KeyEntry> fetch = new HashMap<>();
        for (KeyEntry e : entries) {
            if (e.inline) {
                out.put(e, e.value);
            } else {
                fetch.put(KindlingGrid.cacheKey(e.storage, e.partition), e);
            }
        }
        if (!fetch.isEmpty()) {
            requireOpen();
            Map<AffinityKey<String>, Object> got = backend.getAll(fetch.keySet());
            for (Map.Entry<AffinityKey<String>, KeyEntry> f : fetch.entrySet()) {
                if (!got.containsKey(f.getKey())) {
                    throw new io.kindling.grid.LostDataException(f.getValue().key);
                }
                out.put(f.getValue(), KindlingGrid.fromStored(got.get(f.getKey())));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ closing

    /** Releases every key this client holds, deletes its data and stops its threads. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        List<ClientState.Deletion> deletions = new ArrayList<>();
        List<KeyEntry> unfinished;
        synchronized (state) {
            closed = true;
            for (KeyEntry e : state.inMemory()) {
                deletions.add(new ClientState.Deletion(e.storage, e.partition));
            }
            unfinished = state.abandonUnfinished();
        }
        for (KeyEntry e : unfinished) {
            e.done.complete(e);
        }
        events.shutdownNow();
        callbacks.shutdown();
        try {
            events.awaitTermination(10, TimeUnit.SECONDS);
            callbacks.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Set<AffinityKey<String>> keys = new HashSet<>();
        for (ClientState.Deletion d : deletions) {
            keys.add(KindlingGrid.cacheKey(d.storage(), d.partition()));
        }
        try {
            if (!keys.isEmpty()) {
                backend.removeAll(keys);
            }
        } catch (RuntimeException e) {
            // the cluster is gone: its data went with it
        }
        references.clear();
        try {
            backend.publishPending(clientId, Map.of());
            backend.dropLease(clientId);
        } catch (RuntimeException e) {
            // the cluster is gone: the lease goes with it
        }
        backend.close();
    }

    boolean closed() {
        return closed;
    }
}
