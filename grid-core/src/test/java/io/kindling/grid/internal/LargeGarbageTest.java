package io.kindling.grid.internal;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LargeGarbageTest {
    private static final long MIB = 1L << 20;

    /** A clock and a collection count the test moves by hand; a collection it asks for counts as one. */
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicLong collections = new AtomicLong();
    private final LargeGarbage garbage = new LargeGarbage(true, collections::incrementAndGet, collections::get, nanos::get);

    private void later(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void asksOnceEnoughLargeGarbageHasSettled() {
        garbage.noted(40 * MIB);
        later(100);
        assertFalse(garbage.askIfDue(), "40 MiB is under the threshold");
        garbage.noted(40 * MIB);
        later(LargeGarbage.SETTLE_MILLIS / 2);
        assertFalse(garbage.askIfDue(), "the write that let the object go may still hold it");
        later(LargeGarbage.SETTLE_MILLIS);
        assertTrue(garbage.askIfDue());
        assertEquals(1, collections.get());
        later(100);
        assertFalse(garbage.askIfDue(), "what was pending went in the collection it asked for");
    }

    @Test
    void smallObjectsAreLeftToTheYoungGeneration() {
        for (int i = 0; i < 100; i++) {
            garbage.noted(LargeGarbage.LARGE_BYTES - 1);
        }
        later(1_000);
        assertFalse(garbage.askIfDue());
        assertEquals(0, garbage.asked());
    }

    @Test
    void aCollectionOfTheJvmsOwnMeansNothingIsPending() {
        garbage.noted(100 * MIB);
        collections.incrementAndGet();
        later(1_000);
        assertFalse(garbage.askIfDue());
        assertEquals(0, garbage.asked());
    }

    @Test
    void asksAtMostOnceAGap() {
        garbage.noted(100 * MIB);
        later(50);
        assertTrue(garbage.askIfDue());
        garbage.noted(100 * MIB);
        later(50);
        assertFalse(garbage.askIfDue(), "asked " + 50 + " ms ago");
        later(LargeGarbage.MIN_GAP_MILLIS);
        assertTrue(garbage.askIfDue());
        assertEquals(2, garbage.asked());
    }

    @Test
    void aJvmThatWouldStopTheWorldIsNeverAsked() {
        LargeGarbage off = new LargeGarbage(false, collections::incrementAndGet, collections::get, nanos::get);
        off.noted(1_000 * MIB);
        later(1_000);
        assertFalse(off.askIfDue());
        assertEquals(0, collections.get());
    }
}
