package io.kindling.client;

import io.kindling.graph.Key;
import io.kindling.graph.Task;
import io.kindling.grid.KindlingGrid;
import io.kindling.grid.Outcome;
import io.kindling.grid.RunTasks;
import io.kindling.grid.TaskSpec;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.affinity.AffinityKey;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.lang.IgniteFuture;

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
 * resulted (send batches, complete futures, delete data) themselves. Batch outcomes arrive on
 * Ignite's threads and are handed to this client's event thread, which updates the state and
 * carries out what follows; Ignite's own threads never run Kindling work. The same event thread
 * releases keys whose {@link Future} objects were garbage-collected (phantom references, drained
 * every {@value #COLLECT_MILLIS} ms). User callbacks run on a second thread, so that a slow
 * callback cannot stall the client. Both threads stop when the client closes.
 */
final class ClientCore implements AutoCloseable {
    static final int MAX_BATCH = 1000;
    static final long COLLECT_MILLIS = 100;
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    final Ignite ignite;
    final IgniteTopology topology;
    final ClientState state;
    final IgniteCache<AffinityKey<String>, Object> data;
    final ScheduledExecutorService events;
    final ExecutorService callbacks;
    private final ReferenceQueue<Future<?>> collected = new ReferenceQueue<>();
    private final Set<FutureReference> references = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Ties a {@link Future} object to the entry it holds, to release it when the object is collected. */
    static final class FutureReference extends PhantomReference<Future<?>> {
        final KeyEntry entry;

        FutureReference(Future<?> future, KeyEntry entry, ReferenceQueue<Future<?>> queue) {
            super(future, queue);
            this.entry = entry;
        }
    }

    ClientCore(Ignite ignite) {
        this.ignite = ignite;
        this.data = KindlingGrid.dataCache(ignite);
        this.topology = new IgniteTopology(ignite);
        this.state = new ClientState(topology);
        int n = CLIENTS.incrementAndGet();
        this.events = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "kindling-client-" + n));
        this.callbacks = Executors.newSingleThreadExecutor(r -> daemon(r, "kindling-callbacks-" + n));
        events.scheduleWithFixedDelay(this::releaseCollected, COLLECT_MILLIS, COLLECT_MILLIS, TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
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
            data.removeAllAsync(keys);
        }
    }

    /** The state's batches; a cluster that cannot be reached counts as one without nodes. */
    private List<ClientState.Batch> takeBatches() {
        try {
            return state.takeBatches(MAX_BATCH);
        } catch (org.apache.ignite.IgniteException e) {
            state.failReady(new ClusterUnavailableException("the cluster is gone: " + e.getMessage()
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
        IgniteFuture<List<Outcome>> f;
        try {
            ClusterNode node = topology.node(batch.node());
            if (node == null) {
                throw new IllegalStateException("node " + batch.node() + " left the cluster before its tasks were sent");
            }
            f = ignite.compute(ignite.cluster().forNode(node)).callAsync(new RunTasks(specs));
        } catch (RuntimeException e) {
            onBatch(batch, null, e);
            return;
        }
        f.listenAsync(done -> {
            List<Outcome> outcomes = null;
            Throwable error = null;
            try {
                outcomes = done.get();
            } catch (RuntimeException e) {
                error = e;
            }
            onBatch(batch, outcomes, error);
        }, events);
    }

    private void onBatch(ClientState.Batch batch, List<Outcome> outcomes, Throwable error) {
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
            Map<AffinityKey<String>, Object> got = data.getAll(fetch.keySet());
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
                data.removeAll(keys);
            }
        } catch (RuntimeException e) {
            // the cluster is gone: its data went with it
        }
        references.clear();
    }

    boolean closed() {
        return closed;
    }
}
