package io.kindling.client;

import io.kindling.Delayed;
import io.kindling.graph.Fn;
import io.kindling.graph.Fn0;
import io.kindling.graph.Fn1;
import io.kindling.graph.Fn2;
import io.kindling.graph.Fn3;
import io.kindling.graph.Fn4;
import io.kindling.graph.Fn5;
import io.kindling.graph.Graph;
import io.kindling.graph.Key;
import io.kindling.graph.internal.References;
import io.kindling.graph.Task;
import io.kindling.graph.internal.Tokens;
import io.kindling.grid.internal.KindlingGrid;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code submit}, {@code map}, {@code compute}, {@code persist} and {@code scatter} with options,
 * as Dask's {@code pure=}, {@code key=} and {@code retries=}: {@code client.pure(false).submit(...)},
 * {@code client.key("total").submit(...)}, {@code client.retries(2).map(...)},
 * {@code client.replicas(1).scatter(...)}. Immutable; options combine.
 *
 * <p>Arguments may be values, {@link Future}s of the same client and {@link Delayed} values, also
 * inside Lists, Sets, Maps (values) and object arrays, nested up to
 * {@value io.kindling.graph.internal.Containers#MAX_DEPTH} deep; the task reads their values on the
 * cluster, and the client never downloads them.
 */
public final class Submitter {
    private final ClientCore core;
    private final boolean pure;
    private final String key;
    private final TaskOptions options;
    private final int replicas;

    Submitter(ClientCore core, boolean pure, String key, TaskOptions options, int replicas) {
        this.core = core;
        this.pure = pure;
        this.key = key;
        this.options = options;
        this.replicas = replicas;
    }

    private Submitter with(TaskOptions options) {
        return new Submitter(core, pure, key, options, replicas);
    }

    /**
     * Pure calls (the default) get keys hashed from function and arguments, so the same call twice
     * is one task; scattered values get keys hashed from their content. {@code pure(false)} gives
     * every task and every scattered value a key of its own (Dask's {@code pure=False},
     * {@code hash=False}).
     */
    public Submitter pure(boolean pure) {
        return new Submitter(core, pure, key, options, replicas);
    }

    /**
     * The next submit's key is exactly {@code key}; for {@code map}, the name of every key, each
     * with its own token (Dask's {@code key=} prefix).
     */
    public Submitter key(String key) {
        Key.of(key);
        return new Submitter(core, pure, key, options, replicas);
    }

    /**
     * A task that throws runs again, up to {@code retries} more times, before its future errs (as
     * Dask's {@code retries=}); for {@code compute} and {@code persist}, every new task of the graph.
     * A node dying under a task does not count here: that is {@link Client#allowedFailures}.
     */
    public Submitter retries(int retries) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries cannot be negative: " + retries);
        }
        return with(new TaskOptions(retries, options.priority(), options.workers(), options.allowOtherWorkers(),
                options.resources()));
    }

    /**
     * Tasks with a higher priority run before tasks with a lower one among those ready, ties in
     * order of submission, as Dask's {@code priority=} (default 0; negative is allowed). For
     * {@code compute} and {@code persist}, every new task of the graph.
     */
    public Submitter priority(int priority) {
        return with(new TaskOptions(options.retries(), priority, options.workers(), options.allowOtherWorkers(),
                options.resources()));
    }

    /**
     * New tasks run only on these nodes (consistent ids from {@link Client#nodes()}), as Dask's
     * {@code workers=}; a task waits while none of them is in the cluster. With
     * {@link #allowOtherWorkers(boolean)} this is a preference instead. For {@code scatter}, the
     * values go to these nodes in turn.
     */
    public Submitter workers(String... nodes) {
        Objects.requireNonNull(nodes, "workers needs node names, not null");
        if (nodes.length == 0) {
            throw new IllegalArgumentException("workers needs at least one node: pass consistent ids from "
                    + "Client.nodes()");
        }
        java.util.Set<String> set = new java.util.LinkedHashSet<>();
        for (String n : nodes) {
            set.add(Objects.requireNonNull(n, "workers: a node name is null"));
        }
        return with(new TaskOptions(options.retries(), options.priority(), java.util.Collections.unmodifiableSet(set),
                options.allowOtherWorkers(), options.resources()));
    }

    /** With {@link #workers}: whether tasks may run on other nodes too when those are busy or gone (Dask's {@code allow_other_workers}). */
    public Submitter allowOtherWorkers(boolean allow) {
        return with(new TaskOptions(options.retries(), options.priority(), options.workers(), allow,
                options.resources()));
    }

    /**
     * New tasks need these abstract resources on their node while they run, as Dask's
     * {@code resources={"GPU": 1}}: they run only on nodes that declare at least as much
     * ({@code -Dkindling.resources=GPU=2} on a server, or {@code LocalCluster.Builder.resources}),
     * and never more of them at once than the node declares. A task that no node can take waits.
     */
    public Submitter resources(Map<String, ? extends Number> resources) {
        Objects.requireNonNull(resources, "resources needs a map of names to amounts, not null");
        Map<String, Double> copy = new java.util.TreeMap<>();
        resources.forEach((name, amount) -> {
            if (name == null || amount == null || amount.doubleValue() <= 0) {
                throw new IllegalArgumentException("resources: every resource needs a name and an amount above 0, not "
                        + name + "=" + amount);
            }
            copy.put(name, amount.doubleValue());
        });
        return with(new TaskOptions(options.retries(), options.priority(), options.workers(),
                options.allowOtherWorkers(), copy.isEmpty() ? null : java.util.Collections.unmodifiableMap(copy)));
    }

    /**
     * Values are kept with {@code replicas} copies besides the primary, each on a different node,
     * so that they survive the loss of that many nodes: for {@code scatter}, the scattered values
     * (which cannot be computed again); for {@code submit}, {@code map}, {@code compute} and
     * {@code persist}, the results asked for (which otherwise are computed again when lost). Each
     * copy costs the value's memory again. At most {@value KindlingGrid#MAX_REPLICAS}; a cluster
     * with fewer nodes keeps fewer copies until nodes join.
     */
    public Submitter replicas(int replicas) {
        KindlingGrid.dataCacheName(replicas);
        return new Submitter(core, pure, key, options, replicas);
    }

    /** {@link Client#run} on the nodes of {@link #workers} (every node without). */
    public <R> Map<String, R> run(Fn0<R> function) {
        return ClusterOps.run(core, function, options.workers());
    }

    // ------------------------------------------------------------------ data and graphs

    /** Puts a value on the cluster; the future is finished at once. Its key is a hash of the value. */
    public <T> Future<T> scatter(T value) {
        return scatter(java.util.Collections.singletonList(value)).get(0);
    }

    /** Puts values on the cluster, spread over the nodes; one future per value. */
    public <T> List<Future<T>> scatter(List<T> values) {
        Objects.requireNonNull(values, "scatter needs a list of values, not null; to scatter null itself, pass "
                + "Collections.singletonList(null)");
        return Scattering.scatter(core, values, options.workers(), replicas, pure);
    }

    /**
     * Puts values on the cluster with a copy on every node, as Dask's {@code broadcast=True}
     * (with {@code broadcast} false, as {@link #scatter(List)}): tasks on any node then read them
     * from their own memory, and they survive the loss of all nodes but one. The copies are
     * replicas ({@link #replicas}): on a cluster of more than {@value KindlingGrid#MAX_REPLICAS}
     * + 1 nodes, that many nodes get one. Nodes that join later get none.
     */
    public <T> List<Future<T>> scatter(List<T> values, boolean broadcast) {
        Objects.requireNonNull(values, "scatter needs a list of values, not null; to scatter null itself, pass "
                + "Collections.singletonList(null)");
        if (!broadcast) {
            return scatter(values);
        }
        if (options.workers() != null) {
            throw new IllegalArgumentException("scatter with broadcast puts a copy on every node: it cannot be kept to "
                    + "the nodes of workers(" + options.workers() + "); scatter to them without broadcast, or "
                    + "broadcast without workers(...)");
        }
        int copies = Math.min(KindlingGrid.MAX_REPLICAS, Math.max(0, core.topology.nodes().size() - 1));
        return Scattering.scatter(core, values, null, Math.max(copies, replicas), pure);
    }

    /** Puts values on the cluster, all on {@code node} (a consistent id from {@link Client#nodes()}). */
    public <T> List<Future<T>> scatter(List<T> values, String node) {
        Objects.requireNonNull(values, "scatter needs a list of values, not null; to scatter null itself, pass "
                + "Collections.singletonList(null)");
        if (!core.topology.nodes().contains(node)) {
            throw new IllegalArgumentException("no server node '" + node + "' in the cluster; nodes: " + core.topology.nodes());
        }
        return Scattering.scatter(core, values, java.util.Set.of(node), replicas, pure);
    }

    /** Starts computing {@code value} on the cluster; returns its future at once. */
    public <T> Future<T> compute(Delayed<T> value) {
        return core.<T>submitGraph(value.graph(), List.of(value.key()), options, replicas).get(0);
    }

    /** Starts computing several values, sharing common tasks; futures in the same order. */
    public List<Future<Object>> compute(List<? extends Delayed<?>> values) {
        List<Key> keys = new ArrayList<>();
        for (Delayed<?> d : values) {
            keys.add(d.key());
        }
        return core.submitGraph(Delayed.graphOf(values), keys, options, replicas);
    }

    /**
     * Computes {@code value} on the cluster and returns a Delayed that stands for the result
     * already there: computing it, or anything built on it, reuses the data. The data stays while
     * the returned Delayed (or anything built on it) is reachable; if it is lost with a node, it
     * is computed again (or kept on other nodes too, with {@link #replicas}).
     */
    public <T> Delayed<T> persist(Delayed<T> value) {
        return compute(value).toDelayed();
    }

    public <R> Future<R> submit(Fn0<R> fn) {
        return submitAll(fn, new Object[0]);
    }

    public <A, R> Future<R> submit(Fn1<A, R> fn, Object a) {
        return submitAll(fn, new Object[] {a});
    }

    public <A, B, R> Future<R> submit(Fn2<A, B, R> fn, Object a, Object b) {
        return submitAll(fn, new Object[] {a, b});
    }

    public <A, B, C, R> Future<R> submit(Fn3<A, B, C, R> fn, Object a, Object b, Object c) {
        return submitAll(fn, new Object[] {a, b, c});
    }

    public <A, B, C, D, R> Future<R> submit(Fn4<A, B, C, D, R> fn, Object a, Object b, Object c, Object d) {
        return submitAll(fn, new Object[] {a, b, c, d});
    }

    public <A, B, C, D, E, R> Future<R> submit(Fn5<A, B, C, D, E, R> fn, Object a, Object b, Object c, Object d,
            Object e) {
        return submitAll(fn, new Object[] {a, b, c, d, e});
    }

    /** One task per item, {@code fn(item)}; futures in the order of the items. */
    public <A, R> List<Future<R>> map(Fn1<A, R> fn, Collection<?> items) {
        Objects.requireNonNull(fn, "map needs a function: pass a method reference or lambda, not null");
        Objects.requireNonNull(items, "map needs a collection of items, not null: pass an empty list for no tasks");
        List<Future<R>> futures = new ArrayList<>(items.size());
        try {
            Prepared prepared = new Prepared();
            List<Key> keys = new ArrayList<>(Math.min(items.size(), MAP_CHUNK));
            for (Object item : items) {
                keys.add(prepared.add(fn, new Object[] {item}, null, key));
                if (keys.size() == MAP_CHUNK) {
                    // The cluster starts on the first chunk while the rest is prepared.
                    futures.addAll(prepared.submit(keys));
                    prepared = new Prepared();
                    keys = new ArrayList<>(MAP_CHUNK);
                }
            }
            futures.addAll(prepared.submit(keys));
        } catch (RuntimeException e) {
            futures.forEach(Future::release);
            throw e;
        }
        Reference.reachabilityFence(items);
        return futures;
    }

    /** A map of more items than this is submitted in chunks of it, so that its first tasks run while the rest is prepared. */
    static final int MAP_CHUNK = 20_000;

    /** One task per pair, {@code fn(a, b)}, for two lists of the same length. */
    public <A, B, R> List<Future<R>> map(Fn2<A, B, R> fn, List<?> as, List<?> bs) {
        Objects.requireNonNull(fn, "map needs a function: pass a method reference or lambda, not null");
        Objects.requireNonNull(as, "map needs two lists of items; the first is null");
        Objects.requireNonNull(bs, "map needs two lists of items; the second is null");
        if (as.size() != bs.size()) {
            throw new IllegalArgumentException("map over two lists needs equal lengths, not " + as.size() + " and "
                    + bs.size());
        }
        Prepared prepared = new Prepared();
        List<Key> keys = new ArrayList<>(as.size());
        for (int i = 0; i < as.size(); i++) {
            keys.add(prepared.add(fn, new Object[] {as.get(i), bs.get(i)}, null, key));
        }
        List<Future<R>> futures = prepared.submit(keys);
        Reference.reachabilityFence(as);
        Reference.reachabilityFence(bs);
        return futures;
    }

    private <R> Future<R> submitAll(Fn fn, Object[] args) {
        if (fn == null) {
            throw new NullPointerException("submit needs a function: pass a method reference or lambda, not null");
        }
        Prepared prepared = new Prepared();
        Key k = prepared.add(fn, args, key);
        List<Future<R>> futures = prepared.submit(List.of(k));
        Reference.reachabilityFence(args);
        return futures.get(0);
    }

    /** Tasks about to be submitted together: Delayed graphs they read first, then the tasks themselves. */
    private final class Prepared {
        /** The tasks in an order where each comes after what it reads; repeats are harmless (one entry per key). */
        private final List<Task> tasks = new ArrayList<>();
        /** Keys of the Delayed graphs' tasks added, so that a graph read by many items is added once. */
        private java.util.Set<Key> graphKeys;

        Key add(Fn fn, Object[] raw, String explicitKey) {
            return add(fn, raw, explicitKey, null);
        }

        /** A task of {@code fn} on {@code raw}; its key is {@code explicitKey}, or named {@code name} (the function's name if null). */
        Key add(Fn fn, Object[] raw, String explicitKey, String name) {
            Object[] args = new Object[raw.length];
            boolean[] primitive = Tokens.primitiveArguments(fn);
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == null && primitive[i]) {
                    throw new IllegalArgumentException("argument " + (i + 1) + " of '" + Tokens.functionName(fn)
                            + "' is null, but the function takes a primitive there (such as an int): pass a value, "
                            + "or a function that takes the boxed type");
                }
                args[i] = References.replace(raw[i], this::keyOf, "argument " + (i + 1));
            }
            String n = name != null ? name : Tokens.functionName(fn);
            Key k = explicitKey != null ? Key.of(explicitKey) : pure ? Tokens.pure(n, fn, args) : Tokens.unique(n);
            tasks.add(Task.of(k, fn, args));
            return k;
        }

        private Key keyOf(Object value) {
            if (value instanceof Future<?> f) {
                core.requireOwn(f);
                return f.key();
            }
            if (value instanceof Delayed<?> d) {
                if (graphKeys == null) {
                    graphKeys = new java.util.HashSet<>();
                }
                if (graphKeys.add(d.key())) {
                    Graph graph = d.graph();
                    for (int i : graph.topologicalIndexes()) {
                        if (graphKeys.add(graph.taskAt(i).key()) || graph.taskAt(i).key().equals(d.key())) {
                            tasks.add(graph.taskAt(i));
                        }
                    }
                }
                return d.key();
            }
            return null;
        }

        <R> List<Future<R>> submit(List<Key> keys) {
            return core.submitTasks(tasks, keys, options, replicas);
        }
    }
}
