package io.kindling.client;

import io.kindling.graph.Fn0;
import io.kindling.graph.Fn1;
import io.kindling.graph.Key;
import io.kindling.graph.Task;
import io.kindling.grid.internal.GridBatch;
import io.kindling.grid.internal.KindlingGrid;
import io.kindling.grid.internal.NodeRun;
import io.kindling.grid.internal.Outcome;
import io.kindling.grid.internal.TaskSpec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Dask's cluster operations on a client: {@code run} (a function once on every node),
 * {@code replicate} (copies of values on more nodes) and {@code rebalance} (values moved from the
 * fullest nodes to the emptiest).
 *
 * <p>Copies and moves run on the nodes: a task of the identity function ({@link KindlingGrid#same})
 * that reads the value where it is and writes it to its new place, sent as a batch of its own to
 * the node that will hold it, so the data never travels through the client. Once written, the
 * value's future points to the new place (its old copy is deleted); a value that changed
 * meanwhile keeps its place, and the copy is deleted instead.
 */
final class ClusterOps {
    private static final Fn1<Object, Object> SAME = KindlingGrid::same;
    /** Ids of the copy batches: apart from the state's, which count up from 0. */
    private static final AtomicLong COPY_BATCHES = new AtomicLong(Long.MIN_VALUE / 2);

    private ClusterOps() {
    }

    /** Runs {@code function} once on each of {@code nodes} (null: every node); returns what it returned, per node. */
    @SuppressWarnings("unchecked")
    static <R> Map<String, R> run(ClientCore core, Fn0<R> function, Collection<String> nodes) {
        core.requireOpen();
        java.util.Objects.requireNonNull(function, "run needs a function: pass a method reference or lambda, not null");
        Collection<String> targets = nodes != null ? nodes : core.topology.nodes();
        List<NodeRun.Result> results = await(core.backend.runOn(targets, function), 0, "run a function on the nodes");
        Map<String, R> out = new LinkedHashMap<>();
        for (NodeRun.Result r : results) {
            if (r.error() != null) {
                throw new NodeRunException(r.node(), r.error());
            }
            out.put(r.node(), (R) KindlingGrid.fromStored(r.value()));
        }
        return out;
    }

    /** Where a value is to go: the node that writes it, its data cache, its partition and replicas. */
    private record Target(String node, String cache, int partition, int replicas) {
    }

    /** One copy under way. */
    private record Move(KeyEntry entry, Location from, Location to, Target target) {
    }

    /** Keeps each value in memory of {@code entries} with {@code replicas} copies besides the primary. */
    static void replicate(ClientCore core, List<KeyEntry> entries, int replicas) {
        core.requireOpen();
        String cache = KindlingGrid.dataCacheName(replicas);
        core.ensureDataCache(replicas);
        Map<KeyEntry, Target> moves = new LinkedHashMap<>();
        synchronized (core.state) {
            for (KeyEntry e : entries) {
                if (e.state == KeyEntry.State.MEMORY && e.replicas != replicas) {
                    String holder = core.topology.nodeOf(e.partition);
                    moves.put(e, new Target(holder != null ? holder : e.node, cache, e.partition, replicas));
                }
            }
        }
        relocate(core, moves);
    }

    /**
     * Moves values of this client from the nodes holding the most bytes to those holding the
     * fewest, until every node holds about the same (Dask's {@code rebalance}).
     */
    static void rebalance(ClientCore core) {
        core.requireOpen();
        Map<KeyEntry, Target> moves = new LinkedHashMap<>();
        synchronized (core.state) {
            List<String> nodes = core.topology.nodes();
            if (nodes.size() < 2) {
                return;
            }
            Map<String, Long> bytes = new HashMap<>();
            Map<String, List<KeyEntry>> held = new HashMap<>();
            long total = 0;
            for (String n : nodes) {
                bytes.put(n, 0L);
                held.put(n, new ArrayList<>());
            }
            for (KeyEntry e : core.state.inMemory()) {
                String n = core.topology.nodeOf(e.partition);
                if (n != null && bytes.containsKey(n)) {
                    long size = Math.max(1, e.nbytes);
                    bytes.merge(n, size, Long::sum);
                    held.get(n).add(e);
                    total += size;
                }
            }
            long mean = total / nodes.size();
            for (String from : nodes) {
                List<KeyEntry> values = held.get(from);
                values.sort(Comparator.comparingLong((KeyEntry e) -> e.nbytes).reversed());
                for (KeyEntry e : values) {
                    long size = Math.max(1, e.nbytes);
                    if (bytes.get(from) - size < mean) {
                        continue;
                    }
                    String to = nodes.stream().min(Comparator.comparingLong(bytes::get)).orElseThrow();
                    if (to.equals(from) || bytes.get(to) + size > mean + size / 2) {
                        continue;
                    }
                    bytes.merge(from, -size, Long::sum);
                    bytes.merge(to, size, Long::sum);
                    moves.put(e, new Target(to, e.cache, core.topology.partitionOn(to, e.key.hashCode()), e.replicas));
                }
            }
        }
        relocate(core, moves);
    }

    private static void relocate(ClientCore core, Map<KeyEntry, Target> targets) {
        if (targets.isEmpty()) {
            return;
        }
        Map<String, List<TaskSpec>> byNode = new LinkedHashMap<>();
        Map<Key, Move> moves = new HashMap<>();
        synchronized (core.state) {
            targets.forEach((e, t) -> {
                if (e.state != KeyEntry.State.MEMORY || t.partition() < 0) {
                    return;
                }
                Location from = Location.of(e);
                Location to = new Location(t.cache(), core.storageName(e.key), t.partition());
                byNode.computeIfAbsent(t.node(), n -> new ArrayList<>()).add(new TaskSpec(Task.of(e.key, SAME, e.key),
                        to.cache(), to.storage(), to.partition(), new Key[] {e.key}, new String[] {from.cache()},
                        new String[] {from.storage()}, new int[] {from.partition()}));
                moves.put(e.key, new Move(e, from, to, t));
            });
        }
        Map<String, CompletableFuture<List<Outcome>>> sent = new LinkedHashMap<>();
        byNode.forEach((node, specs) -> sent.put(node, core.backend.run(node,
                new GridBatch(core.clientId, core.backend.clientNode(), COPY_BATCHES.incrementAndGet(), specs))));
        RuntimeException failure = null;
        List<Outcome> done = new ArrayList<>();
        for (CompletableFuture<List<Outcome>> f : sent.values()) {
            try {
                done.addAll(await(f, ClientCore.OPERATION_TIMEOUT_MILLIS, "copy values between nodes"));
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        synchronized (core.state) {
            for (Outcome o : done) {
                Move m = moves.remove(o.key());
                if (m != null && o.ok()) {
                    core.state.relocated(m.entry(), m.from(), m.to(), m.target().replicas(), m.target().node());
                }
            }
        }
        core.pump();
        if (failure != null) {
            throw failure;
        }
    }

    /** Waits for {@code f} at most {@code timeoutMillis} (0: no bound), as a Kindling exception. */
    private static <T> T await(CompletableFuture<T> f, long timeoutMillis, String operation) {
        try {
            return timeoutMillis > 0 ? f.get(timeoutMillis, TimeUnit.MILLISECONDS) : f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("interrupted while waiting to " + operation);
        } catch (ExecutionException e) {
            throw GridErrors.unavailable(operation, e.getCause() instanceof RuntimeException r ? r
                    : new IllegalStateException(e.getCause()));
        } catch (TimeoutException e) {
            throw new ClusterUnavailableException("the cluster did not " + operation + " within " + timeoutMillis
                    + " ms", e);
        }
    }
}
