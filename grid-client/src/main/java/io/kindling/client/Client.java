package io.kindling.client;

import io.kindling.Delayed;
import io.kindling.graph.Fn0;
import io.kindling.graph.Fn1;
import io.kindling.graph.Fn2;
import io.kindling.graph.Fn3;
import io.kindling.graph.Fn4;
import io.kindling.graph.Fn5;
import io.kindling.graph.Graph;
import io.kindling.graph.Key;
import io.kindling.graph.Task;
import io.kindling.grid.dashboard.Dashboard;
import io.kindling.scheduler.Scheduler;
import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The entry point to a cluster, as Dask's {@code distributed.Client}: submit work, get futures,
 * gather results, scatter data, compute {@link Delayed} graphs. Data stays on the cluster until no
 * future needs it.
 *
 * <pre>{@code
 * try (Client client = Client.local()) {                 // an embedded local cluster
 *     Future<Integer> a = client.submit(Ops::inc, 1);
 *     Future<Integer> total = client.submit(Ops::add, a, 10);   // a's value never leaves the grid
 *     client.gather(total);                               // 12
 * }
 * }</pre>
 *
 * <p>Ways to connect: {@link #local()} starts a cluster on this machine and stops it on close;
 * {@link #join(Path)} joins a running cluster as a thick client node (from Spring XML, such as
 * {@code config/kindling-client.xml}); {@link #over(Ignite)} works over an Ignite instance the
 * application already has, and never stops it.
 *
 * <p>A new client becomes the default scheduler of {@code Delayed.compute()} until it is closed,
 * as in Dask. A client is thread-safe. Closing it releases its futures (their data is deleted),
 * cancels unfinished tasks, stops its threads, and stops what it started.
 *
 * <p>Why one file of this size: it is the public API a user reads, one short method per Dask call
 * that hands over to {@code Submitter}, {@code ClientCore}, {@code Gathering} or {@code ClusterOps}.
 */
public final class Client implements Scheduler, AutoCloseable {
    private final ClientCore core;
    private final AutoCloseable owned;
    private final Submitter submitter;
    private final Introspection introspection;
    /** The client of a node for the tasks it runs ({@link #current()}): only the node's stop closes it. */
    private final boolean ofNode;

    private Client(Ignite ignite, AutoCloseable owned) {
        this(new ThickBackend(ignite), owned, false);
    }

    private Client(GridBackend backend, AutoCloseable owned) {
        this(backend, owned, false);
    }

    private Client(GridBackend backend, AutoCloseable owned, boolean ofNode) {
        this.core = new ClientCore(backend, ofNode);
        this.owned = owned;
        this.ofNode = ofNode;
        this.submitter = new Submitter(core, true, null, TaskOptions.DEFAULT, 0);
        this.introspection = new Introspection(core);
        if (!ofNode) {
            Scheduler.setDefault(this);
        }
    }

    /** The client that tasks running on {@code node} share (made by {@link NodeClients}). */
    static Client ofNode(Ignite node) {
        return new Client(new ThickBackend(node), null, true);
    }

    /**
     * The client for code that runs now, as Dask's {@code get_client()}: inside a task, a client
     * of the node that runs it, shared by that node's tasks, with which the task can submit, map,
     * scatter, compute and gather on the same cluster. A task that waits on what it submitted
     * ({@code result()}, {@code gather}, {@code Futures.wait}, a {@code compute}) gives up its
     * task slot while it waits and takes one back after, ahead of new work, so a node whose every
     * thread waits on child tasks still runs the children: no {@code secede}/{@code rejoin} to
     * call by hand. The futures it makes are released as any others (by {@code release()}, or
     * once unreachable); its {@code close()} does nothing, since other tasks share it: the node's
     * stop closes it. Outside a task, the default client of this JVM (the newest open one).
     *
     * @throws KindlingException outside a task when no client is open in this JVM
     */
    public static Client current() {
        Ignite node = io.kindling.grid.internal.TaskThreads.node();
        if (node != null) {
            return NodeClients.of(node);
        }
        if (Scheduler.current() instanceof Client c) {
            return c;
        }
        throw new io.kindling.KindlingException("Client.current() found no client: it gives the client of the node that"
                + " runs a task, and outside a task the newest open client of this JVM, and none is open;"
                + " open one first (Client.local(), Client.join(...), Client.connect(...), Client.over(ignite))");
    }

    /** Starts a local cluster (two in-process nodes) and connects to it; closing the client stops it. */
    public static Client local() {
        return local(LocalCluster.builder());
    }

    /** Starts a local cluster with these options and connects to it; closing the client stops it. */
    public static Client local(LocalCluster.Builder options) {
        LocalCluster cluster = options.start();
        try {
            return new Client(cluster.ignite(), cluster);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** Connects to a local cluster started separately; closing the client leaves the cluster running. */
    public static Client of(LocalCluster cluster) {
        return new Client(cluster.ignite(), null);
    }

    /** Joins a running cluster as a thick client node configured by {@code configXml}; closing stops the node. */
    public static Client join(Path configXml) {
        if (!Files.isRegularFile(configXml)) {
            throw new IllegalArgumentException("no Ignite configuration at " + configXml.toAbsolutePath()
                    + ": pass a Spring XML file such as config/kindling-client.xml");
        }
        io.kindling.grid.internal.JvmFlags.require("a thick client node joining the cluster");
        Ignite ignite = Ignition.start(configXml.toString());
        if (!ignite.configuration().isClientMode()) {
            Ignition.stop(ignite.name(), true);
            throw new IllegalArgumentException(configXml + " configures a server node: use a client configuration "
                    + "(clientMode=true), such as config/kindling-client.xml");
        }
        return new Client(ignite, () -> io.kindling.grid.internal.NodeStop.stop(ignite.name(), 20_000));
    }

    /**
     * Connects to a running cluster over Ignite's thin protocol, to the servers' thin-client
     * addresses ({@code host:port}, port 10800 by default). Thin clients cannot ship code: the
     * functions they submit must be on the servers' class path.
     */
    public static Client connect(String... addresses) {
        return connect(ThinOptions.to(addresses));
    }

    /** Connects over the thin protocol with these options (addresses, credentials, TLS). */
    public static Client connect(ThinOptions options) {
        return new Client(ThinConnection.open(options), null);
    }

    /** A client over an Ignite instance the application already has; closing the client does not stop it. */
    public static Client over(Ignite ignite) {
        return new Client(ignite, null);
    }

    // ------------------------------------------------------------------ submit and map

    /** {@code submit} and {@code map} whose keys are pure (hashed, the default) or unique. */
    public Submitter pure(boolean pure) {
        return submitter.pure(pure);
    }

    /** {@code submit} with exactly this key. */
    public Submitter key(String key) {
        return submitter.key(key);
    }

    /** {@code submit}, {@code map}, {@code compute} and {@code persist} whose tasks run again up to {@code retries} times if they throw (Dask's {@code retries=}). */
    public Submitter retries(int retries) {
        return submitter.retries(retries);
    }

    /** {@code submit}, {@code map} and {@code compute} whose tasks run before lower ones; see {@link Submitter#priority}. */
    public Submitter priority(int priority) {
        return submitter.priority(priority);
    }

    /** {@code submit}, {@code map}, {@code compute} and {@code scatter} on these nodes only; see {@link Submitter#workers}. */
    public Submitter workers(String... nodes) {
        return submitter.workers(nodes);
    }

    /** {@code submit}, {@code map} and {@code compute} whose tasks need abstract resources; see {@link Submitter#resources}. */
    public Submitter resources(Map<String, ? extends Number> resources) {
        return submitter.resources(resources);
    }

    /**
     * {@code scatter}, {@code persist}, {@code compute}, {@code submit} and {@code map} whose
     * values are kept with {@code replicas} more copies on other nodes; see {@link Submitter#replicas}.
     */
    public Submitter replicas(int replicas) {
        return submitter.replicas(replicas);
    }

    /**
     * How many nodes may die while running one task before the task fails with
     * {@link KilledWorkerException} instead of being run again (Dask's {@code allowed-failures});
     * 3 by default, or the system property {@code kindling.allowed.failures}.
     */
    public Client allowedFailures(int failures) {
        core.allowedFailures(failures);
        return this;
    }

    /** Runs {@code fn()} on the cluster; returns at once. */
    public <R> Future<R> submit(Fn0<R> fn) {
        return submitter.submit(fn);
    }

    /** Runs {@code fn(a)} on the cluster; {@code a} may be a value, a Future or a Delayed. Returns at once. */
    public <A, R> Future<R> submit(Fn1<A, R> fn, Object a) {
        return submitter.submit(fn, a);
    }

    public <A, B, R> Future<R> submit(Fn2<A, B, R> fn, Object a, Object b) {
        return submitter.submit(fn, a, b);
    }

    public <A, B, C, R> Future<R> submit(Fn3<A, B, C, R> fn, Object a, Object b, Object c) {
        return submitter.submit(fn, a, b, c);
    }

    public <A, B, C, D, R> Future<R> submit(Fn4<A, B, C, D, R> fn, Object a, Object b, Object c, Object d) {
        return submitter.submit(fn, a, b, c, d);
    }

    public <A, B, C, D, E, R> Future<R> submit(Fn5<A, B, C, D, E, R> fn, Object a, Object b, Object c, Object d,
            Object e) {
        return submitter.submit(fn, a, b, c, d, e);
    }

    /** {@code fn(item)} for every item: one future per item, in order. */
    public <A, R> List<Future<R>> map(Fn1<A, R> fn, Collection<?> items) {
        return submitter.map(fn, items);
    }

    /** {@code fn(a, b)} for every pair of two equally long lists. */
    public <A, B, R> List<Future<R>> map(Fn2<A, B, R> fn, List<?> as, List<?> bs) {
        return submitter.map(fn, as, bs);
    }

    // ------------------------------------------------------------------ results

    /** Waits for the value of a future. */
    public <T> T gather(Future<T> future) {
        core.requireOwn(future);
        return future.result();
    }

    /** Waits for the values of futures, fetching those not yet local in one round trip; same order. */
    public <T> List<T> gather(List<Future<T>> futures) {
        return Gathering.gather(core, futures, Errors.RAISE);
    }

    /**
     * Waits for the values of futures with {@code errors} deciding what happens to those that erred
     * or were cancelled: {@link Errors#RAISE} throws (as {@link #gather(List)}), {@link Errors#SKIP}
     * leaves them out (Dask's {@code errors="skip"}).
     */
    public <T> List<T> gather(List<Future<T>> futures, Errors errors) {
        return Gathering.gather(core, futures, errors);
    }

    /** Waits for the values of a map of futures; same keys. */
    public <K, T> Map<K, T> gather(Map<K, Future<T>> futures) {
        return Gathering.gather(core, futures, Errors.RAISE);
    }

    /** As {@link #gather(Map)}; with {@link Errors#SKIP}, the keys of futures that did not finish are left out. */
    public <K, T> Map<K, T> gather(Map<K, Future<T>> futures, Errors errors) {
        return Gathering.gather(core, futures, errors);
    }

    // ------------------------------------------------------------------ data

    /**
     * Puts a value on the cluster; the future is finished at once. Its key is a hash of the value.
     * A scattered value cannot be computed again: without replicas ({@link #replicas}) it is lost
     * if its node leaves.
     */
    public <T> Future<T> scatter(T value) {
        return submitter.scatter(value);
    }

    /** Puts values on the cluster, spread over the nodes; one future per value. */
    public <T> List<Future<T>> scatter(List<T> values) {
        return submitter.scatter(values);
    }

    /**
     * Puts values on the cluster with a copy on every node (Dask's {@code broadcast=True}); see
     * {@link Submitter#scatter(List, boolean)}.
     */
    public <T> List<Future<T>> scatter(List<T> values, boolean broadcast) {
        return submitter.scatter(values, broadcast);
    }

    /** Puts values on the cluster, all on {@code node} (a consistent id from {@link #nodes()}). */
    public <T> List<Future<T>> scatter(List<T> values, String node) {
        return submitter.scatter(values, node);
    }

    // ------------------------------------------------------------------ delayed

    /** Starts computing {@code value} on the cluster; returns its future at once. */
    public <T> Future<T> compute(Delayed<T> value) {
        return submitter.compute(value);
    }

    /** Starts computing several values, sharing common tasks; futures in the same order. */
    public List<Future<Object>> compute(List<? extends Delayed<?>> values) {
        return submitter.compute(values);
    }

    /**
     * Computes {@code value} on the cluster and returns a Delayed that stands for the result
     * already there: computing it, or anything built on it, reuses the data. The data stays while
     * the returned Delayed (or anything built on it) is reachable.
     */
    public <T> Delayed<T> persist(Delayed<T> value) {
        return submitter.persist(value);
    }

    /** Computes {@code keys} of {@code graph} on the cluster (the {@link Scheduler} contract). */
    @Override
    public List<Object> get(Graph graph, List<Key> keys) {
        Graph needed = graph.cull(keys);
        List<Future<Object>> futures = core.submitGraph(needed, keys, TaskOptions.DEFAULT, 0);
        try {
            return gather(futures);
        } finally {
            for (Future<Object> f : futures) {
                f.release();
            }
        }
    }

    // ------------------------------------------------------------------ control and introspection

    /** Runs erred futures again, with the erred tasks they read (Dask's {@code Client.retry}). */
    public void retry(Collection<? extends Future<?>> futures) {
        for (Future<?> f : futures) {
            core.requireOwn(f);
            f.retry();
        }
    }

    /** Cancels futures that have not finished (and the tasks waiting on them); running tasks are interrupted. */
    public void cancel(Collection<? extends Future<?>> futures) {
        cancel(futures, false);
    }

    /**
     * Cancels futures, as Dask's {@code cancel(futures, force=)}. A key is one value cluster-wide:
     * a client that submitted a key another client computes shares that computation, and cancelling
     * drops only this client's claim, so the other client's work goes on (and a client waiting for
     * this one's computation computes the key itself). With {@code force}, every client cancels its
     * unfinished computation of these keys too (waiting, running, or waiting for another's), within
     * a round of its watch thread (100 ms; 300 ms for a thin client); unlike Dask, a value already
     * computed stays with the other clients that hold it.
     */
    public void cancel(Collection<? extends Future<?>> futures, boolean force) {
        java.util.Objects.requireNonNull(futures, "cancel needs futures, not null");
        List<Key> keys = new ArrayList<>();
        for (Future<?> f : futures) {
            core.requireOwn(f);
            keys.add(f.key());
        }
        for (Future<?> f : futures) {
            f.cancel();
        }
        if (force && !keys.isEmpty()) {
            core.sharing.force(keys);
        }
    }

    /**
     * Lets the work of these futures run to its end (and its side effects happen) even if every
     * future to it is dropped or released, or this client is closed, as Dask's
     * {@code fire_and_forget}. A closed client goes on in the background until that work is done,
     * for as long as this JVM runs; a client that owns its cluster ({@link #local()}) waits for it
     * at most 10 s when closed, before it stops the cluster.
     */
    public void fireAndForget(Collection<? extends Future<?>> futures) {
        java.util.Objects.requireNonNull(futures, "fireAndForget needs futures, not null");
        List<KeyEntry> entries = new ArrayList<>();
        for (Future<?> f : futures) {
            core.requireOwn(f);
            entries.add(f.entry());
        }
        core.fireAndForget(entries);
    }

    /** {@link #fireAndForget(Collection)} of one future. */
    public void fireAndForget(Future<?> future) {
        fireAndForget(List.of(future));
    }

    /**
     * Runs {@code function} once on every server node, outside the task slots, and returns what it
     * returned, by node (Dask's {@code client.run}); {@code client.workers(...).run(fn)} for some.
     *
     * @throws NodeRunException naming the node if the function threw on one
     */
    public <R> Map<String, R> run(Fn0<R> function) {
        return ClusterOps.run(core, function, null);
    }

    /**
     * Keeps the values of these futures with {@code replicas} copies besides the primary, on other
     * nodes (Dask's {@code replicate}): copied node to node, never through the client; the futures
     * then read the new copies. {@code replicas(n)} on scatter or submit does it from the start.
     */
    public void replicate(Collection<? extends Future<?>> futures, int replicas) {
        java.util.Objects.requireNonNull(futures, "replicate needs futures, not null");
        List<KeyEntry> entries = new ArrayList<>();
        for (Future<?> f : futures) {
            core.requireOwn(f);
            entries.add(f.entry());
        }
        ClusterOps.replicate(core, entries, replicas);
    }

    /** Moves this client's values from the nodes that hold the most bytes to those that hold the fewest (Dask's {@code rebalance}). */
    public void rebalance() {
        ClusterOps.rebalance(core);
    }

    /**
     * The address of the cluster's dashboard, such as {@code http://127.0.0.1:8787/status}: the
     * local cluster's when this client started one, otherwise one that a node of the cluster
     * serves; null if none does (or, for a thin client, none is known).
     */
    public String dashboardLink() {
        if (owned instanceof LocalCluster cluster && cluster.dashboardLink() != null) {
            return cluster.dashboardLink();
        }
        Ignite ignite = ignite();
        return ignite == null ? null : Dashboard.find(ignite).orElse(null);
    }

    /**
     * This client as an {@link java.util.concurrent.ExecutorService} (Dask's {@code get_executor}):
     * each serializable callable or runnable runs as a task on the cluster, and the futures it
     * returns are the tasks' {@link Future}s. Shutting it down leaves the client open.
     */
    public java.util.concurrent.ExecutorService executor() {
        core.requireOpen();
        return new ClientExecutor(this);
    }

    // ------------------------------------------------------------------ datasets

    /**
     * Publishes {@code value} under {@code name} for every client of the cluster, as Dask's
     * {@code publish_dataset}: futures, a persisted {@link io.kindling.Delayed}, or a Serializable
     * value that holds them (a list, a map). Their data stays on the cluster while the name stands,
     * after this client is gone too; {@link #getDataset} gives any client its own futures for it.
     * Waits for the futures to finish (where Dask publishes pending ones): a dataset names data.
     *
     * @throws DatasetException if the name is taken (unpublish it, or {@link #publish(String, Object, boolean)
     *     replace it}), a future erred or was cancelled, or a value it holds is not Serializable
     */
    public void publish(String name, Object value) {
        core.requireOpen();
        core.datasets.publish(name, value, false);
    }

    /** As {@link #publish(String, Object)}; with {@code replace}, a dataset of that name is replaced (Dask's {@code override=True}). */
    public void publish(String name, Object value, boolean replace) {
        core.requireOpen();
        core.datasets.publish(name, value, replace);
    }

    /**
     * The dataset {@code name} as it was published, with futures of this client in place of the
     * publisher's (Dask's {@code get_dataset}): they hold the data too, until released.
     *
     * @throws DatasetException if the cluster has no dataset of that name (the message lists those it has)
     */
    @SuppressWarnings("unchecked")
    public <T> T getDataset(String name) {
        core.requireOpen();
        return (T) core.datasets.get(name, false, null);
    }

    /** The dataset {@code name}, or {@code defaultValue} if the cluster has none of that name (Dask's {@code default=}). */
    @SuppressWarnings("unchecked")
    public <T> T getDataset(String name, T defaultValue) {
        core.requireOpen();
        return (T) core.datasets.get(name, true, defaultValue);
    }

    /** The names of the cluster's datasets, sorted (Dask's {@code list_datasets}). */
    public List<String> listDatasets() {
        core.requireOpen();
        return core.datasets.names();
    }

    /**
     * Removes the dataset {@code name} (Dask's {@code unpublish_dataset}); its data goes unless a
     * client still holds futures for it.
     *
     * @throws DatasetException if the cluster has no dataset of that name
     */
    public void unpublish(String name) {
        core.requireOpen();
        core.datasets.unpublish(name);
    }

    // ------------------------------------------------------------------ coordination

    /** This cluster's named semaphores, locks, queues, variables and events, for thick and thin clients alike. */
    public Coordination coordination() {
        core.requireOpen();
        return Coordination.of(core);
    }

    /** The cluster-wide semaphore {@code name} of {@code maxLeases} leases (Dask's {@code Semaphore}). */
    public Coordination.Semaphore semaphore(String name, int maxLeases) {
        return coordination().semaphore(name, maxLeases);
    }

    /** The cluster-wide lock {@code name} (Dask's {@code Lock}). */
    public Coordination.Lock lock(String name) {
        return coordination().lock(name);
    }

    /** The cluster-wide queue {@code name} of at most {@code maxSize} items, 0 for no bound (Dask's {@code Queue}). */
    public <T> Coordination.Queue<T> queue(String name, int maxSize) {
        return coordination().queue(name, maxSize);
    }

    /** The cluster-wide variable {@code name} (Dask's {@code Variable}). */
    public <T> Coordination.Variable<T> variable(String name) {
        return coordination().variable(name);
    }

    /** The cluster-wide event {@code name} (Dask's {@code Event}). */
    public Coordination.Event event(String name) {
        return coordination().event(name);
    }

    /** The server nodes that run tasks, by consistent id. */
    public List<String> nodes() {
        return core.topology.nodes();
    }

    /** How many tasks each server node runs at once, by consistent id (Dask's {@code nthreads}). */
    public Map<String, Integer> nthreads() {
        Map<String, Integer> out = new java.util.LinkedHashMap<>();
        for (String n : core.topology.nodes()) {
            out.put(n, core.topology.slots(n));
        }
        return out;
    }

    /**
     * Waits until the cluster has at least {@code n} server nodes (Dask's {@code wait_for_workers}).
     *
     * @throws java.util.concurrent.TimeoutException if it has fewer after {@code timeout}
     * @throws InterruptedException if this thread is interrupted while it waits
     */
    public void waitForWorkers(int n, java.time.Duration timeout)
            throws java.util.concurrent.TimeoutException, InterruptedException {
        java.util.Objects.requireNonNull(timeout, "waitForWorkers needs a timeout, not null");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            core.recover();
            int have = core.topology.nodes().size();
            if (have >= n) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new java.util.concurrent.TimeoutException("the cluster has " + have + " server node(s), not "
                        + n + ", after " + timeout);
            }
            Thread.sleep(50);
        }
    }

    /** For every key this client holds in memory, the nodes that hold its data. */
    public Map<Key, Set<String>> whoHas() {
        return introspection.whoHas();
    }

    /** For every node, the keys of this client whose data it holds. */
    public Map<String, Set<Key>> hasWhat() {
        return introspection.hasWhat();
    }

    /** The estimated size in bytes of every key this client holds in memory. */
    public Map<Key, Long> nbytes() {
        return introspection.nbytes();
    }

    /**
     * Starts recording the tasks of this client, as Dask's {@code get_task_stream}: every task
     * whose outcome reaches this client until the scope is closed ({@link TaskStream}).
     */
    public TaskStream taskStream() {
        return TaskStream.recordInto(core.taskStreams);
    }

    /**
     * The life of {@code keys} on this client, oldest step first (Dask's {@code Client.story}):
     * each state it went through, why, on which node and when. The client keeps its last
     * 100,000 steps over all keys ({@code -Dkindling.transition.log.length}), so the story of a
     * key long done may have lost its start. Print it for a key that does not do what you expect.
     */
    public List<Transition> story(Key... keys) {
        java.util.Objects.requireNonNull(keys, "story needs keys, not null");
        java.util.Set<Key> wanted = new java.util.HashSet<>();
        for (Key k : keys) {
            wanted.add(java.util.Objects.requireNonNull(k, "story needs keys, not a null one: pass future.key()"));
        }
        return introspection.story(wanted);
    }

    /** For every node, the keys of this client it is computing now. */
    public Map<String, List<Key>> processing() {
        return introspection.processing();
    }

    ClientCore core() {
        return core;
    }

    /** The Ignite instance under this client, or null for a thin client. */
    public Ignite ignite() {
        return core.backend instanceof ThickBackend thick ? thick.ignite() : null;
    }

    /** Releases every future, cancels unfinished tasks, stops the client's threads and what it started. */
    @Override
    public void close() {
        if (ofNode) {
            return;
        }
        Scheduler.clearDefault(this);
        core.close();
        if (owned != null) {
            core.awaitLinger(ClientCore.CLOSE_TIMEOUT_MILLIS);
            try {
                owned.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not stop what the client started: " + e.getMessage(), e);
            }
        }
    }

    /** Closes the client of a node that stopped ({@link NodeClients}). */
    void closeOfNode() {
        core.close();
    }

    /**
     * The cluster this client runs on, as Dask's Client shows it: workers (server nodes), the
     * threads they run tasks on, the memory their data regions may take, and the dashboard of the
     * local cluster this client started. Reads only what the client already knows (no call to the
     * cluster).
     */
    @Override
    public String toString() {
        int workers = nodes().size();
        int threads = nthreads().values().stream().mapToInt(Integer::intValue).sum();
        long memory = core.topology.nodes().stream().mapToLong(core.topology::memory).sum();
        String link = owned instanceof LocalCluster cluster ? cluster.dashboardLink() : null;
        return "Client(" + core.backend.name() + ": " + workers + (workers == 1 ? " worker, " : " workers, ") + threads
                + (threads == 1 ? " thread" : " threads")
                + (memory > 0 ? ", " + io.kindling.grid.internal.DataMemory.size(memory) + " for data" : "")
                + (link == null ? "" : ", dashboard " + link) + ")";
    }
}
