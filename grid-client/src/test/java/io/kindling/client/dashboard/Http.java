package io.kindling.client.dashboard;

import org.openqa.selenium.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/** GETs from a dashboard, JSON read with Selenium's parser (already on the test class path), and waiting with a deadline. */
final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Json JSON = new Json();

    private Http() {
    }

    static HttpResponse<String> get(String url) {
        try {
            return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: GET " + url, e);
        }
    }

    /** The JSON at {@code url}, which must answer 200. */
    static Object json(String url) {
        HttpResponse<String> r = get(url);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + url + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.toType(r.body(), Object.class);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(String url) {
        return (List<Map<String, Object>>) json(url);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(String url) {
        return (Map<String, Object>) json(url);
    }

    /** Polls {@code read} until {@code done} holds of its answer, failing after 30 s with the last answer. */
    static <T> T await(String what, Supplier<T> read, java.util.function.Predicate<T> done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        T last = read.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; last seen: " + last);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            last = read.get();
        }
        return last;
    }
}
