package io.kindling.client;

import io.kindling.Delayed;
import io.kindling.graph.Fn1;
import io.kindling.scheduler.Scheduler;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.kindling.Delayed.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressBarTest {
    static final CountDownLatch DRAWN = new CountDownLatch(1);

    /** A task that returns only once the bar has drawn itself at least once. */
    public static int waitForBar(int x) throws InterruptedException {
        if (!DRAWN.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the progress bar never appeared");
        }
        return x;
    }

    private static List<String> progressThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("kindling-progress") && t.isAlive()) {
                names.add(t.getName());
            }
        }
        return names;
    }

    @Test
    void longComputation_drawsBarAndFinalLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                bytes.write(b);
                DRAWN.countDown();
            }
        }, true, StandardCharsets.UTF_8);
        Fn1<Integer, Integer> wait = ProgressBarTest::waitForBar;
        try (ProgressBar bar = new ProgressBar(Duration.ZERO, Duration.ofMillis(5), out).activate()) {
            assertEquals(1, delayed(wait, 1).compute(Scheduler.SYNC));
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("[########################################] | 100% Completed"), text);
        assertTrue(text.endsWith(System.lineSeparator()), text);
        assertEquals(List.of(), progressThreads());
    }

    @Test
    void quickComputation_printsNothing() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (ProgressBar bar = new ProgressBar(Duration.ofHours(1), Duration.ofMillis(5), out).activate()) {
            Fn1<Integer, Integer> abs = Math::abs;
            Delayed<Integer> x = delayed(abs, -3);
            assertEquals(3, x.compute(Scheduler.threads(2)));
        }
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(), progressThreads());
    }
}
