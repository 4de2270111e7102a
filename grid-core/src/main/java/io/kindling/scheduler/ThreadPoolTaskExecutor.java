package io.kindling.scheduler;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs batches on a fixed pool of threads in this JVM. A pool lives for one computation: it is
 * started by the scheduler's {@code get} and stopped before {@code get} returns, so a task that
 * itself computes a graph gets a pool of its own and cannot starve its parent.
 */
final class ThreadPoolTaskExecutor implements TaskExecutor {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final int threads;
    private final ThreadPoolExecutor pool;

    ThreadPoolTaskExecutor(int threads) {
        this.threads = threads;
        int poolNumber = POOLS.incrementAndGet();
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "kindling-threads-" + poolNumber + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                factory);
    }

    @Override
    public int parallelism() {
        return threads;
    }

    @Override
    public void execute(TaskBatch batch) {
        pool.execute(batch::runLocally);
    }

    @Override
    public void close() {
        pool.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (pool.awaitTermination(1, TimeUnit.DAYS)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
                pool.shutdownNow();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
