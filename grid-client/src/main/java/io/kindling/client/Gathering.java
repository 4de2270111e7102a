package io.kindling.client;

import io.kindling.grid.LostDataException;
import io.kindling.scheduler.TaskFailedException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code gather}: waits for futures, then reads every value not carried back inline in one
 * {@code getAll}. With {@link Errors#RAISE} it throws as soon as one future has failed, without
 * waiting for the others; with {@link Errors#SKIP} it waits for all and leaves out those that did
 * not finish. A value missing from the grid (its node left) is waited for again while it is
 * computed anew.
 */
final class Gathering {
    private Gathering() {
    }

    /** What a gather found: the values of the finished entries, and the entries left out. */
    private record Gathered(Map<KeyEntry, Object> values, Set<KeyEntry> skipped) {
    }

    @SuppressWarnings("unchecked")
    static <T> List<T> gather(ClientCore core, Client client, List<Future<T>> futures, Errors errors) {
        Objects.requireNonNull(futures, "gather needs futures, not null");
        List<KeyEntry> entries = entriesOf(client, futures);
        Gathered g = gatherEntries(core, entries, errors);
        List<T> out = new ArrayList<>(entries.size());
        for (KeyEntry e : entries) {
            if (!g.skipped().contains(e)) {
                out.add((T) g.values().get(e));
            }
        }
        java.lang.ref.Reference.reachabilityFence(futures);
        return out;
    }

    @SuppressWarnings("unchecked")
    static <K, T> Map<K, T> gather(ClientCore core, Client client, Map<K, Future<T>> futures, Errors errors) {
        Objects.requireNonNull(futures, "gather needs futures, not null");
        List<K> keys = new ArrayList<>(futures.keySet());
        List<KeyEntry> entries = entriesOf(client, new ArrayList<>(futures.values()));
        Gathered g = gatherEntries(core, entries, errors);
        Map<K, T> out = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            KeyEntry e = entries.get(i);
            if (!g.skipped().contains(e)) {
                out.put(keys.get(i), (T) g.values().get(e));
            }
        }
        java.lang.ref.Reference.reachabilityFence(futures);
        return out;
    }

    private static <T> List<KeyEntry> entriesOf(Client client, List<Future<T>> futures) {
        List<KeyEntry> entries = new ArrayList<>(futures.size());
        int i = 0;
        for (Future<T> f : futures) {
            i++;
            if (f == null) {
                throw new NullPointerException("gather: element " + i + " of the " + futures.size()
                        + " futures is null; pass only futures that this client returned");
            }
            client.requireOwn(f);
            entries.add(f.entry());
        }
        return entries;
    }

    private static Gathered gatherEntries(ClientCore core, List<KeyEntry> entries, Errors errors) {
        Objects.requireNonNull(errors, "gather needs Errors.RAISE or Errors.SKIP, not null");
        boolean skip = errors == Errors.SKIP;
        Map<KeyEntry, Object> values = new HashMap<>();
        Set<KeyEntry> skipped = Collections.newSetFromMap(new IdentityHashMap<>());
        List<KeyEntry> pending = new ArrayList<>(new LinkedHashSet<>(entries));
        while (!pending.isEmpty()) {
            Map<KeyEntry, CompletableFuture<KeyEntry.Resolution>> dones = awaitAll(pending, !skip);
            Map<KeyEntry, KeyEntry.Resolution> finished = new LinkedHashMap<>();
            for (KeyEntry e : pending) {
                KeyEntry.Resolution r = dones.get(e).getNow(null);
                if (r == null) {
                    continue;
                }
                if (r.state() == KeyEntry.State.MEMORY) {
                    finished.put(e, r);
                } else if (skip) {
                    skipped.add(e);
                } else {
                    throw failure(e, r);
                }
            }
            values.putAll(core.values(finished));
            List<KeyEntry> again = new ArrayList<>();
            for (KeyEntry e : pending) {
                if (values.containsKey(e) || skipped.contains(e)) {
                    continue;
                }
                KeyEntry.Resolution r = finished.get(e);
                if (r != null && e.done == dones.get(e)) {
                    throw new LostDataException(e.key, r.node(), "the value of '" + e.key + "' was missing from the grid");
                }
                again.add(e);
            }
            pending = again;
        }
        return new Gathered(values, skipped);
    }

    private static RuntimeException failure(KeyEntry e, KeyEntry.Resolution r) {
        return switch (r.state()) {
            case ERRED -> new TaskFailedException(r.erredKey(), r.error());
            case CANCELLED -> r.error() instanceof ClusterUnavailableException c ? c : new FutureCancelledException(e.key);
            case LOST -> Future.lost(r);
            default -> new IllegalStateException("'" + e.key + "' is " + e.status() + ": its future was released");
        };
    }

    /**
     * Waits until every entry's current computation is done, or (with {@code failFast}) one of
     * them did not finish well; returns the futures waited on.
     */
    private static Map<KeyEntry, CompletableFuture<KeyEntry.Resolution>> awaitAll(List<KeyEntry> entries,
            boolean failFast) {
        Map<KeyEntry, CompletableFuture<KeyEntry.Resolution>> dones = new HashMap<>();
        CompletableFuture<Void> settled = new CompletableFuture<>();
        AtomicInteger left = new AtomicInteger(entries.size());
        for (KeyEntry e : entries) {
            CompletableFuture<KeyEntry.Resolution> d = e.done;
            dones.put(e, d);
            d.whenComplete((r, t) -> {
                if ((failFast && (r == null || !r.finished())) || left.decrementAndGet() == 0) {
                    settled.complete(null);
                }
            });
        }
        try {
            settled.get();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while gathering " + entries.size() + " future(s)");
        } catch (ExecutionException ex) {
            throw new IllegalStateException(ex.getCause());
        }
        return dones;
    }
}
