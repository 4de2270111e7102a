package io.kindling.scheduler;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
    private final List<Thread> started = new CopyOnWriteArrayList<>();

    ThreadPoolTaskExecutor(int threads) {
        this.threads = threads;
        int poolNumber = POOLS.incrementAndGet();
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "kindling-threads-" + poolNumber + "-" + count.incrementAndGet());
            t.setDaemon(true);
            started.add(t);
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
        // A terminated pool's workers may still be on their way out: join them, so that no
        // thread of this computation outlives it.
        for (Thread t : started) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                    pool.shutdownNow();
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
