package io.kindling.client;

import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.query.QueryCursor;
import org.apache.ignite.cache.query.ScanQuery;
import org.apache.ignite.client.ClientCache;
import org.apache.ignite.lang.IgniteFuture;

import javax.cache.Cache;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One of Kindling's small cluster-wide tables ({@link io.kindling.grid.internal.Claims}), reached
 * the same way from a thick client (an {@link IgniteCache}) and a thin one (a {@link ClientCache}):
 * every call waits at most {@link ClientCore#CONTROL_TIMEOUT_MILLIS} and turns what Ignite throws
 * into a {@link ClusterUnavailableException}.
 */
abstract class SharedTable<V> {
    private final String name;

    SharedTable(String name) {
        this.name = name;
    }

    abstract CompletableFuture<V> getAsync(String key);

    abstract CompletableFuture<Boolean> putIfAbsentAsync(String key, V value);

    abstract CompletableFuture<V> getAndPutAsync(String key, V value);

    abstract CompletableFuture<Boolean> replaceAsync(String key, V old, V value);

    abstract CompletableFuture<Boolean> removeAsync(String key, V old);

    abstract CompletableFuture<V> getAndRemoveAsync(String key);

    abstract CompletableFuture<List<String>> keysAsync();

    abstract CompletableFuture<java.util.Map<String, V>> getAllAsync(java.util.Set<String> keys);

    abstract CompletableFuture<Void> putAllAsync(java.util.Map<String, V> values);

    abstract CompletableFuture<Void> removeAllAsync(java.util.Set<String> keys);

    private <T> T await(CompletableFuture<T> f, String operation) {
        return GridErrors.await(f, ClientCore.CONTROL_TIMEOUT_MILLIS, operation + " (" + name + ")");
    }

    V get(String key) {
        return await(getAsync(key), "read shared state");
    }

    boolean putIfAbsent(String key, V value) {
        return await(putIfAbsentAsync(key, value), "write shared state");
    }

    V getAndPut(String key, V value) {
        return await(getAndPutAsync(key, value), "write shared state");
    }

    boolean replace(String key, V old, V value) {
        return await(replaceAsync(key, old, value), "write shared state");
    }

    boolean remove(String key, V old) {
        return await(removeAsync(key, old), "remove shared state");
    }

    V getAndRemove(String key) {
        return await(getAndRemoveAsync(key), "remove shared state");
    }

    java.util.Map<String, V> getAll(java.util.Set<String> keys) {
        return keys.isEmpty() ? java.util.Map.of() : await(getAllAsync(keys), "read shared state");
    }

    void putAll(java.util.Map<String, V> values) {
        if (!values.isEmpty()) {
            await(putAllAsync(values), "write shared state");
        }
    }

    void removeAll(java.util.Set<String> keys) {
        if (!keys.isEmpty()) {
            await(removeAllAsync(keys), "remove shared state");
        }
    }

    /** Every key, sorted. */
    List<String> keys() {
        List<String> out = new ArrayList<>(await(keysAsync(), "list shared state"));
        Collections.sort(out);
        return out;
    }

    static <V> SharedTable<V> over(IgniteCache<String, V> cache) {
        return new SharedTable<>(cache.getName()) {
            @Override
            CompletableFuture<V> getAsync(String key) {
                return completable(cache.getAsync(key));
            }

            @Override
            CompletableFuture<Boolean> putIfAbsentAsync(String key, V value) {
                return completable(cache.putIfAbsentAsync(key, value));
            }

            @Override
            CompletableFuture<V> getAndPutAsync(String key, V value) {
                return completable(cache.getAndPutAsync(key, value));
            }

            @Override
            CompletableFuture<Boolean> replaceAsync(String key, V old, V value) {
                return completable(cache.replaceAsync(key, old, value));
            }

            @Override
            CompletableFuture<Boolean> removeAsync(String key, V old) {
                return completable(cache.removeAsync(key, old));
            }

            @Override
            CompletableFuture<V> getAndRemoveAsync(String key) {
                return completable(cache.getAndRemoveAsync(key));
            }

            @Override
            CompletableFuture<java.util.Map<String, V>> getAllAsync(java.util.Set<String> keys) {
                return completable(cache.getAllAsync(keys));
            }

            @Override
            CompletableFuture<Void> putAllAsync(java.util.Map<String, V> values) {
                return completable(cache.putAllAsync(values));
            }

            @Override
            CompletableFuture<Void> removeAllAsync(java.util.Set<String> keys) {
                return completable(cache.removeAllAsync(keys));
            }

            @Override
            CompletableFuture<List<String>> keysAsync() {
                return scan(cache::query);
            }
        };
    }

    static <V> SharedTable<V> over(ClientCache<String, V> cache) {
        return new SharedTable<>(cache.getName()) {
            @Override
            CompletableFuture<V> getAsync(String key) {
                return cache.getAsync(key).toCompletableFuture();
            }

            @Override
            CompletableFuture<Boolean> putIfAbsentAsync(String key, V value) {
                return cache.putIfAbsentAsync(key, value).toCompletableFuture();
            }

            @Override
            CompletableFuture<V> getAndPutAsync(String key, V value) {
                return cache.getAndPutAsync(key, value).toCompletableFuture();
            }

            @Override
            CompletableFuture<Boolean> replaceAsync(String key, V old, V value) {
                return cache.replaceAsync(key, old, value).toCompletableFuture();
            }

            @Override
            CompletableFuture<Boolean> removeAsync(String key, V old) {
                return cache.removeAsync(key, old).toCompletableFuture();
            }

            @Override
            CompletableFuture<V> getAndRemoveAsync(String key) {
                return cache.getAndRemoveAsync(key).toCompletableFuture();
            }

            @Override
            CompletableFuture<java.util.Map<String, V>> getAllAsync(java.util.Set<String> keys) {
                return cache.getAllAsync(keys).toCompletableFuture();
            }

            @Override
            CompletableFuture<Void> putAllAsync(java.util.Map<String, V> values) {
                return cache.putAllAsync(values).toCompletableFuture();
            }

            @Override
            CompletableFuture<Void> removeAllAsync(java.util.Set<String> keys) {
                return cache.removeAllAsync(keys).toCompletableFuture();
            }

            @Override
            CompletableFuture<List<String>> keysAsync() {
                return scan(cache::query);
            }
        };
    }

    /** A scan has no asynchronous form: it runs off the caller's thread, so that the caller's wait is bounded. */
    private static <V> CompletableFuture<List<String>> scan(
            java.util.function.Function<ScanQuery<String, V>, QueryCursor<Cache.Entry<String, V>>> query) {
        return CompletableFuture.supplyAsync(() -> {
            List<String> out = new ArrayList<>();
            try (QueryCursor<Cache.Entry<String, V>> cursor = query.apply(new ScanQuery<>())) {
                cursor.forEach(e -> out.add(e.getKey()));
            }
            return out;
        });
    }

    private static <T> CompletableFuture<T> completable(IgniteFuture<T> f) {
        CompletableFuture<T> out = new CompletableFuture<>();
        f.listen(done -> {
            try {
                out.complete(done.get());
            } catch (RuntimeException e) {
                out.completeExceptionally(e);
            }
        });
        return out;
    }
}
