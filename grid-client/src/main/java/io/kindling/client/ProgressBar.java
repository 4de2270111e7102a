package io.kindling.client;

import io.kindling.graph.Graph;
import io.kindling.graph.Key;
import io.kindling.scheduler.Callback;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A console progress bar for local computations, as Dask's {@code dask.diagnostics.ProgressBar}:
 * <pre>{@code
 * try (ProgressBar bar = ProgressBar.show()) {
 *     total.compute();
 * }
 * // [########################################] | 100% Completed |  1.2s
 * }</pre>
 *
 * <p>The bar appears only for a computation still running after {@code minimum} (0.1 s by
 * default), so quick work prints nothing. It redraws every {@code interval} on one line, from a
 * thread of its own that starts with each computation and stops before the computation returns.
 *
 * <p>Why not a library: the maintained console progress-bar library for Java keeps a static
 * scheduler thread alive for the life of the JVM and brings a terminal library with it; Kindling
 * stops every thread it starts, and this bar is one line of text.
 */
public final class ProgressBar implements Callback, AutoCloseable {
    private static final int WIDTH = 40;

    private final Duration minimum;
    private final Duration interval;
    private final PrintStream out;
    private final AtomicLong done = new AtomicLong();
    private Registration registration;
    private ScheduledExecutorService ticker;
    private Thread tickerThread;
    private volatile long total;
    private volatile long startNanos;
    private volatile boolean shown;

    /** A bar on standard output that appears after {@code minimum} and redraws every {@code interval}. */
    public ProgressBar(Duration minimum, Duration interval, PrintStream out) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("the redraw interval must be positive, not " + interval);
        }
        this.minimum = minimum;
        this.interval = interval;
        this.out = out;
    }

    /** A bar on standard output that appears after 0.1 s and redraws every 0.1 s. */
    public ProgressBar() {
        this(Duration.ofMillis(100), Duration.ofMillis(100), System.out);
    }

    /** A default bar, active until closed. */
    public static ProgressBar show() {
        return new ProgressBar().activate();
    }

    /** Makes this bar show for every computation until {@link #close()}. */
    public synchronized ProgressBar activate() {
        if (registration == null) {
            registration = register();
        }
        return this;
    }

    @Override
    public synchronized void start(Graph graph) {
        stopTicker();
        total = graph.size();
        done.set(0);
        shown = false;
        startNanos = System.nanoTime();
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kindling-progress");
            t.setDaemon(true);
            tickerThread = t;
            return t;
        });
        ticker.scheduleAtFixedRate(this::draw, minimum.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void posttask(Key key, Object result) {
        done.incrementAndGet();
    }

    @Override
    public synchronized void finish(Graph graph, Throwable error) {
        stopTicker();
        if (shown) {
            out.print(line(error == null ? "Completed" : "Failed"));
            out.println();
            out.flush();
        }
    }

    private void stopTicker() {
        if (ticker == null) {
            return;
        }
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(10, TimeUnit.SECONDS);
            // A terminated executor's thread may still be on its way out: wait for it to end.
            Thread t = tickerThread;
            if (t != null) {
                t.join(10_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ticker = null;
        tickerThread = null;
    }

    private void draw() {
        shown = true;
        out.print(line("Completed"));
        out.flush();
    }

    private String line(String word) {
        long all = Math.max(1, total);
        long finished = Math.min(done.get(), all);
        int hashes = (int) (WIDTH * finished / all);
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return "\r[" + "#".repeat(hashes) + " ".repeat(WIDTH - hashes) + "] | "
                + String.format(Locale.ROOT, "%3d%% %s | %4.1fs", 100 * finished / all, word, seconds);
    }

    /** Stops showing this bar. */
    @Override
    public synchronized void close() {
        if (registration != null) {
            registration.close();
            registration = null;
        }
    }
}
