package io.kindling.scheduler;

import io.kindling.Delayed;
import io.kindling.graph.Graph;
import io.kindling.graph.Key;
import io.kindling.testing.Ops;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.kindling.Delayed.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallbackAndChoiceTest {
    /** Records every hook call. */
    static final class Recorder implements Callback {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger pre = new AtomicInteger();
        final AtomicInteger post = new AtomicInteger();

        @Override
        public void start(Graph graph) {
            events.add("start " + graph.size());
        }

        @Override
        public void pretask(Key key) {
            pre.incrementAndGet();
        }

        @Override
        public void posttask(Key key, Object result) {
            post.incrementAndGet();
        }

        @Override
        public void finish(Graph graph, Throwable error) {
            events.add("finish " + (error == null ? "ok" : "error"));
        }
    }

    private static Delayed<Integer> tree() {
        return delayed(Ops::add, delayed(Ops::dec, 7), delayed(Ops::inc, 6));
    }

    @Test
    void callbacks_seeEveryTask_onSyncAndThreads() {
        for (Scheduler s : List.of(Scheduler.SYNC, Scheduler.threads(2))) {
            Recorder r = new Recorder();
            try (Callback.Registration ignored = r.register()) {
                tree().compute(s);
            }
            assertEquals(List.of("start 3", "finish ok"), r.events, s.toString());
            assertEquals(3, r.pre.get());
            assertEquals(3, r.post.get());
        }
    }

    @Test
    void callbacks_afterClose_notCalled() {
        Recorder r = new Recorder();
        r.register().close();
        tree().compute(Scheduler.SYNC);
        assertEquals(List.of(), r.events);
    }

    @Test
    void callbacks_finishSeesError() {
        Recorder r = new Recorder();
        try (Callback.Registration ignored = r.register()) {
            assertThrows(TaskFailedException.class, () -> delayed(Ops::fail, 1).compute(Scheduler.SYNC));
        }
        assertEquals(List.of("start 1", "finish error"), r.events);
    }

    @Test
    void choice_argumentBeatsScopeBeatsGlobalBeatsThreads() {
        Scheduler a = Scheduler.threads(1);
        Scheduler b = Scheduler.threads(1);
        assertSame(Scheduler.THREADS, Scheduler.current());
        Scheduler.setDefault(a);
        try {
            assertSame(a, Scheduler.current());
            try (Scheduler.Scope outer = Scheduler.use(b)) {
                assertSame(b, Scheduler.current());
                try (Scheduler.Scope inner = Scheduler.use(Scheduler.SYNC)) {
                    assertSame(Scheduler.SYNC, Scheduler.current());
                    String name = delayed(CallbackAndChoiceTest::threadName, 1).compute();
                    assertEquals(Thread.currentThread().getName(), name, "sync runs on the caller");
                    String pooled = delayed(CallbackAndChoiceTest::threadName, 1).compute(b);
                    assertTrue(pooled.startsWith("kindling-threads-"), "the argument wins: " + pooled);
                }
                assertSame(b, Scheduler.current());
            }
            assertSame(a, Scheduler.current());
            Scheduler.clearDefault(b);
            assertSame(a, Scheduler.current(), "clearing another scheduler leaves the default alone");
        } finally {
            Scheduler.clearDefault(a);
        }
        assertSame(Scheduler.THREADS, Scheduler.current());
    }

    public static String threadName(int x) {
        return Thread.currentThread().getName();
    }

    @Test
    void scope_isPerThread() throws Exception {
        try (Scheduler.Scope s = Scheduler.use(Scheduler.SYNC)) {
            Scheduler[] seen = new Scheduler[1];
            Thread t = new Thread(() -> seen[0] = Scheduler.current());
            t.start();
            t.join();
            assertSame(Scheduler.THREADS, seen[0]);
        }
    }

    @Test
    void scope_closedOutOfOrder_rejected() {
        Scheduler.Scope outer = Scheduler.use(Scheduler.SYNC);
        Scheduler.Scope inner = Scheduler.use(Scheduler.THREADS);
        assertThrows(IllegalStateException.class, outer::close);
        inner.close();
        outer.close();
        assertSame(Scheduler.THREADS, Scheduler.current());
    }
}
