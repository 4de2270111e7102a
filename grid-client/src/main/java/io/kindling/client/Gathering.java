package io.kindling.client;

import io.kindling.scheduler.TaskFailedException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

/** {@code gather}: waits for futures, then reads every value not carried back inline in one {@code getAll}. */
final class Gathering {
    private Gathering() {
    }

    @SuppressWarnings("unchecked")
    static <T> List<T> gather(ClientCore core, Client client, List<Future<T>> futures) {
        List<KeyEntry> entries = new ArrayList<>(futures.size());
        for (Future<T> f : futures) {
            client.requireOwn(f);
            entries.add(f.entry());
        }
        for (KeyEntry e : entries) {
            e.done.join();
        }
        for (KeyEntry e : entries) {
            if (e.state == KeyEntry.State.ERRED) {
                throw new TaskFailedException(e.erredKey, e.error);
            }
            if (e.state != KeyEntry.State.MEMORY) {
                throw new CancellationException("'" + e.key + "' was " + e.status());
            }
        }
        Map<KeyEntry, Object> values = core.values(entries);
        List<T> out = new ArrayList<>(entries.size());
        for (KeyEntry e : entries) {
            out.add((T) values.get(e));
        }
        java.lang.ref.Reference.reachabilityFence(futures);
        return out;
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
