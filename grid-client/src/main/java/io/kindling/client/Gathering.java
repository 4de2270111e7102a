package io.kindling.client;

import io.kindling.grid.LostDataException;
import io.kindling.scheduler.TaskFailedException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 *
 * <p>Cost: arrays by position, no map per future, so that gathering a million futures costs
 * little beyond waiting for them.
 */
final class Gathering {
    /** Marks a position left out (with {@link Errors#SKIP}). */
    private static final Object SKIPPED = new Object();

    private Gathering() {
    }

    @SuppressWarnings("unchecked")
    static <T> List<T> gather(ClientCore core, List<Future<T>> futures, Errors errors) {
        Objects.requireNonNull(futures, "gather needs futures, not null");
        List<KeyEntry> entries = entriesOf(core, futures);
        Object[] values = gatherEntries(core, entries, errors);
        List<T> out = new ArrayList<>(values.length);
        for (Object v : values) {
            if (v != SKIPPED) {
                out.add((T) v);
            }
        }
        java.lang.ref.Reference.reachabilityFence(futures);
        return out;
    }

    @SuppressWarnings("unchecked")
    static <K, T> Map<K, T> gather(ClientCore core, Map<K, Future<T>> futures, Errors errors) {
        Objects.requireNonNull(futures, "gather needs futures, not null");
        List<K> keys = new ArrayList<>(futures.keySet());
        List<KeyEntry> entries = entriesOf(core, new ArrayList<>(futures.values()));
        Object[] values = gatherEntries(core, entries, errors);
        Map<K, T> out = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            if (values[i] != SKIPPED) {
                out.put(keys.get(i), (T) values[i]);
            }
        }
        java.lang.ref.Reference.reachabilityFence(futures);
        return out;
    }

    private static <T> List<KeyEntry> entriesOf(ClientCore core, List<Future<T>> futures) {
        List<KeyEntry> entries = new ArrayList<>(futures.size());
        int i = 0;
        for (Future<T> f : futures) {
            i++;
            if (f == null) {
                throw new NullPointerException("gather: element " + i + " of the " + futures.size()
                        + " futures is null; pass only futures that this client returned");
            }
            core.requireOwn(f);
            entries.add(f.entry());
        }
        return entries;
    }

    /** The value at each position, or {@link #SKIPPED}. */
    private static Object[] gatherEntries(ClientCore core, List<KeyEntry> entries, Errors errors) {
        Objects.requireNonNull(errors, "gather needs Errors.RAISE or Errors.SKIP, not null");
        boolean skip = errors == Errors.SKIP;
        Object[] values = new Object[entries.size()];
        List<Integer> pending = new ArrayList<>(entries.size());
        for (int i = 0; i < values.length; i++) {
            pending.add(i);
        }
        while (!pending.isEmpty()) {
            List<CompletableFuture<KeyEntry.Resolution>> dones = awaitAll(entries, pending, !skip);
            List<Integer> finished = new ArrayList<>(pending.size());
            List<KeyEntry> finishedEntries = new ArrayList<>(pending.size());
            List<KeyEntry.Resolution> finishedDone = new ArrayList<>(pending.size());
            for (int p = 0; p < pending.size(); p++) {
                int i = pending.get(p);
                KeyEntry.Resolution r = dones.get(p).getNow(null);
                if (r == null) {
                    continue;
                }
                if (r.state() == KeyEntry.State.MEMORY) {
                    finished.add(p);
                    finishedEntries.add(entries.get(i));
                    finishedDone.add(r);
                } else if (skip) {
                    values[i] = SKIPPED;
                } else {
                    throw failure(entries.get(i), r);
                }
            }
            Object[] got = core.values(finishedEntries, finishedDone);
            List<Integer> again = new ArrayList<>();
            for (int f = 0; f < got.length; f++) {
                int p = finished.get(f);
                int i = pending.get(p);
                if (got[f] != ClientCore.MISSING) {
                    values[i] = got[f];
                } else if (entries.get(i).done == dones.get(p)) {
                    throw new LostDataException(entries.get(i).key, finishedDone.get(f).node(),
                            "the value of '" + entries.get(i).key + "' was missing from the grid");
                } else {
                    again.add(i);
                }
            }
            if (skip) {
                pending = again;
                continue;
            }
            // With RAISE, positions not done yet (the wait ended early) are waited for again too.
            for (int p = 0; p < pending.size(); p++) {
                if (dones.get(p).getNow(null) == null) {
                    again.add(pending.get(p));
                }
            }
            pending = again;
        }
        return values;
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
     * Waits until the current computation of every entry at {@code positions} is done, or (with
     * {@code failFast}) one of them did not finish well; returns the futures waited on, by position
     * in {@code positions}.
     */
    private static List<CompletableFuture<KeyEntry.Resolution>> awaitAll(List<KeyEntry> entries, List<Integer> positions,
            boolean failFast) {
        List<CompletableFuture<KeyEntry.Resolution>> dones = new ArrayList<>(positions.size());
        CompletableFuture<Void> settled = new CompletableFuture<>();
        AtomicInteger left = new AtomicInteger(positions.size());
        for (int i : positions) {
            CompletableFuture<KeyEntry.Resolution> d = entries.get(i).done;
            dones.add(d);
            KeyEntry.Resolution now = d.getNow(null);
            if (now != null) {
                if ((failFast && !now.finished()) || left.decrementAndGet() == 0) {
                    settled.complete(null);
                }
                continue;
            }
            d.whenComplete((r, t) -> {
                if ((failFast && (r == null || !r.finished())) || left.decrementAndGet() == 0) {
                    settled.complete(null);
                }
            });
        }
        try {
            Waits.get(settled);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while gathering " + positions.size() + " future(s)");
        } catch (ExecutionException ex) {
            throw new IllegalStateException(ex.getCause());
        }
        return dones;
    }
}
