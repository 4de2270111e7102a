package io.kindling.client;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The removals of data a backend started without waiting, so that a store that found the memory
 * full can wait for the memory already given back before it gives up.
 */
final class Removals {
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();

    /** Tracks a removal until it ends (done or failed). */
    void started(CompletableFuture<?> removal) {
        pending.add(removal);
        removal.whenComplete((r, e) -> pending.remove(removal));
    }

    /** Waits at most {@code timeoutMillis} for the removals started so far. */
    void await(long timeoutMillis) {
        CompletableFuture<?>[] now = pending.toArray(new CompletableFuture<?>[0]);
        if (now.length == 0) {
            return;
        }
        try {
            CompletableFuture.allOf(now).get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // a removal that failed or hangs frees nothing more; the caller's store decides
        }
    }
}
