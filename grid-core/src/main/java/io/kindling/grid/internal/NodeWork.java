package io.kindling.grid.internal;

import io.kindling.grid.NodeConfig;

import io.kindling.graph.Key;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteState;
import org.apache.ignite.Ignition;
import org.apache.ignite.cache.CacheEntry;
import org.apache.ignite.cache.affinity.AffinityKey;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The Kindling work of one server node: how many batches it runs at once, which batches it runs
 * for which client, and the controls over them.
 *
 * <p>Slots. A fair semaphore with one permit per task thread of the node. Every batch takes one
 * while it runs, whether it came as a thick client's compute job (Ignite's public pool) or a thin
 * client's service call (the client-connector pool), so a node never runs more tasks at once than
 * it has task threads. Batches wait for a permit in arrival order, which is the pipeline the
 * clients fill (two batches per thread); the nodes' public pools are sized above the slots
 * ({@link NodeConfig#publicPoolSize}) so that waiting batches and stuck threads do not starve it.
 *
 * <p>Cancel. {@link #cancel} interrupts a task that runs and makes the batch skip one that has not
 * started (also when the cancel arrives before its batch, which it may overtake). A task that is still running {@link #graceMillis()} after its interrupt is stuck: its
 * batch is detached, meaning its slot is given back (another batch runs), its finished results are
 * written to the grid and reported with the cancel's answer, its tasks not started are handed back
 * to the client, and whatever the stuck thread does later is dropped. The dashboard lists stuck
 * threads ({@link #stuck()}).
 *
 * <p>Dead clients. While the node runs batches, a watcher thread checks every
 * {@value #WATCH_MILLIS} ms that their clients live: a client while it renews its lease (checked
 * every {@value #LEASE_CHECK_MILLIS} ms; clients renew every second, and one silent for
 * {@link Leases#silenceMillis()}, 3 s by default, counts as dead), and a thick client also while
 * its Ignite node is in the topology (Ignite drops a killed client node only after its client
 * failure detection timeout, 30 s by default, so the lease tells first). The work of a dead client
 * is stopped as if every task of it were cancelled; what it would have run is reported as skipped,
 * so that a client taken for dead by mistake (a long pause) sends it again. The watcher ends
 * when the node has run no batch for {@value #IDLE_MILLIS} ms, or stops; the next batch starts it
 * again.
 *
 * <p>Concurrency. The registry is a concurrent map; each running batch has its own lock, taken
 * briefly by its thread between tasks and by whoever cancels or detaches it. One instance per
 * Ignite instance ({@link #of}).
 *
 * <p>Why one file of this size: the task slots, their stuck-thread handling and the cancels that
 * free them share one lock and one set of counts.
 */
public final class NodeWork {
    static final long WATCH_MILLIS = 200;
    static final long LEASE_CHECK_MILLIS = 1000;
    static final long IDLE_MILLIS = 5000;
    private static final PerNode<NodeWork> NODES = new PerNode<>(NodeWork::new);

    private final Ignite ignite;
    private final String node;
    private final int threads;
    private final TaskSlots slots;
    /** The batch this thread runs, while it runs it. */
    private static final ThreadLocal<Running> CURRENT = new ThreadLocal<>();
    /** Per declared resource, permits in thousandths of a unit. */
    private final Map<String, Semaphore> resources = new HashMap<>();
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final Map<Thread, StuckTask> stuck = new ConcurrentHashMap<>();
    /** Cancels that arrived before their batch (the cancel overtook it): batch id to keys and arrival time. */
    private final Map<String, EarlyCancel> early = new HashMap<>();
    private Thread watcher;
    private long lastLeaseCheck;
    /** Guarded by the watcher thread: the lease version last seen per client, and since when. */
    private final Map<String, Renewal> renewals = new HashMap<>();

    private record Renewal(Object version, long nanos) {
    }

    private record EarlyCancel(Set<Key> keys, long nanos) {
    }

    /** A thread that went on running a cancelled task past the grace period. */
    public record StuckTask(String thread, Key key, long sinceMillis) {
    }

    private NodeWork(Ignite ignite) {
        this.ignite = ignite;
        this.node = String.valueOf(ignite.cluster().localNode().consistentId());
        Object attribute = ignite.cluster().localNode().attribute(NodeAttributes.THREADS);
        int t = attribute != null ? Integer.parseInt(attribute.toString())
                : ignite.configuration().getPublicThreadPoolSize();
        this.threads = Math.max(1, t);
        this.slots = new TaskSlots(threads);
        Resources.of(ignite.cluster().localNode()).forEach((name, amount) ->
                resources.put(name, new Semaphore((int) Math.min(Integer.MAX_VALUE, Math.round(amount * 1000)), true)));
    }

    /**
     * Takes {@code need} of this node's resources for one task of batch {@code r}, in order of
     * name (so that two tasks cannot wait on each other); waits while they are in use, and gives up
     * (returning false, holding nothing) if the batch is stopped meanwhile.
     *
     * @throws IllegalStateException naming the resource if this node does not declare enough of it
     */
    boolean acquire(Map<String, Double> need, Running r) throws InterruptedException {
        List<Map.Entry<Semaphore, Integer>> held = new ArrayList<>();
        try {
            for (Map.Entry<String, Double> e : new java.util.TreeMap<>(need).entrySet()) {
                Semaphore s = resources.get(e.getKey());
                int permits = (int) Math.round(e.getValue() * 1000);
                if (s == null || permits > Resources.of(ignite.cluster().localNode()).getOrDefault(e.getKey(), 0.0) * 1000) {
                    throw new IllegalStateException("node " + node + " does not declare " + e.getValue() + " of resource '"
                            + e.getKey() + "' (it declares " + Resources.of(ignite.cluster().localNode())
                            + "): start it with -Dkindling.resources=" + e.getKey() + "=" + e.getValue());
                }
                while (!s.tryAcquire(permits, WATCH_MILLIS, TimeUnit.MILLISECONDS)) {
                    if (r.stopped()) {
                        return false;
                    }
                }
                held.add(Map.entry(s, permits));
            }
            List<Map.Entry<Semaphore, Integer>> kept = held;
            held = List.of();
            r.heldResources = kept;
            return true;
        } finally {
            for (Map.Entry<Semaphore, Integer> h : held) {
                h.getKey().release(h.getValue());
            }
        }
    }

    /** Gives back what {@link #acquire} took for the task of {@code r} that ran. */
    void releaseResources(Running r) {
        List<Map.Entry<Semaphore, Integer>> held = r.heldResources;
        r.heldResources = null;
        if (held != null) {
            for (Map.Entry<Semaphore, Integer> h : held) {
                h.getKey().release(h.getValue());
            }
        }
    }

    /** The work of the node {@code ignite} (made on first use). */
    public static NodeWork of(Ignite ignite) {
        return NODES.of(ignite);
    }

    /** How long a cancelled task may go on before it counts as stuck: {@code kindling.cancel.grace.millis}, 1 s by default. */
    public static long graceMillis() {
        return Long.getLong("kindling.cancel.grace.millis", 1000);
    }

    Ignite ignite() {
        return ignite;
    }

    /** Task threads of this node: how many batches run at once. */
    public int threads() {
        return threads;
    }

    /** Threads running a task that was cancelled and did not stop. */
    public List<StuckTask> stuck() {
        return new ArrayList<>(stuck.values());
    }

    // ------------------------------------------------------------------ a batch's life, on its own thread

    /**
     * Registers a batch and waits for a slot; returns null if the batch was cancelled or its client
     * died while it waited (every task is then skipped).
     */
    Running start(GridBatch batch) {
        Running r = new Running(batch, Thread.currentThread());
        synchronized (early) {
            running.put(r.id, r);
            EarlyCancel cancelled = early.remove(r.id);
            if (cancelled != null) {
                r.cancelled.addAll(cancelled.keys());
            }
        }
        ensureWatcher();
        try {
            while (!slots.tryAcquire(WATCH_MILLIS)) {
                if (r.stopped()) {
                    running.remove(r.id, r);
                    return null;
                }
            }
        } catch (InterruptedException e) {
            running.remove(r.id, r);
            Thread.currentThread().interrupt();
            return null;
        }
        synchronized (r) {
            r.holdsSlot = true;
            if (r.stopped()) {
                finish(r);
                return null;
            }
        }
        r.work = this;
        CURRENT.set(r);
        return r;
    }

    /** The batch the calling thread runs now, or null if it runs none. */
    static Running current() {
        return CURRENT.get();
    }

    /**
     * The task of {@code r} (on its own thread) is about to wait on other tasks: gives its slot
     * to the next batch and adds a thread to the pool that batches arrive on, so that the tasks
     * it waits for can run even when every thread of the node waits. Returns false (nothing
     * given up) if the batch holds no slot now.
     */
    boolean secede(Running r) {
        synchronized (r) {
            if (!r.holdsSlot || r.finished) {
                return false;
            }
            r.holdsSlot = false;
        }
        slots.release();
        TaskPools.grow(ignite, 1);
        return true;
    }

    /** The wait that {@link #secede} began is over: takes the pool's thread back and a slot again, ahead of waiting batches. */
    void rejoin(Running r) {
        TaskPools.grow(ignite, -1);
        boolean got = slots.rejoin(r::stopped, WATCH_MILLIS);
        if (got) {
            synchronized (r) {
                if (r.finished || r.detached) {
                    slots.release();
                } else {
                    r.holdsSlot = true;
                }
            }
        }
    }

    /** The batch's thread is done with it: gives back its slot and forgets it. */
    void finish(Running r) {
        synchronized (r) {
            if (r.holdsSlot) {
                r.holdsSlot = false;
                slots.release();
            }
            r.finished = true;
        }
        if (CURRENT.get() == r) {
            CURRENT.remove();
        }
        running.remove(r.id, r);
        stuck.remove(r.thread);
    }

    // ------------------------------------------------------------------ controls

    /**
     * Cancels {@code keys} of batch {@code batchId} of {@code client}: interrupts those running,
     * skips those not started. Waits up to the grace period for an interrupted task to stop;
     * if it does not, detaches its batch (see the class comment) and says so.
     */
    public CancelReport cancel(String client, long batchId, Collection<Key> keys) {
        String id = Running.id(client, batchId);
        Running r;
        synchronized (early) {
            r = running.get(id);
            if (r == null) {
                long now = System.nanoTime();
                early.values().removeIf(c -> now - c.nanos() > TimeUnit.MINUTES.toNanos(1));
                early.computeIfAbsent(id, i -> new EarlyCancel(new HashSet<>(), now)).keys().addAll(keys);
                return CancelReport.notDetached();
            }
        }
        Set<Key> wanted = new HashSet<>(keys);
        synchronized (r) {
            r.cancelled.addAll(wanted);
            if (r.current < 0 || !wanted.contains(r.batch.tasks().get(r.current).key())) {
                return CancelReport.notDetached();
            }
            r.thread.interrupt();
        }
        Key key = null;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis());
        while (System.nanoTime() < deadline) {
            synchronized (r) {
                if (r.finished || r.current < 0 || !wanted.contains(r.batch.tasks().get(r.current).key())) {
                    return CancelReport.notDetached();
                }
                key = r.batch.tasks().get(r.current).key();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return detach(r, key);
    }

    /**
     * Gives a stuck batch's slot back and hands its work back: its finished results are written to
     * the grid and returned with the keys of the tasks not started; the stuck thread's later work
     * is dropped.
     */
    private CancelReport detach(Running r, Key stuckKey) {
        List<Outcome> finished;
        List<Key> notStarted = new ArrayList<>();
        Map<String, Map<AffinityKey<String>, Object>> results;
        synchronized (r) {
            if (r.finished || r.detached || r.flushing) {
                return CancelReport.notDetached();
            }
            r.detached = true;
            if (r.holdsSlot) {
                r.holdsSlot = false;
                slots.release();
            }
            finished = new ArrayList<>(r.outcomes);
            for (int i = r.current + 1; i < r.batch.tasks().size(); i++) {
                notStarted.add(r.batch.tasks().get(i).key());
            }
            results = r.results;
            r.results = new HashMap<>();
        }
        stuck.put(r.thread, new StuckTask(r.thread.getName(), stuckKey, System.currentTimeMillis()));
        Map<AffinityKey<String>, RuntimeException> unstored = RunTasks.store(ignite, results);
        if (!unstored.isEmpty()) {
            RunTasks.unstorable(ignite, finished, r.batch.tasks(), unstored);
        }
        return CancelReport.detached(finished, notStarted);
    }

    /** Starts the watcher of dead clients if it is not running. */
    private synchronized void ensureWatcher() {
        if (watcher != null && watcher.isAlive()) {
            return;
        }
        watcher = new Thread(this::watch, "kindling-work-" + (ignite.name() == null ? "" : ignite.name()));
        watcher.setDaemon(true);
        watcher.start();
    }

    private void watch() {
        long idleSince = System.nanoTime();
        String name = ignite.name();
        while (Ignition.state(name) == IgniteState.STARTED) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(WATCH_MILLIS));
            if (running.isEmpty()) {
                synchronized (this) {
                    if (running.isEmpty() && System.nanoTime() - idleSince > TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS)) {
                        watcher = null;
                        return;
                    }
                }
                continue;
            }
            idleSince = System.nanoTime();
            try {
                stopWorkOfDeadClients();
            } catch (RuntimeException e) {
                // the node is stopping, or the topology is changing: look again next round
            }
        }
    }

    private void stopWorkOfDeadClients() {
        boolean checkLeases = System.currentTimeMillis() - lastLeaseCheck >= LEASE_CHECK_MILLIS;
        Map<String, Boolean> alive = new HashMap<>();
        long now = System.nanoTime();
        for (Running r : running.values()) {
            GridBatch b = r.batch;
            Boolean live = alive.get(b.client());
            if (live == null) {
                live = (b.clientNode() == null || ignite.cluster().node(b.clientNode()) != null)
                        && (!checkLeases || leaseRenewed(b.client(), now));
                alive.put(b.client(), live);
            }
            if (!live) {
                abandon(r);
            }
        }
        if (checkLeases) {
            lastLeaseCheck = System.currentTimeMillis();
            renewals.keySet().retainAll(alive.keySet());
        }
    }

    /**
     * Whether the client's lease exists and was renewed within the silence allowed
     * ({@link Leases#silenceMillis}): each renewal changes the entry's version, and this node's
     * clock times how long a version lasts, so clients' clocks do not matter.
     */
    private boolean leaseRenewed(String client, long now) {
        CacheEntry<String, Boolean> lease = KindlingGrid.leaseCache(ignite).getEntry(client);
        if (lease == null) {
            return false;
        }
        Renewal seen = renewals.get(client);
        if (seen == null || !seen.version().equals(lease.version())) {
            renewals.put(client, new Renewal(lease.version(), now));
            return true;
        }
        return now - seen.nanos() <= TimeUnit.MILLISECONDS.toNanos(Leases.silenceMillis());
    }

    /** The batch's client is gone: stop the task it runs, run no other; a task that goes on past the grace is stuck. */
    private void abandon(Running r) {
        Key key;
        synchronized (r) {
            if (r.finished || r.detached) {
                return;
            }
            if (!r.abandoned) {
                r.abandoned = true;
                r.abandonedAt = System.nanoTime();
                if (r.current >= 0) {
                    r.thread.interrupt();
                }
                return;
            }
            if (r.current < 0 || System.nanoTime() - r.abandonedAt < TimeUnit.MILLISECONDS.toNanos(graceMillis())) {
                return;
            }
            key = r.batch.tasks().get(r.current).key();
        }
        detach(r, key);
    }

    /**
     * One batch being run: its thread, the task it runs now, what it produced so far, and what the
     * controls asked of it. Its lock guards every field but the final ones.
     */
    static final class Running {
        final GridBatch batch;
        final String id;
        final Thread thread;
        final Set<Key> cancelled = new HashSet<>();
        final List<Outcome> outcomes = new ArrayList<>();
        /** Results not yet written: cache name to (cache key to value). */
        Map<String, Map<AffinityKey<String>, Object>> results = new LinkedHashMap<>();
        /** The estimated size of {@link #results}. */
        long unwrittenBytes;
        int current = -1;
        boolean holdsSlot;
        /** The node's work, once the batch has its slot. */
        NodeWork work;
        /** Resources its current task holds, or null (only its own thread touches this). */
        List<Map.Entry<Semaphore, Integer>> heldResources;
        boolean abandoned;
        long abandonedAt;
        boolean detached;
        boolean flushing;
        boolean finished;

        Running(GridBatch batch, Thread thread) {
            this.batch = batch;
            this.id = id(batch.client(), batch.id());
            this.thread = thread;
        }

        static String id(String client, long batchId) {
            return client + "/" + batchId;
        }

        synchronized boolean stopped() {
            return abandoned || detached || (!batch.tasks().isEmpty() && cancelled.size() >= batch.tasks().size()
                    && allCancelled());
        }

        private boolean allCancelled() {
            for (TaskSpec s : batch.tasks()) {
                if (!cancelled.contains(s.key())) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Before task {@code i}: true to run it; false to skip it (cancelled: recorded as skipped).
         * Returns null when the batch stops here (detached, or its client is gone).
         */
        synchronized Boolean begin(int i, String node) {
            if (detached || abandoned) {
                return null;
            }
            Key key = batch.tasks().get(i).key();
            if (cancelled.contains(key)) {
                outcomes.add(Outcome.skipped(key, node));
                return Boolean.FALSE;
            }
            current = i;
            return Boolean.TRUE;
        }

        /**
         * After task {@code i}: records its outcome (and result, under its cache and cache key);
         * false when the batch stops here: detached meanwhile (the outcome is dropped), or its
         * client taken for dead (a failure, such as the interrupt, is recorded as skipped).
         */
        synchronized boolean end(Outcome outcome, String cache, AffinityKey<String> cacheKey, Object value) {
            current = -1;
            Thread.interrupted();
            if (detached) {
                return false;
            }
            if (abandoned && !outcome.ok()) {
                outcome = Outcome.skipped(outcome.key(), outcome.node());
            }
            outcomes.add(outcome);
            if (cacheKey != null) {
                results.computeIfAbsent(cache, c -> new HashMap<>()).put(cacheKey, value);
                unwrittenBytes += Math.max(0, outcome.nbytes());
            }
            return !abandoned;
        }

        /**
         * The results not yet written, handed over to be written now, once they hold {@code bytes}
         * or more; null if they hold less, or if the batch was detached or is ending.
         */
        synchronized Map<String, Map<AffinityKey<String>, Object>> takeResultsPast(long bytes) {
            if (detached || flushing || unwrittenBytes < bytes) {
                return null;
            }
            Map<String, Map<AffinityKey<String>, Object>> due = results;
            results = new LinkedHashMap<>();
            unwrittenBytes = 0;
            return due;
        }

        /** The results to write now that the batch is done, or null if it was detached. */
        synchronized Map<String, Map<AffinityKey<String>, Object>> flush() {
            if (detached) {
                return null;
            }
            flushing = true;
            return results;
        }
    }
}
