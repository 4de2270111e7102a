package io.kindling.grid.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The task slots of a node: one permit per task thread. Batches take one in arrival order
 * ({@link #tryAcquire}); a task that gave its slot up while it waited on other tasks takes one
 * back ahead of every batch ({@link #rejoin}), so that work already started finishes before new
 * work starts, which keeps the number of waiting tasks (and of their threads) small.
 */
final class TaskSlots {
    private final Semaphore free;
    /** Tasks waiting to rejoin, first come first served; guarded by itself. */
    private final ArrayDeque<Rejoin> rejoining = new ArrayDeque<>();

    private static final class Rejoin {
        boolean granted;
    }

    TaskSlots(int slots) {
        this.free = new Semaphore(slots, true);
    }

    /** Takes a slot for a batch, in arrival order, waiting up to {@code millis}. */
    boolean tryAcquire(long millis) throws InterruptedException {
        return free.tryAcquire(millis, TimeUnit.MILLISECONDS);
    }

    /** Gives a slot back: to the first task waiting to rejoin, else to the batches. */
    void release() {
        synchronized (rejoining) {
            Rejoin first = rejoining.poll();
            if (first != null) {
                first.granted = true;
                rejoining.notifyAll();
                return;
            }
        }
        free.release();
    }

    /**
     * Takes a slot back for a task that gave its own up, ahead of the batches waiting for one.
     * Waits until a slot frees or {@code stop} says the task's batch is stopped (then returns
     * false, holding nothing). Not interruptible: an interrupt that arrives meanwhile stays set
     * for the task to see.
     */
    boolean rejoin(BooleanSupplier stop, long checkMillis) {
        if (free.tryAcquire()) {
            return true;
        }
        boolean interrupted = false;
        Rejoin me = new Rejoin();
        try {
            synchronized (rejoining) {
                if (free.tryAcquire()) {
                    return true;
                }
                rejoining.add(me);
            }
            while (true) {
                synchronized (rejoining) {
                    if (!me.granted) {
                        try {
                            rejoining.wait(checkMillis);
                        } catch (InterruptedException e) {
                            interrupted = true;
                        }
                    }
                    if (me.granted) {
                        return true;
                    }
                }
                // Asked outside the lock: the batch's own lock is taken before this one elsewhere.
                if (stop.getAsBoolean()) {
                    synchronized (rejoining) {
                        if (me.granted) {
                            return true;
                        }
                        rejoining.remove(me);
                        return false;
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Slots free now (for tests and reports). */
    int available() {
        return free.availablePermits();
    }
}
