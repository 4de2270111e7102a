package io.kindling.client;

import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteAtomicReference;
import io.kindling.grid.internal.Claims;
import org.apache.ignite.IgniteException;
import org.apache.ignite.IgniteLock;
import org.apache.ignite.IgniteQueue;
import org.apache.ignite.IgniteSemaphore;
import org.apache.ignite.Ignition;
import org.apache.ignite.configuration.CollectionConfiguration;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Cluster-wide named coordination, as Dask's {@code Semaphore}, {@code Lock}, {@code Queue},
 * {@code Variable} and {@code Event}: any client or task of the cluster that names the same one
 * shares it. Built on Ignite's distributed data structures (kept with a backup copy), so no node
 * or client is a single point of failure: the leases of a semaphore or lock held by a node or
 * thick client that dies are released, as Dask's are when a holder's lease times out.
 *
 * <p>From a client: {@link Client#semaphore}, {@link Client#lock}, {@link Client#queue},
 * {@link Client#variable}, {@link Client#event}. Inside a task: {@link #here()}, such as
 * {@code Coordination.here().semaphore("downloads", 4)} for "at most 4 downloads at once,
 * cluster-wide". Thick clients and tasks only: the thin client has no access to Ignite's data
 * structures. Values in queues and variables travel as task arguments do; a {@link Future} put
 * into one waits to finish, then keeps its data on the cluster while the queue or variable holds
 * it (beside its own client's hold), and whoever takes it gets a future of its own client for
 * the same data, as Dask's queues and variables hand futures between clients.
 *
 * <p>Why one file of this size: five small handles over one Ignite instance, each a few lines
 * over the Ignite structure it wraps, with the naming and error translation they share; apart,
 * each would be a file of that shared preamble and little else.
 */
public final class Coordination {
    private static final String PREFIX = "kindling-";
    private final Ignite ignite;
    /** The client that takes futures out of queues and variables: the caller's, or inside a task its node's. */
    private final java.util.function.Supplier<ClientCore> receiver;

    private Coordination(Ignite ignite, java.util.function.Supplier<ClientCore> receiver) {
        this.ignite = ignite;
        this.receiver = receiver;
    }

    static Coordination of(Ignite ignite, ClientCore client) {
        return new Coordination(ignite, () -> client);
    }

    /**
     * The coordination of the cluster this code runs in: inside a task, that task's node; in a
     * JVM with one Ignite node, that node.
     *
     * @throws CoordinationException if no Ignite node runs here (use a client's methods instead)
     */
    public static Coordination here() {
        try {
            return new Coordination(Ignition.localIgnite(), () -> Client.current().core());
        } catch (IgniteException | IllegalArgumentException e) {
            throw new CoordinationException("no Ignite node runs in this thread or JVM: call Coordination.here() "
                    + "inside a task, or use client.semaphore(...), client.queue(...) and the like", e);
        }
    }

    private static String checkedName(String name) {
        Objects.requireNonNull(name, "a coordination object needs a name, not null");
        if (name.isBlank()) {
            throw new CoordinationException("a coordination object needs a name that is not blank");
        }
        return name;
    }

    private static long millis(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout must not be null (use the method without a timeout to wait without one)");
        return Math.max(0, timeout.toMillis());
    }

    /**
     * What goes into a queue or variable for {@code value}: the value itself, or for a future a
     * hold of its own on the future's data ({@link Datasets#hand}), which the taker turns into a
     * future of its client ({@link #received}).
     */
    private static Object handed(Object value, String kind, String name) {
        if (!(value instanceof Future<?> f)) {
            return value;
        }
        String where = kind.substring(0, kind.length() - 1) + " '" + name + "'";
        try {
            return f.client().datasets.hand(f, Datasets.holder(kind, name), "cannot put a future into " + where);
        } catch (DatasetException e) {
            throw new CoordinationException(e.getMessage(), e);
        }
    }

    /** What a taker gets for {@code stored}: the value, or a future of the receiving client for a handed one. */
    private Object received(Object stored, String gone) {
        if (!(stored instanceof Datasets.Handed h)) {
            return stored;
        }
        try {
            return receiver.get().datasets.adopt(h.item(), gone);
        } catch (DatasetException e) {
            throw new CoordinationException(e.getMessage(), e);
        }
    }

    /** Lets go of the hold a handed value had in a queue or variable (best effort: a dead cluster took it). */
    private void released(Object stored) {
        if (stored instanceof Datasets.Handed h) {
            receiver.get().datasets.drop(h.holder(), List.of(h.item()));
        }
    }

    /** Whether {@code e} or one of its causes is an interruption of the waiting thread. */
    private static boolean interruption(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof InterruptedException || c instanceof org.apache.ignite.IgniteInterruptedException) {
                return true;
            }
        }
        return false;
    }

    /**
     * What a timed wait that could not {@code what} throws: the {@link InterruptedException} the
     * JDK's timed waits throw (the flag cleared) if it was interrupted, else as {@link #failed}.
     */
    private static RuntimeException failedWait(String what, RuntimeException e) throws InterruptedException {
        if (interruption(e)) {
            Thread.interrupted();
            InterruptedException out = new InterruptedException("interrupted while waiting to " + what);
            out.initCause(e);
            throw out;
        }
        return failed(what, e);
    }

    /** Waits until {@code condition} holds, at most {@code millis}; returns whether it held. */
    private static boolean await(BooleanSupplier condition, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long pause = TimeUnit.MILLISECONDS.toNanos(1);
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting");
            }
            LockSupport.parkNanos(Math.min(left, pause));
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(50));
        }
        return true;
    }

    private static RuntimeException failed(String what, RuntimeException e) {
        if (e instanceof CoordinationException c) {
            return c;
        }
        if (interruption(e)) {
            Thread.currentThread().interrupt();
            return new CoordinationException("interrupted while waiting to " + what
                    + " (the thread's interrupt flag is kept)", e);
        }
        return new CoordinationException("could not " + what + ": " + e.getMessage()
                + " (is the cluster up? a removed object must be made again with its name)", e);
    }

    /** A semaphore of {@code maxLeases} leases, created by the first caller of this name (Dask's {@code Semaphore}). */
    public Semaphore semaphore(String name, int maxLeases) {
        if (maxLeases < 1) {
            throw new CoordinationException("a semaphore needs at least one lease, not " + maxLeases);
        }
        return new Semaphore(this, PREFIX + "semaphore-" + checkedName(name), name, maxLeases);
    }

    /** A lock: a semaphore of one lease, under a name of its own (Dask's {@code Lock}). */
    public Lock lock(String name) {
        return new Lock(new Semaphore(this, PREFIX + "lock-" + checkedName(name), name, 1));
    }

    /** An unbounded first-in first-out queue (Dask's {@code Queue}). */
    public <T> Queue<T> queue(String name) {
        return queue(name, 0);
    }

    /** A queue of at most {@code maxSize} items (0: unbounded), created by the first caller of this name. */
    public <T> Queue<T> queue(String name, int maxSize) {
        if (maxSize < 0) {
            throw new CoordinationException("a queue's maxSize is 0 (unbounded) or more, not " + maxSize);
        }
        CollectionConfiguration c = new CollectionConfiguration();
        c.setBackups(1);
        c.setCollocated(true);
        try {
            IgniteQueue<Object> q = ignite.queue(PREFIX + "queue-" + checkedName(name), maxSize, c);
            return new Queue<>(this, q, name);
        } catch (RuntimeException e) {
            throw failed("open queue '" + name + "'", e);
        }
    }

    /** A variable holding one value at a time, unset at first (Dask's {@code Variable}). */
    public <T> Variable<T> variable(String name) {
        String full = PREFIX + "variable-" + checkedName(name);
        try {
            return new Variable<>(this, reference(full), ignite.reentrantLock(full + "-lock", true, false, true), name);
        } catch (RuntimeException e) {
            throw failed("open variable '" + name + "'", e);
        }
    }

    /** An event, clear at first (Dask's {@code Event}). */
    public Event event(String name) {
        return new Event(reference(PREFIX + "event-" + checkedName(name)), name);
    }

    private IgniteAtomicReference<Object[]> reference(String fullName) {
        try {
            return ignite.atomicReference(fullName, (Object[]) null, true);
        } catch (RuntimeException e) {
            throw failed("open '" + fullName + "'", e);
        }
    }

    /**
     * A cluster-wide semaphore. Leases are held by this handle's node (client or server): when it
     * dies, its leases return. A handle counts what it holds, so that it cannot give back more.
     */
    public static final class Semaphore {
        private final Coordination owner;
        private final String fullName;
        private final String name;
        private final int maxLeases;
        private final AtomicInteger held = new AtomicInteger();
        private volatile IgniteSemaphore semaphore;

        private Semaphore(Coordination owner, String fullName, String name, int maxLeases) {
            this.owner = owner;
            this.fullName = fullName;
            this.name = name;
            this.maxLeases = maxLeases;
            this.semaphore = open();
        }

        private IgniteSemaphore open() {
            try {
                return owner.ignite.semaphore(fullName, maxLeases, true, true);
            } catch (RuntimeException e) {
                throw failed("open semaphore '" + name + "'", e);
            }
        }

        /** Waits for a lease, without a bound. */
        public void acquire() {
            try {
                semaphore.acquire();
                held.incrementAndGet();
            } catch (RuntimeException e) {
                throw failed("acquire a lease of '" + name + "'", e);
            }
        }

        /**
         * Waits at most {@code timeout} for a lease; returns whether it got one.
         *
         * @throws InterruptedException if this thread is interrupted while it waits
         */
        public boolean acquire(Duration timeout) throws InterruptedException {
            try {
                boolean got = semaphore.tryAcquire(millis(timeout), TimeUnit.MILLISECONDS);
                if (got) {
                    held.incrementAndGet();
                }
                return got;
            } catch (RuntimeException e) {
                throw failedWait("acquire a lease of '" + name + "'", e);
            }
        }

        /**
         * Gives back a lease this handle holds.
         *
         * @throws CoordinationException if it holds none (released more often than acquired)
         */
        public void release() {
            if (held.getAndUpdate(n -> Math.max(0, n - 1)) == 0) {
                throw new CoordinationException("'" + name + "' was released more often than this handle acquired it");
            }
            try {
                semaphore.release();
            } catch (RuntimeException e) {
                throw failed("release a lease of '" + name + "'", e);
            }
        }

        /** Leases in use now, cluster-wide (Dask's {@code get_value}). */
        public int leasesInUse() {
            try {
                return maxLeases - semaphore.availablePermits();
            } catch (RuntimeException e) {
                throw failed("read semaphore '" + name + "'", e);
            }
        }

        /** The most leases out at once. */
        public int maxLeases() {
            return maxLeases;
        }

        /** Runs {@code body} holding a lease, waiting at most {@code timeout} for it. */
        public <T> T withLease(Duration timeout, java.util.concurrent.Callable<T> body) throws Exception {
            if (!acquire(timeout)) {
                throw new TimeoutException("no lease of '" + name + "' within " + timeout);
            }
            try {
                return body.call();
            } finally {
                release();
            }
        }

        /** Removes the semaphore from the cluster (Dask's {@code close}); its name can be made again. */
        public void close() {
            try {
                semaphore.close();
            } catch (RuntimeException e) {
                throw failed("remove semaphore '" + name + "'", e);
            }
        }
    }

    /** A cluster-wide lock: one holder at a time; the holder's death releases it. Not reentrant, as Dask's. */
    public static final class Lock {
        private final Semaphore semaphore;

        private Lock(Semaphore semaphore) {
            this.semaphore = semaphore;
        }

        /** Waits for the lock, without a bound. */
        public void acquire() {
            semaphore.acquire();
        }

        /**
         * Waits at most {@code timeout} for the lock; returns whether it got it.
         *
         * @throws InterruptedException if this thread is interrupted while it waits
         */
        public boolean acquire(Duration timeout) throws InterruptedException {
            return semaphore.acquire(timeout);
        }

        /** Releases the lock this handle holds ({@link CoordinationException} if it holds none). */
        public void release() {
            semaphore.release();
        }

        /** Whether anyone holds it now. */
        public boolean locked() {
            return semaphore.leasesInUse() > 0;
        }
    }

    /**
     * A cluster-wide first-in first-out queue, kept with a backup copy. A future put into it (Dask's
     * queues carry futures) keeps its data on the cluster until taken, even if its client lets go;
     * the taker gets a future of its own client for the same data.
     */
    public static final class Queue<T> {
        private final Coordination owner;
        private final IgniteQueue<Object> queue;
        private final String name;

        private Queue(Coordination owner, IgniteQueue<Object> queue, String name) {
            this.owner = owner;
            this.queue = queue;
            this.name = name;
        }

        private Object stored(T value) {
            Objects.requireNonNull(value, "a queue holds values, not null");
            return handed(value, Claims.QUEUE_HOLDER, name);
        }

        /** Adds {@code value} at the end, waiting without a bound while the queue is full. */
        public void put(T value) {
            Object stored = stored(value);
            try {
                queue.put(stored);
            } catch (RuntimeException e) {
                owner.released(stored);
                throw failed("put into queue '" + name + "'", e);
            }
        }

        /**
         * Adds {@code value} at the end, waiting at most {@code timeout} while the queue is full.
         *
         * @throws TimeoutException if it stayed full
         * @throws InterruptedException if this thread is interrupted while it waits
         */
        public void put(T value, Duration timeout) throws TimeoutException, InterruptedException {
            long millis = millis(timeout);
            Object stored = stored(value);
            boolean put = false;
            try {
                put = queue.offer(stored, millis, TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                throw failedWait("put into queue '" + name + "'", e);
            } finally {
                if (!put) {
                    owner.released(stored);
                }
            }
            if (!put) {
                throw new TimeoutException("queue '" + name + "' stayed full for " + timeout);
            }
        }

        /** Takes the first value, waiting without a bound while the queue is empty. */
        public T get() {
            Object v;
            try {
                v = queue.take();
            } catch (RuntimeException e) {
                throw failed("get from queue '" + name + "'", e);
            }
            return taken(v);
        }

        /**
         * Takes the first value, waiting at most {@code timeout} while the queue is empty.
         *
         * @throws TimeoutException if it stayed empty
         * @throws InterruptedException if this thread is interrupted while it waits
         */
        public T get(Duration timeout) throws TimeoutException, InterruptedException {
            Object v;
            try {
                v = queue.poll(millis(timeout), TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                throw failedWait("get from queue '" + name + "'", e);
            }
            if (v == null) {
                throw new TimeoutException("queue '" + name + "' stayed empty for " + timeout);
            }
            return taken(v);
        }

        /** The value for an item taken out: a future takes over the item's hold on its data. */
        @SuppressWarnings("unchecked")
        private T taken(Object v) {
            try {
                return (T) owner.received(v, "a future taken from queue '" + name + "' has lost its data: every "
                        + "holder let it go");
            } finally {
                owner.released(v);
            }
        }

        /** How many values it holds now (Dask's {@code qsize}). */
        public int size() {
            try {
                return queue.size();
            } catch (RuntimeException e) {
                throw failed("read queue '" + name + "'", e);
            }
        }

        /** Removes the queue and what it holds from the cluster (futures in it let go of their data). */
        public void close() {
            try {
                for (Object v = queue.poll(); v != null; v = queue.poll()) {
                    owner.released(v);
                }
                queue.close();
            } catch (RuntimeException e) {
                throw failed("remove queue '" + name + "'", e);
            }
        }
    }

    /**
     * A cluster-wide variable: one value at a time (null allowed), unset until set. A future set
     * as its value keeps its data on the cluster until the variable is set again or deleted, even
     * if its client lets go; a reader gets a future of its own client for the same data.
     */
    public static final class Variable<T> {
        private final Coordination owner;
        private final IgniteAtomicReference<Object[]> ref;
        /** Setters take it, so that each replaced value's hold is let go exactly once. */
        private final IgniteLock setting;
        private final String name;

        private Variable(Coordination owner, IgniteAtomicReference<Object[]> ref, IgniteLock setting, String name) {
            this.owner = owner;
            this.ref = ref;
            this.setting = setting;
            this.name = name;
        }

        /** Sets the value, replacing the one before. */
        public void set(T value) {
            replace(new Object[] {handed(value, Claims.VARIABLE_HOLDER, name)}, "set variable '" + name + "'");
        }

        private void replace(Object[] now, String what) {
            Object[] before;
            try {
                if (!setting.tryLock(ClientCore.CONTROL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                    throw new CoordinationException("could not " + what + ": another setter held it for "
                            + ClientCore.CONTROL_TIMEOUT_MILLIS + " ms");
                }
                try {
                    before = ref.get();
                    ref.set(now);
                } finally {
                    setting.unlock();
                }
            } catch (RuntimeException e) {
                if (now != null) {
                    owner.released(now[0]);
                }
                throw failed(what, e);
            }
            if (before != null) {
                owner.released(before[0]);
            }
        }

        /**
         * The value, waiting at most {@code timeout} for one to be set (Dask's {@code get(timeout)}).
         *
         * @throws TimeoutException if none was set in time
         * @throws InterruptedException if this thread is interrupted while it waits
         */
        @SuppressWarnings("unchecked")
        public T get(Duration timeout) throws TimeoutException, InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            for (int attempt = 0; ; attempt++) {
                Object[][] seen = new Object[1][];
                boolean set;
                try {
                    set = await(() -> (seen[0] = ref.get()) != null,
                            Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                } catch (RuntimeException e) {
                    throw failed("read variable '" + name + "'", e);
                }
                if (!set) {
                    throw new TimeoutException("variable '" + name + "' was not set within " + timeout);
                }
                try {
                    return (T) owner.received(seen[0][0], "the future in variable '" + name + "' has lost its data: "
                            + "the variable was set again or deleted while it was read");
                } catch (CoordinationException replaced) {
                    // Set again while read: the new value is there to read, unless this keeps happening.
                    if (attempt >= 100 || sameHold(seen[0], ref.get())) {
                        throw replaced;
                    }
                }
            }
        }

        /** Whether {@code now} is still the value {@code seen} was (a handed one is known by its holder). */
        private static boolean sameHold(Object[] seen, Object[] now) {
            return now != null && seen[0] instanceof Datasets.Handed a && now[0] instanceof Datasets.Handed b
                    && a.holder().equals(b.holder());
        }

        /** Whether it holds a value now. */
        public boolean isSet() {
            try {
                return ref.get() != null;
            } catch (RuntimeException e) {
                throw failed("read variable '" + name + "'", e);
            }
        }

        /** Unsets it (Dask's {@code delete}); a future it held lets go of its data. */
        public void delete() {
            replace(null, "delete variable '" + name + "'");
        }
    }

    /** A cluster-wide event: clear until set; waiters return once it is set. */
    public static final class Event {
        private static final Object[] SET = {Boolean.TRUE};
        private final IgniteAtomicReference<Object[]> ref;
        private final String name;

        private Event(IgniteAtomicReference<Object[]> ref, String name) {
            this.ref = ref;
            this.name = name;
        }

        /** Sets it: every waiter returns. */
        public void set() {
            try {
                ref.set(SET);
            } catch (RuntimeException e) {
                throw failed("set event '" + name + "'", e);
            }
        }

        /** Clears it: waiters wait again. */
        public void clear() {
            try {
                ref.set(null);
            } catch (RuntimeException e) {
                throw failed("clear event '" + name + "'", e);
            }
        }

        /** Whether it is set now. */
        public boolean isSet() {
            try {
                return ref.get() != null;
            } catch (RuntimeException e) {
                throw failed("read event '" + name + "'", e);
            }
        }

        /**
         * Waits at most {@code timeout} for it to be set; returns whether it is (Dask's {@code wait}).
         *
         * @throws InterruptedException if this thread is interrupted while it waits
         */
        public boolean await(Duration timeout) throws InterruptedException {
            try {
                return Coordination.await(() -> ref.get() != null, millis(timeout));
            } catch (RuntimeException e) {
                throw failed("wait for event '" + name + "'", e);
            }
        }
    }
}
