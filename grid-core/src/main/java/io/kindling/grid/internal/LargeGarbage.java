package io.kindling.grid.internal;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Large objects a node has let go of (the bytes of a message that brought a large value, a packed
 * copy once unpacked, a decoded copy dropped), for which the node asks the JVM for a young
 * collection once they add up, as a Dask worker calls a throttled {@code gc.collect()} when its
 * memory grows.
 *
 * <p>Why: G1 puts objects of megabytes straight in the old generation, and frees them only in a
 * collection. A node that receives a few 100 MB values and runs few small tasks fills no young
 * generation, so no collection comes: measured, a node's heap grew to 870 MB over 140 MB of live
 * data in 8 s of scatters, all of it resident. Any young collection frees such objects at once
 * (G1 reclaims dead humongous arrays eagerly), in a pause of a few milliseconds.
 *
 * <p>The node asks only when the JVM runs {@link System#gc()} as a concurrent cycle
 * ({@code -XX:+ExplicitGCInvokesConcurrent}, which {@link JvmFlags#NODE_GC} passes to every node
 * JVM Kindling starts): in any other JVM (an application's, holding an in-process cluster) it
 * would be a full collection of the application's heap, and the node leaves it alone. It asks at
 * most every {@value #MIN_GAP_MILLIS} ms, once {@value #THRESHOLD_MIB} MiB are pending and no
 * collection has run since, and never within {@value #SETTLE_MILLIS} ms of the latest note (the
 * write that brought the object may still hold it).
 */
final class LargeGarbage {
    /** Objects smaller than this are left to the young generation (G1's humongous start at a half region, 0.5-16 MB). */
    static final long LARGE_BYTES = 8L << 20;
    static final long THRESHOLD_MIB = 64;
    static final long MIN_GAP_MILLIS = 200;
    static final long SETTLE_MILLIS = 30;

    /** This JVM's. */
    private static final LargeGarbage JVM = new LargeGarbage(explicitGcConcurrent(), System::gc,
            LargeGarbage::jvmCollections, System::nanoTime);

    private final boolean active;
    private final Runnable collect;
    private final LongSupplier collections;
    private final LongSupplier clock;
    private long pending;
    private long lastNote;
    private long lastAsk;
    private long collectionsAtNote = -1;
    private long asked;

    /**
     * {@code active}: whether to ask at all; {@code collect} asks; {@code collections} counts the
     * collections run so far; {@code clock} reads nanoseconds.
     */
    LargeGarbage(boolean active, Runnable collect, LongSupplier collections, LongSupplier clock) {
        this.active = active;
        this.collect = collect;
        this.collections = collections;
        this.clock = clock;
    }

    /** Notes that an object of {@code bytes} is garbage now, or will be once the current write ends. */
    static void note(long bytes) {
        JVM.noted(bytes);
    }

    /** Asks for a collection if enough is pending and it is time (each node's 100 ms round). */
    static void collectIfDue() {
        JVM.askIfDue();
    }

    void noted(long bytes) {
        if (!active || bytes < LARGE_BYTES) {
            return;
        }
        long n = collections.getAsLong();
        synchronized (this) {
            if (n != collectionsAtNote) {
                // a collection ran since the last note: what was pending then is freed
                pending = 0;
            }
            pending += bytes;
            lastNote = clock.getAsLong();
            collectionsAtNote = n;
        }
    }

    /** Whether it asked. */
    boolean askIfDue() {
        if (!active) {
            return false;
        }
        long n = collections.getAsLong();
        synchronized (this) {
            long now = clock.getAsLong();
            if (n != collectionsAtNote) {
                pending = 0;
            }
            if (pending < (THRESHOLD_MIB << 20)
                    || now - lastNote < TimeUnit.MILLISECONDS.toNanos(SETTLE_MILLIS)
                    || (asked > 0 && now - lastAsk < TimeUnit.MILLISECONDS.toNanos(MIN_GAP_MILLIS))) {
                return false;
            }
            pending = 0;
            lastAsk = now;
            asked++;
        }
        collect.run();
        return true;
    }

    /** How many collections it asked for. */
    synchronized long asked() {
        return asked;
    }

    private static long jvmCollections() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    private static boolean explicitGcConcurrent() {
        try {
            HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return hs != null && Boolean.parseBoolean(hs.getVMOption("ExplicitGCInvokesConcurrent").getValue())
                    && !Boolean.parseBoolean(hs.getVMOption("DisableExplicitGC").getValue());
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
