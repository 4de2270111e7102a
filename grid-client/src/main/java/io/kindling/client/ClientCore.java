package io.kindling.client;

import io.kindling.graph.Graph;
import io.kindling.graph.Key;
import io.kindling.graph.Task;
import io.kindling.grid.internal.CancelReport;
import io.kindling.grid.internal.GridBatch;
import io.kindling.grid.internal.KindlingGrid;
import io.kindling.grid.internal.Outcome;
import io.kindling.grid.internal.PackedArrays;
import io.kindling.grid.internal.TopologySnapshot;

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
import java.util.UUID;
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
 * garbage-collected (phantom references, drained every {@value #COLLECT_MILLIS} ms); its lease
 * thread renews the lease every second and does nothing else, so that nothing can delay it (the
 * servers stop the work of a client that falls silent); its watch thread watches the topology
 * ({@link #recover}), which may wait for the cluster; its
 * background thread tells the dashboards what is pending, a call that can block while the
 * cluster is in trouble. All stop when the client closes.
 *
 * <p>Failures. Every {@value #WATCH_MILLIS} ms ({@value #THIN_WATCH_MILLIS} ms for a thin client,
 * and at once when a batch fails because of its node) the watch thread reads the topology. When
 * servers left, the values without replicas whose partition they owned are gone; for values with
 * replicas it asks the grid which are still there (one lookup per value, within
 * {@value #CONTROL_TIMEOUT_MILLIS} ms); it hands the state the nodes and the values that are gone,
 * and the state reschedules. When no server is left, or the cluster cannot be reached, the state is
 * told the cluster went away. A reader that finds a value missing reports it the same way
 * ({@link #dataMissing}). Closing waits at most {@value #CLOSE_TIMEOUT_MILLIS} ms for the cluster.
 *
 * <p>Why one file of this size: the lock, the event thread and the pump are shared by submission,
 * batches, failures, data and closing, and each part is short; data moves already live in
 * {@code Gathering}, {@code Scattering} and {@code ClusterOps}.
 */
final class ClientCore implements AutoCloseable {
    static final int MAX_BATCH = 1000;
    private final int maxBatch;
    static final long COLLECT_MILLIS = 100;
    static final long WATCH_MILLIS = 100;
    /** A thin client reads the topology with a service call, so less often. */
    static final long THIN_WATCH_MILLIS = 300;
    /** How long a batch that failed stays orphaned while its node is still listed, before it is sent again. */
    static final long ORPHAN_MILLIS = 1500;
    /** The bound of control calls: leases, lookups, cancels (beyond their grace), topology reads. */
    static final long CONTROL_TIMEOUT_MILLIS = 10_000;
    /** The bound of data calls (reads and writes of values): {@code kindling.operation.timeout.millis}. */
    static final long OPERATION_TIMEOUT_MILLIS = Long.getLong("kindling.operation.timeout.millis", 120_000);
    static final long CLOSE_TIMEOUT_MILLIS = 10_000;
    /** Attempts of a data call that fails because a node left under it. */
    static final int DATA_ATTEMPTS = 4;
    /** A thin client that cannot read the topology this long treats the cluster as gone. */
    static final long UNREACHABLE_MILLIS = 3000;
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    final GridBackend backend;
    /** This client's id: in every storage name it writes, and the key of its lease. */
    final String clientId = String.format("%016x", io.kindling.graph.internal.Tokens.unique());
    final Topology topology;
    final ClientState state;
    /** Published datasets, and this client's holds on values it shares with others. */
    final Datasets datasets = new Datasets(this);
    /** Keys shared with other clients ({@link KeySharing}). */
    final KeySharing sharing;
    /** A node's client, which its tasks share ({@link Client#current()}). */
    private final boolean forTasks;
    /** Completions held back until the records of their keys are written ({@link #pump}). */
    private final java.util.concurrent.ConcurrentLinkedQueue<ClientState.Completion> heldCompletions =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean registryScheduled = new java.util.concurrent.atomic.AtomicBoolean();
    final ScheduledExecutorService events;
    final ScheduledExecutorService lease;
    final ScheduledExecutorService watcher;
    final ExecutorService background;
    final ExecutorService callbacks;
    /** The open task stream scopes of this client ({@link Client#taskStream()}). */
    final List<TaskStream> taskStreams = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final UUID clientNode;
    private final int number;
    private final ReferenceQueue<Future<?>> collected = new ReferenceQueue<>();
    private final Object recovery = new Object();
    static final int DELETE_CHUNK = 10_000;
    static final long STUCK_SEND_MILLIS = 10_000;
    /** Threads sending a batch now, and since when ({@link System#nanoTime}). */
    private final Map<Thread, Long> sending = new ConcurrentHashMap<>();
    static final long DELETE_QUIET_MILLIS = 20;
    static final long DELETE_MAX_MILLIS = 2000;
    private volatile long lastDeletionQueued;
    private volatile long firstDeletionQueued;
    private final java.util.concurrent.atomic.AtomicBoolean deleteScheduled = new java.util.concurrent.atomic.AtomicBoolean();
    private final Set<Integer> createdCaches = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    /** Closed for its user, but finishing fire-and-forget work before it closes for good. */
    private volatile boolean lingering;
    private final java.util.concurrent.CountDownLatch lingered = new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicBoolean finishing = new java.util.concurrent.atomic.AtomicBoolean();
    /** Whether the dashboards were last told of pending tasks (so that an empty count is sent once). */
    private boolean publishedPending;
    /** A publication is queued or running: a blocked one does not pile others up behind it. */
    private final java.util.concurrent.atomic.AtomicBoolean publishing = new java.util.concurrent.atomic.AtomicBoolean();
    /** Guarded by {@link #recovery}: the servers and partition owners seen last, and since when the cluster is unreachable. */
    private List<String> knownNodes;
    private String[] knownOwners;
    private long unreachableSince = -1;
    private volatile boolean gone;
    /** Why the cluster was found gone, for work submitted after that (set before {@link #gone}). */
    private volatile ClusterUnavailableException goneCause;

    /** Ties a {@link Future} object to the entry it holds, to release it when the object is collected. */
    static final class FutureReference extends PhantomReference<Future<?>> {
        final KeyEntry entry;

        FutureReference(Future<?> future, KeyEntry entry, ReferenceQueue<Future<?>> queue) {
            super(future, queue);
            this.entry = entry;
        }
    }

    ClientCore(GridBackend backend) {
        this(backend, false);
    }

    /**
     * A core; {@code forTasks} for the client that a node's tasks share, which sends one task per
     * batch: a task that waits on a task of the same client must never wait behind itself in its
     * own batch (a pure key submitted twice is one task), and its batches in flight are unbounded
     * ({@link ClientState#forTasks}).
     */
    ClientCore(GridBackend backend, boolean forTasks) {
        this.backend = backend;
        this.topology = backend.topology();
        this.state = new ClientState(topology, this::storageName);
        this.maxBatch = forTasks ? 1 : MAX_BATCH;
        this.forTasks = forTasks;
        if (forTasks) {
            state.forTasks();
        }
        this.clientNode = backend.clientNode();
        TopologySnapshot first = backend.refresh();
        this.knownNodes = first.nodes();
        this.knownOwners = first.owners();
        backend.renewLease(clientId, io.kindling.grid.internal.Leases.leaseMillis(), true);
        number = CLIENTS.incrementAndGet();
        this.events = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "kindling-client-" + number));
        this.lease = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "kindling-client-" + number + "-lease"));
        this.watcher = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "kindling-client-" + number + "-watch"));
        this.background = Executors.newSingleThreadExecutor(r -> daemon(r, "kindling-client-" + number + "-io"));
        this.callbacks = Executors.newSingleThreadExecutor(r -> daemon(r, "kindling-callbacks-" + number));
        this.sharing = new KeySharing(this, number);
        if (forTasks) {
            // Not on the task's thread: it may be one the node's stop is waiting for.
            sharing.startLater();
        } else {
            sharing.list(true);
            sharing.refresh();
        }
        state.shareKeys(sharing::lookups);
        events.scheduleWithFixedDelay(this::releaseCollected, COLLECT_MILLIS, COLLECT_MILLIS, TimeUnit.MILLISECONDS);
        long renew = io.kindling.grid.internal.Leases.renewMillis();
        lease.scheduleWithFixedDelay(this::renewLease, renew, renew, TimeUnit.MILLISECONDS);
        long watch = clientNode != null ? WATCH_MILLIS : THIN_WATCH_MILLIS;
        watcher.scheduleWithFixedDelay(this::watch, watch, watch, TimeUnit.MILLISECONDS);
        // Not on the watch thread: it sends batches itself (recover pumps), and may be the one stuck.
        lease.scheduleWithFixedDelay(this::freeStuckSends, watch, watch, TimeUnit.MILLISECONDS);
        events.scheduleWithFixedDelay(() -> {
            if (publishing.compareAndSet(false, true)) {
                background.execute(this::publishPending);
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    String storageName(Key key) {
        return KindlingGrid.storageName(key, clientId);
    }

    private void renewLease() {
        try {
            backend.renewLease(clientId, io.kindling.grid.internal.Leases.leaseMillis(), false);
        } catch (RuntimeException e) {
            // the cluster is unreachable now; the next renewal tries again
        }
    }

    /** Tells the dashboards how many tasks of each function this client is still waiting for. */
    private void publishPending() {
        try {
            publishPendingNow();
        } finally {
            publishing.set(false);
        }
    }

    private void publishPendingNow() {
        if (closed || gone) {
            return;
        }
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
        if (closed || lingering) {
            throw new IllegalStateException("this client is closed: create a new Client");
        }
    }

    // ------------------------------------------------------------------ futures and holds

    /**
     * A new {@link Future} holding {@code entry}; the caller already counted the hold. The entry
     * keeps the future's phantom reference (which must stay reachable to be enqueued), so that
     * releasing a future touches nothing but its entry.
     */
    <T> Future<T> future(KeyEntry entry) {
        Future<T> f = new Future<>(this, entry);
        FutureReference ref = new FutureReference(f, entry, collected);
        synchronized (state) {
            entry.addFuture(ref);
        }
        f.reference = ref;
        return f;
    }

    private void releaseCollected() {
        Reference<? extends Future<?>> r;
        boolean any = false;
        while ((r = collected.poll()) != null) {
            FutureReference ref = (FutureReference) r;
            synchronized (state) {
                if (!closed && ref.entry.removeFuture(ref) && ref.entry.holds > 0) {
                    state.release(ref.entry);
                    any = true;
                }
            }
        }
        if (any) {
            pump();
        }
    }

    /** Releases a future's hold now; returns false if it was already released (explicitly or when collected). */
    boolean release(FutureReference reference) {
        if (closed) {
            return false;
        }
        List<ClientState.Completion> completed;
        boolean delete;
        List<ClientState.CancelOrder> cancels;
        synchronized (state) {
            if (!reference.entry.removeFuture(reference)) {
                return false;
            }
            state.release(reference.entry);
            // A release makes no task ready: what it leaves to do is deleting and stopping.
            completed = state.drainCompleted();
            delete = state.hasCleanup();
            cancels = state.drainCancels();
        }
        carryOut(completed, delete, cancels);
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

    void fireAndForget(Collection<KeyEntry> entries) {
        requireOpen();
        synchronized (state) {
            for (KeyEntry e : entries) {
                state.fireAndForget(e);
            }
        }
        pump();
    }

    boolean retry(KeyEntry entry) {
        requireOpen();
        boolean retried;
        synchronized (state) {
            retried = state.retry(entry);
        }
        pump();
        return retried;
    }

    void allowedFailures(int n) {
        synchronized (state) {
            state.allowedFailures(n);
        }
    }

    // ------------------------------------------------------------------ submitting

    /**
     * Adds tasks (in an order where each comes after what it reads) and holds the entries of
     * {@code held}; new tasks run again {@code retries} times if they throw; the held values are
     * kept with {@code replicas} copies.
     */
    List<KeyEntry> submit(List<Task> tasks, Collection<Key> held, int retries, int replicas) {
        return submit(tasks, held, new TaskOptions(retries, 0, null, false, null), replicas);
    }

    /** {@link #submit(List, Collection, int, int)} with all the options of a call. */
    List<KeyEntry> submit(List<Task> tasks, Collection<Key> held, TaskOptions options, int replicas) {
        requireOpen();
        // The classes the tasks carry are registered with the cluster now (GridBackend.introduce),
        // counted as a send: a registration a node's death left waiting is freed as a send's is.
        List<Task> checked = countedAsSend(() -> {
            List<Task> out = tasks;
            for (int i = 0; i < tasks.size(); i++) {
                Task t = tasks.get(i);
                if (t.function() instanceof FutureValue<?> future) {
                    future.requireUsableBy(this);
                } else {
                    Task c = Serialization.check(t);
                    if (c != t) {
                        out = out == tasks ? new ArrayList<>(tasks) : out;
                        out.set(i, c);
                    }
                    Serialization.samples(c, backend::introduce);
                }
            }
            return out;
        });
        if (replicas > 0) {
            ensureDataCache(replicas);
        }
        List<KeyEntry> out = new ArrayList<>(held.size());
        synchronized (state) {
            List<KeyEntry> added = new ArrayList<>(checked.size());
            for (Task t : checked) {
                added.add(state.addTask(t, options));
            }
            // A map holds its tasks' keys in the order it added them: no lookup needed then.
            boolean inOrder = held.size() == checked.size();
            int i = 0;
            for (Key k : held) {
                KeyEntry e = inOrder && added.get(i).key.equals(k) ? added.get(i) : state.get(k);
                i++;
                state.replicas(e, replicas);
                state.hold(e);
                out.add(e);
            }
        }
        pump();
        return out;
    }

    /** Creates the data cache for values with {@code replicas} copies, once per client. */
    void ensureDataCache(int replicas) {
        KindlingGrid.dataCacheName(replicas);
        if (replicas > 0 && !createdCaches.contains(replicas)) {
            backend.createDataCache(replicas);
            createdCaches.add(replicas);
        }
    }

    /** Carries out what the state asks for: batches to send, futures to complete, data to delete, tasks to stop. */
    void pump() {
        List<Batch> batches;
        List<ClientState.Completion> completed;
        boolean delete;
        List<ClientState.CancelOrder> cancels;
        List<KeyEntry> lookups;
        boolean records;
        synchronized (state) {
            lookups = state.drainLookups();
            batches = closed ? List.of() : takeBatches();
            completed = state.drainCompleted();
            delete = state.hasCleanup();
            cancels = state.drainCancels();
            records = state.hasRegistryChanges();
        }
        if (!lookups.isEmpty()) {
            sharing.lookUp(lookups);
        }
        for (Batch b : batches) {
            send(b);
        }
        if (records && !completed.isEmpty() && !closed && !forTasks) {
            // Another client may look these keys up as soon as this one has their results: the
            // records of results and errors are written first (on the event thread, which writes
            // records in order); a cancel is seen at once. Not for a node's client: its tasks
            // wait on these futures, and the node's stop on them.
            List<ClientState.Completion> now = new ArrayList<>();
            for (ClientState.Completion c : completed) {
                KeyEntry.State st = c.resolution().state();
                (st == KeyEntry.State.MEMORY || st == KeyEntry.State.ERRED ? heldCompletions : now).add(c);
            }
            completed = now;
            flushRecordsThen(this::completeHeld, this::completeHeld);
        }
        carryOut(completed, delete, cancels);
        if (records && !closed && registryScheduled.compareAndSet(false, true)) {
            try {
                events.schedule(() -> {
                    registryScheduled.set(false);
                    deleteQueued();
                }, REGISTRY_MILLIS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                registryScheduled.set(false);
            }
        }
    }

    /**
     * How long records for the shared key table gather before they are written together (a task
     * that finishes within it has its finished record written, not its started one too).
     */
    static final long REGISTRY_MILLIS = 20;

    /** Completes the futures held back for their records (also when closing, so that none is left waiting). */
    private void completeHeld() {
        ClientState.Completion c;
        while ((c = heldCompletions.poll()) != null) {
            c.done().complete(c.resolution());
        }
    }

    /** Writes the records queued so far for the shared key table on the event thread, then runs {@code then} there. */
    void flushRecordsThen(Runnable then) {
        flushRecordsThen(then, () -> { });
    }

    /** As {@link #flushRecordsThen(Runnable)}; {@code closing} runs instead, here, if the client is closing. */
    private void flushRecordsThen(Runnable then, Runnable closing) {
        try {
            events.execute(() -> {
                try {
                    deleteQueued();
                } catch (RuntimeException e) {
                    // the cluster is in trouble: the next change tries again
                }
                try {
                    then.run();
                } catch (RuntimeException e) {
                    // an acknowledgement that could not be written: the newcomer stops waiting for it in time
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            closing.run();
        }
    }

    private void carryOut(List<ClientState.Completion> completed, boolean delete,
            List<ClientState.CancelOrder> cancels) {
        for (ClientState.Completion c : completed) {
            c.done().complete(c.resolution());
        }
        if (delete && !closed) {
            deleteSoon();
        }
        for (ClientState.CancelOrder c : cancels) {
            if (!closed) {
                stop(c);
            }
        }
    }

    /** Held while queued deletions are taken from the state and started. */
    private final Object deleting = new Object();

    /**
     * Has the state's cleanup done soon: the event thread takes the data to delete that has queued
     * up in the state and deletes it in calls of up to {@value #DELETE_CHUNK} keys, so that
     * releasing a million futures one by one costs a hundred cache calls, not a million, and drops
     * the forgotten entries from the state's key table in chunks of as many. (Storage names are
     * never reused, so a late delete cannot remove a value computed again.)
     */
    private void deleteSoon() {
        lastDeletionQueued = System.nanoTime();
        if (deleteScheduled.compareAndSet(false, true)) {
            firstDeletionQueued = lastDeletionQueued;
            try {
                events.schedule(this::flushDeletions, DELETE_QUIET_MILLIS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                deleteScheduled.set(false);
            }
        }
    }

    /**
     * Deletes what has queued up, once deletions have paused for {@value #DELETE_QUIET_MILLIS} ms
     * (or have waited {@value #DELETE_MAX_MILLIS} ms): a burst of releases returns at once and its
     * data goes in a few large calls after it.
     */
    private void flushDeletions() {
        long now = System.nanoTime();
        if (now - lastDeletionQueued < TimeUnit.MILLISECONDS.toNanos(DELETE_QUIET_MILLIS)
                && now - firstDeletionQueued < TimeUnit.MILLISECONDS.toNanos(DELETE_MAX_MILLIS) && !closed) {
            try {
                events.schedule(this::flushDeletions, DELETE_QUIET_MILLIS, TimeUnit.MILLISECONDS);
                return;
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // flush now
            }
        }
        deleteScheduled.set(false);
        deleteQueued();
    }

    /**
     * Starts deleting what the state has queued (with the lock, so that {@link #freeReleasedMemory}
     * sees it started), then purges its forgotten entries, a chunk per hold of the state lock.
     */
    private void deleteQueued() {
        synchronized (deleting) {
            List<Location> all;
            ClientState.RegistryChanges changes;
            synchronized (state) {
                all = state.drainDeletions();
                changes = state.drainRegistryChanges(clientId);
            }
            List<Location> claimed = new ArrayList<>();
            try {
                // Records go before the data they point to (see KeySharing).
                if (sharing.apply(changes)) {
                    all = datasets.unlisted(all, claimed);
                }
                all = datasets.privateOnly(all, claimed);
            } catch (RuntimeException e) {
                // Another client may take this data yet: it stays until the table can be reached.
                synchronized (state) {
                    state.undrain(changes.removed(), all);
                }
                retryDeletionsLater();
                return;
            }
            if (!claimed.isEmpty()) {
                releaseClaimsSoon(claimed);
            }
            for (int i = 0; i < all.size(); i += DELETE_CHUNK) {
                backend.removeAllAsync(all.subList(i, Math.min(all.size(), i + DELETE_CHUNK)));
            }
        }
        boolean more = true;
        while (more) {
            synchronized (state) {
                more = state.purgeForgotten(DELETE_CHUNK);
            }
        }
    }

    /** Deletions that had to wait for the shared tables are tried again after {@value #RETRY_DELETIONS_MILLIS} ms. */
    private void retryDeletionsLater() {
        try {
            events.schedule(this::deleteQueued, RETRY_DELETIONS_MILLIS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // closing deletes what is left, or leaves it to the reaper
        }
    }

    static final long RETRY_DELETIONS_MILLIS = 1000;

    /** Gives up this client's hold on shared values off the scheduling thread (each is a few cache calls). */
    private void releaseClaimsSoon(List<Location> claimed) {
        Runnable release = () -> {
            try {
                datasets.releaseClaims(claimed, CONTROL_TIMEOUT_MILLIS);
            } catch (RuntimeException e) {
                // the cluster cannot be reached: the servers' reaper takes this client's holds off once its lease is gone
            }
        };
        try {
            background.execute(release);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            release.run();
        }
    }

    /**
     * Deletes at once what releases have queued, and waits at most {@code timeoutMillis} for the
     * deletions under way: for a store that found the memory full.
     */
    void freeReleasedMemory(long timeoutMillis) {
        deleteQueued();
        backend.awaitRemovals(timeoutMillis);
    }

    /**
     * The state's batches. When the topology cannot be read, the tasks stay ready and a topology
     * check decides: it finds the cluster gone (then every unfinished task is cancelled with the
     * reason, as the client promises) or back (then they are sent). Erring them here made a task
     * submitted just after the cluster died fail with a task error instead. Once the cluster is
     * known to be gone, new work is cancelled at once, with the same reason.
     */
    private List<Batch> takeBatches() {
        try {
            return state.takeBatches(maxBatch);
        } catch (RuntimeException e) {
            if (gone) {
                state.clusterGone(goneCause);
            } else if (e instanceof ClusterUnavailableException || GridErrors.nodeTrouble(e)) {
                recoverSoon();
            } else {
                state.failReady(GridErrors.unavailable("place tasks on the cluster's nodes", e));
            }
            return List.of();
        }
    }

    /**
     * Runs {@code call} as a send: {@link #freeStuckSends} interrupts it if it waits in a class
     * registration too long, and that interrupt, which was ours, is cleared after.
     */
    private <T> T countedAsSend(java.util.function.Supplier<T> call) {
        Thread self = Thread.currentThread();
        sending.put(self, System.nanoTime());
        try {
            return call.get();
        } finally {
            sending.remove(self);
            if (freed.remove(self)) {
                Thread.interrupted();   // the interrupt was ours, to free the send, not the thread's owner's
            }
        }
    }

    private void send(Batch batch) {
        CompletableFuture<List<Outcome>> f = null;
        RuntimeException failure = null;
        try {
            f = countedAsSend(() -> backend.run(batch.node, new GridBatch(clientId, clientNode, batch.id, batch.specs)));
        } catch (RuntimeException e) {
            failure = e;
        }
        if (failure != null) {
            onBatch(batch, null, failure);
            return;
        }
        f.whenComplete((outcomes, error) -> onBatch(batch, outcomes, unwrap(error)));
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
    }

    private void onBatch(Batch batch, List<Outcome> outcomes, Throwable error) {
        if (outcomes != null) {
            TaskStream.observe(outcomes, taskStreams);
        }
        boolean check = false;
        synchronized (state) {
            if (outcomes != null) {
                Map<Key, Outcome> byKey = new HashMap<>(outcomes.size() * 2);
                for (Outcome o : outcomes) {
                    byKey.put(o.key(), o);
                }
                state.batchFinished(batch, byKey);
            } else if (GridErrors.nodeTrouble(error) && !closed) {
                state.batchOrphaned(batch, GridErrors.explain(error, batch), System.nanoTime());
                check = true;
            } else {
                state.batchFailed(batch, GridErrors.explain(error, batch));
            }
        }
        if (check) {
            recoverSoon();
        }
        pump();
    }

    /** Asks the node of a batch to stop cancelled tasks; a batch it detaches comes back through the report. */
    private void stop(ClientState.CancelOrder order) {
        CompletableFuture<CancelReport> f;
        try {
            f = backend.cancel(order.batch().node, clientId, order.batch().id, order.keys());
        } catch (RuntimeException e) {
            return;
        }
        f.whenComplete((report, error) -> {
            if (report != null && report.detached()) {
                synchronized (state) {
                    state.batchDetached(order.batch(), report);
                }
                pump();
            }
        });
    }

    // ------------------------------------------------------------------ failures

    private void watch() {
        sharing.refresh();
        try {
            recover();
        } catch (RuntimeException e) {
            // the next round tries again
        }
    }

    /**
     * A send takes milliseconds; one still going after {@value #STUCK_SEND_MILLIS} ms is waiting in
     * Ignite's cluster-wide registration of a class name, which can wait without end when a node
     * died during it. Such waits are interrupted: the batch is sent again after a topology check.
     */
    private void freeStuckSends() {
        if (!(backend instanceof ThickBackend)) {
            return;
        }
        long now = System.nanoTime();
        boolean stuck = false;
        for (Map.Entry<Thread, Long> s : sending.entrySet()) {
            if (now - s.getValue() > TimeUnit.MILLISECONDS.toNanos(STUCK_SEND_MILLIS)) {
                stuck = true;
                // The sending thread is not one of Ignite's (the watch thread, a user's thread).
                if (io.kindling.grid.internal.NodeStop.inRegistration(s.getKey())) {
                    freed.add(s.getKey());
                    s.getKey().interrupt();
                }
            }
        }
        if (stuck) {
            io.kindling.grid.internal.NodeStop.interruptStuckRegistrations(backend.name());
        }
    }

    /** Sending threads interrupted by {@link #freeStuckSends}: their interrupt is cleared when the send returns. */
    private final Set<Thread> freed = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private void recoverSoon() {
        try {
            watcher.execute(this::watch);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the client is closing
        }
    }

    /**
     * Reads the topology and hands the state what changed: nodes that left and the values lost
     * with them, orphaned batches whose node is still there, or a cluster that went away. Called
     * by the watch thread, and by user threads that need an up-to-date view (whoHas).
     */
    void recover() {
        if (closed) {
            return;
        }
        synchronized (recovery) {
            TopologySnapshot now;
            try {
                now = backend.refresh();
                unreachableSince = -1;
            } catch (ClusterUnavailableException e) {
                long t = System.nanoTime();
                if (unreachableSince < 0) {
                    unreachableSince = t;
                }
                if (GridErrors.clusterGone(e) || t - unreachableSince > TimeUnit.MILLISECONDS.toNanos(UNREACHABLE_MILLIS)) {
                    clusterGone("the cluster cannot be reached (" + e.getMessage() + ")", e);
                }
                return;
            }
            List<String> nodes = now.nodes();
            if (nodes.isEmpty()) {
                clusterGone("no server node is left (the last ones were " + String.join(", ", knownNodes) + ")", null);
                return;
            }
            gone = false;
            List<String> left = new ArrayList<>();
            for (String n : knownNodes) {
                if (!nodes.contains(n)) {
                    left.add(n);
                }
            }
            List<KeyEntry> candidates;
            List<Batch> orphans;
            Map<KeyEntry, Location> seen = new HashMap<>();
            synchronized (state) {
                candidates = left.isEmpty() ? List.of() : state.inMemoryOn(left, knownOwners);
                for (KeyEntry e : candidates) {
                    seen.put(e, Location.of(e));
                }
                orphans = state.orphans();
            }
            // A value without replicas lived on its partition's owner: lost if that owner left. One
            // with replicas may have a copy left: the grid is asked (one lookup per value).
            List<KeyEntry> lost = new ArrayList<>();
            Map<KeyEntry, Location> ask = new LinkedHashMap<>();
            for (KeyEntry e : candidates) {
                if (e.replicas == 0) {
                    String owner = knownOwners != null && e.partition >= 0 && e.partition < knownOwners.length
                            && knownOwners[e.partition] != null ? knownOwners[e.partition] : e.node;
                    if (left.contains(owner)) {
                        lost.add(e);
                    }
                } else {
                    ask.put(e, seen.get(e));
                }
            }
            Set<Location> present = ask.isEmpty() ? Set.of()
                    : backend.present(new HashSet<>(ask.values()), CONTROL_TIMEOUT_MILLIS);
            synchronized (state) {
                if (!left.isEmpty()) {
                    ask.forEach((e, l) -> {
                        if (!present.contains(l)) {
                            lost.add(e);
                        }
                    });
                    lost.removeIf(e -> e.state != KeyEntry.State.MEMORY || !seen.get(e).equals(Location.of(e)));
                    state.nodesLeft(left, lost);
                }
                long t = System.nanoTime();
                for (Batch b : orphans) {
                    if (nodes.contains(b.node) && t - b.orphanedNanos > TimeUnit.MILLISECONDS.toNanos(ORPHAN_MILLIS)) {
                        state.batchRetry(b, b.failure);
                    }
                }
            }
            knownNodes = nodes;
            knownOwners = now.owners();
        }
        pump();
    }

    private void clusterGone(String why, Throwable cause) {
        if (gone) {
            return;
        }
        ClusterUnavailableException e = new ClusterUnavailableException("the cluster went away: " + why + ". "
                + "Unfinished work is cancelled and values only the cluster held are lost; start servers and "
                + "connect a new client", cause);
        goneCause = e;
        gone = true;
        synchronized (state) {
            state.clusterGone(e);
        }
        pump();
    }

    /** A reader found the value of {@code entry}, stored under {@code storage}, missing: it is computed again, or lost. */
    void dataMissing(KeyEntry entry, String storage) {
        synchronized (state) {
            state.dataMissing(entry, storage);
        }
        pump();
    }

    // ------------------------------------------------------------------ data

    /** Stands for a value that was missing from the grid when read (see {@link #values}). */
    static final Object MISSING = new Object();

    /**
     * The values of computations that finished ({@code done[i]} of {@code entries[i]}), fetching
     * from the grid, in one call per data cache, those not carried inline. A value missing from
     * the grid is reported ({@link #dataMissing}) and comes back as {@link #MISSING}, so that the
     * caller waits for it again.
     */
    Object[] values(List<KeyEntry> entries, List<KeyEntry.Resolution> done) {
        Object[] out = new Object[entries.size()];
        Map<Location, List<Integer>> fetch = null;
        for (int i = 0; i < out.length; i++) {
            KeyEntry.Resolution r = done.get(i);
            if (r.inline()) {
                out[i] = r.value();
            } else {
                if (fetch == null) {
                    fetch = new HashMap<>();
                }
                fetch.computeIfAbsent(new Location(r.cache(), r.storage(), r.partition()), l -> new ArrayList<>(1)).add(i);
            }
        }
        if (fetch != null) {
            requireOpen();
            Map<Location, List<Integer>> wanted = fetch;
            Map<Location, Object> got = withRecovery(() -> backend.getAll(wanted.keySet()));
            for (Map.Entry<Location, List<Integer>> f : fetch.entrySet()) {
                boolean found = got.containsKey(f.getKey());
                Object value = found ? KindlingGrid.fromStored(PackedArrays.unpack(got.get(f.getKey()))) : MISSING;
                for (int i : f.getValue()) {
                    out[i] = value;
                }
                if (!found) {
                    dataMissing(entries.get(f.getValue().get(0)), f.getKey().storage());
                }
            }
        }
        return out;
    }

    /**
     * Runs a data call, and runs it again (up to {@value #DATA_ATTEMPTS} times, after a topology
     * check and a short pause) when it fails because a node left under it: the values it needed
     * are then computed again or reported lost, and the next attempt sees that. Idempotent calls
     * only.
     */
    <T> T withRecovery(java.util.function.Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (ClusterUnavailableException e) {
                if (attempt >= DATA_ATTEMPTS || gone || closed || GridErrors.clusterGone(e)) {
                    throw e;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250L * attempt));
                recover();
            }
        }
    }

    // ------------------------------------------------------------------ closing

    /**
     * Releases every key this client holds, deletes its data and stops its threads, waiting at
     * most {@value #CLOSE_TIMEOUT_MILLIS} ms for the cluster (which may be gone or wedged). With
     * fire-and-forget work unfinished, the client closes for its user at once (its futures are
     * released, new calls refused) and goes on in the background until that work is done, then
     * closes for good ({@link #awaitLinger}).
     */
    @Override
    public void close() {
        if (closed || lingering) {
            return;
        }
        boolean linger;
        synchronized (state) {
            linger = state.pendingFireAndForget() > 0;
            lingering = linger;
        }
        if (!linger) {
            closeNow();
            return;
        }
        synchronized (state) {
            for (KeyEntry e : state.heldByFutures()) {
                for (FutureReference r : e.futureReferences()) {
                    e.removeFuture(r);
                    if (e.holds > 0) {
                        state.release(e);
                    }
                }
            }
        }
        pump();
        watcher.scheduleWithFixedDelay(() -> {
            int pending;
            synchronized (state) {
                pending = state.pendingFireAndForget();
            }
            if ((pending == 0 || gone) && finishing.compareAndSet(false, true)) {
                Thread last = daemon(this::closeNow, "kindling-client-" + number + "-close");
                last.start();
            }
        }, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Waits at most {@code millis} for the fire-and-forget work of a closed client to finish;
     * then closes it for good whether or not it did.
     */
    void awaitLinger(long millis) {
        if (lingering && !closed) {
            try {
                lingered.await(millis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeNow();
    }

    private void closeNow() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            closeCore();
        } finally {
            lingered.countDown();
        }
    }

    private void closeCore() {
        List<Location> deletions = new ArrayList<>();
        Set<Key> registered;
        List<ClientState.Completion> unfinished;
        synchronized (state) {
            for (KeyEntry e : state.inMemory()) {
                deletions.add(Location.of(e));
            }
            deletions.addAll(state.drainDeletions());
            registered = state.registeredKeys();
            unfinished = state.abandonUnfinished();
        }
        for (ClientState.Completion c : unfinished) {
            c.done().complete(c.resolution());
        }
        events.shutdownNow();
        completeHeld();
        lease.shutdownNow();
        watcher.shutdownNow();
        background.shutdownNow();
        sharing.close();
        callbacks.shutdown();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_TIMEOUT_MILLIS);
        Thread cleanup = daemon(() -> {
            if (!gone) {
                try {
                    // If the records cannot be removed, the data stays until the lease's end: the reaper deletes it.
                    boolean marked = sharing.removeAll(registered);
                    List<Location> claimed = new ArrayList<>();
                    List<Location> own = marked ? datasets.unlisted(deletions, claimed) : deletions;
                    own = datasets.privateOnly(own, claimed);
                    if (!own.isEmpty()) {
                        backend.removeAll(own, CLOSE_TIMEOUT_MILLIS);
                    }
                    if (!claimed.isEmpty()) {
                        datasets.releaseClaims(claimed, CLOSE_TIMEOUT_MILLIS);
                    }
                } catch (RuntimeException e) {
                    // the cluster is gone: its data went with it
                }
                try {
                    sharing.list(false);
                    backend.publishPending(clientId, Map.of());
                    backend.dropLease(clientId);
                } catch (RuntimeException e) {
                    // the cluster is gone: the lease goes with it (or runs out)
                }
            }
            backend.close();
        }, "kindling-client-" + number + "-close");
        cleanup.start();
        awaitThread(cleanup, deadline);
        awaitTermination(events, deadline);
        awaitTermination(lease, deadline);
        awaitTermination(watcher, deadline);
        awaitTermination(background, deadline);
        sharing.awaitClosed(deadline);
        awaitTermination(callbacks, deadline);
    }

    private static void awaitThread(Thread t, long deadlineNanos) {
        try {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
            if (t.isAlive()) {
                t.interrupt();
                t.join(500);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitTermination(ExecutorService pool, long deadlineNanos) {
        try {
            if (!pool.awaitTermination(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    boolean closed() {
        return closed;
    }

    // ------------------------------------------------------------------ submission (Client and Submitter)

    /** Submits the tasks of {@code graph} in dependency order and returns futures of {@code keys}. */
    <T> List<Future<T>> submitGraph(Graph graph, List<Key> keys, TaskOptions options, int replicas) {
        List<Task> tasks = new ArrayList<>(graph.size());
        for (int i : graph.topologicalIndexes()) {
            tasks.add(graph.taskAt(i));
        }
        return submitTasks(tasks, keys, options, replicas);
    }

    /** Submits {@code tasks} (inputs first) and returns futures of the {@code held} keys. */
    <R> List<Future<R>> submitTasks(List<Task> tasks, List<Key> held, TaskOptions options, int replicas) {
        List<KeyEntry> entries = submit(tasks, held, options, replicas);
        List<Future<R>> futures = new ArrayList<>(entries.size());
        for (KeyEntry e : entries) {
            futures.add(future(e));
        }
        return futures;
    }

    /** Refuses a future of another client, or one released. */
    void requireOwn(Future<?> future) {
        if (future == null) {
            throw new NullPointerException("a future is null: pass futures that this client returned");
        }
        if (future.client() != this) {
            throw new IllegalArgumentException("the future of '" + future.key() + "' belongs to another client");
        }
        if (future.released()) {
            throw new IllegalArgumentException("the future of '" + future.key() + "' was released; its data may be gone");
        }
    }
}
