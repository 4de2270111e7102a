package io.kindling.scheduler;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/** The scheduler scopes of each thread and the global default; see {@link Scheduler}. */
final class SchedulerChoice {
    private static final ThreadLocal<Deque<Scheduler>> SCOPES = new ThreadLocal<>();
    private static final AtomicReference<Scheduler> GLOBAL = new AtomicReference<>();

    private SchedulerChoice() {
    }

    static Scheduler.Scope push(Scheduler scheduler) {
        Objects.requireNonNull(scheduler, "scheduler");
        Deque<Scheduler> existing = SCOPES.get();
        Deque<Scheduler> scopes = existing != null ? existing : new ArrayDeque<>();
        if (existing == null) {
            SCOPES.set(scopes);
        }
        scopes.push(scheduler);
        return new Scheduler.Scope() {
            private boolean closed;

            @Override
            public void close() {
                if (closed) {
                    return;
                }
                if (scopes.peek() != scheduler) {
                    throw new IllegalStateException("scheduler scopes closed out of order: close the innermost first");
                }
                closed = true;
                scopes.pop();
                if (scopes.isEmpty()) {
                    SCOPES.remove();
                }
            }
        };
    }

    static void setGlobal(Scheduler scheduler) {
        GLOBAL.set(scheduler);
    }

    static void clearGlobal(Scheduler scheduler) {
        GLOBAL.compareAndSet(scheduler, null);
    }

    static Scheduler current() {
        Deque<Scheduler> scopes = SCOPES.get();
        Scheduler scoped = scopes == null ? null : scopes.peek();
        if (scoped != null) {
            return scoped;
        }
        Scheduler global = GLOBAL.get();
        return global != null ? global : Scheduler.THREADS;
    }
}
