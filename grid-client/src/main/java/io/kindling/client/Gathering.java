package io.kindling.client;

import io.kindling.grid.LostDataException;
import io.kindling.scheduler.TaskFailedException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code gather}: waits for futures, then reads every value not carried back inline in one
 * {@code getAll}. It throws as soon as one future has failed, without waiting for the others.
 * A value missing from the grid (its node left) is waited for again while it is computed anew.
 */
final class Gathering {
    private Gathering() {
    }

    @SuppressWarnings("unchecked")
    static <T> List<T> gather(ClientCore core, Client client, List<Future<T>> futures) {
        java.util.Objects.requireNonNull(futures, "gather needs futures, not null");
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
        Map<KeyEntry, Object> values = new HashMap<>();
        List<KeyEntry> pending = new ArrayList<>(new LinkedHashSet<>(entries));
        while (!pending.isEmpty()) {
            Map<KeyEntry, CompletableFuture<KeyEntry.Resolution>> dones = awaitAllOrFirstFailure(pending);
            Map<KeyEntry, KeyEntry.Resolution> finished = new LinkedHashMap<>();
            for (KeyEntry e : pending) {
                KeyEntry.Resolution r = dones.get(e).getNow(null);
                if (r == null) {
                    continue;
                }
                switch (r.state()) {
                    case MEMORY -> finished.put(e, r);
                    case ERRED -> throw new TaskFailedException(r.erredKey(), r.error());
                    case CANCELLED -> throw r.error() instanceof ClusterUnavailableException c ? c
                            : new FutureCancelledException(e.key);
                    case LOST -> throw Future.lost(r);
                    default -> throw new IllegalStateException("'" + e.key + "' is " + e.status()
                            + ": its future was released");
                }
            }
            values.putAll(core.values(finished));
            List<KeyEntry> again = new ArrayList<>();
            for (KeyEntry e : pending) {
                if (values.containsKey(e)) {
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
        List<T> out = new ArrayList<>(entries.size());
        for (KeyEntry e : entries) {
            out.add((T) values.get(e));
        }
        java.lang.ref.Reference.reachabilityFence(futures);
        return out;
    }

    /** Waits until every entry's current computation is done, or one of them did not finish well; returns the futures waited on. */
    private static Map<KeyEntry, CompletableFuture<KeyEntry.Resolution>> awaitAllOrFirstFailure(List<KeyEntry> entries) {
        Map<KeyEntry, CompletableFuture<KeyEntry.Resolution>> dones = new HashMap<>();
        CompletableFuture<Void> settled = new CompletableFuture<>();
        AtomicInteger left = new AtomicInteger(entries.size());
        for (KeyEntry e : entries) {
            CompletableFuture<KeyEntry.Resolution> d = e.done;
            dones.put(e, d);
            d.whenComplete((r, t) -> {
                if (r == null || !r.finished() || left.decrementAndGet() == 0) {
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

    static <K, T> Map<K, T> gather(ClientCore core, Client client, Map<K, Future<T>> futures) {
        List<K> keys = new ArrayList<>(futures.keySet());
        List<Future<T>> list = new ArrayList<>(futures.values());
        List<T> values = gather(core, client, list);
        Map<K, T> out = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            out.put(keys.get(i), values.get(i));
        }
        return out;
    }
}
