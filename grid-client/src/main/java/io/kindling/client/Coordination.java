package io.kindling.client;

import io.kindling.KindlingException;
import io.kindling.grid.internal.Claims;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Cluster-wide named coordination, as Dask's {@code Semaphore}, {@code Lock}, {@code Queue},
 * {@code Variable} and {@code Event}: any client (thick or thin) or task of the cluster that
 * names the same one shares it.
 *
 * <p>All five live in one replicated table of the cluster ({@value Claims#COORDINATION}), changed
 * only by atomic single-entry operations (put-if-absent, compare-and-replace, get-and-remove), so
 * no node or client is a single point of failure and a thin client reaches them as a thick one
 * does. A semaphore's or lock's lease is an entry naming its holder's client: once that client's
 * lease on the cluster is gone (it closed, or died and its lease ran out, 10 s by default) its
 * leases are free again, as Dask's are when a holder's lease times out.
 *
 * <p>From a client: {@link Client#semaphore}, {@link Client#lock}, {@link Client#queue},
 * {@link Client#variable}, {@link Client#event}. Inside a task: {@link #here()}, such as
 * {@code Coordination.here().semaphore("downloads", 4)} for "at most 4 downloads at once,
 * cluster-wide". Values in queues and variables are stored as data is; a {@link Future} put
 * into one waits to finish, then keeps its data on the cluster while the queue or variable holds
 * it (beside its own client's hold), and whoever takes it gets a future of its own client for
 * the same data, as Dask's queues and variables hand futures between clients.
 *
 * <p>Waits poll the table, every millisecond at first and every 50 ms at most; each poll is one
 * or two reads. As in Dask, a semaphore is not fair: a waiter may overtake an older one.
 *
 * <p>Why one file of this size: five small handles over one table, with the naming, waiting and
 * error translation they share; apart, each would be a file of that shared preamble and little
 * else.
 */
public final class Coordination {
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final AtomicLong HOLDS = new AtomicLong();

    /** What fills a queue entry whose item was taken, until the head has moved past it. */
    enum Mark {
        TAKEN
    }

    /** The client that holds leases and takes futures out of queues and variables. */
    private final ClientCore client;
    private final SharedTable<Object> table;

    private Coordination(ClientCore client) {
        this.client = client;
        try {
            this.table = client.backend.table(Claims.COORDINATION);
        } catch (RuntimeException e) {
            throw failed("open the cluster's coordination table", e);
        }
    }

    static Coordination of(ClientCore client) {
        return new Coordination(client);
    }

    /**
     * The coordination of the cluster this code runs in: inside a task, that of the task's node
     * (through the node's client, {@link Client#current()}); outside a task, that of this JVM's
     * newest open client.
     *
     * @throws CoordinationException if no client is open here (use a client's methods instead)
     */
    public static Coordination here() {
        Client c;
        try {
            c = Client.current();
        } catch (KindlingException e) {
            throw new CoordinationException("Coordination.here() found no client: call it inside a task, or open "
                    + "a client first and use client.semaphore(...), client.queue(...) and the like", e);
        }
        return c.coordination();
    }

    private static String checkedName(String name) {
        Objects.requireNonNull(name, "a coordination object needs a name, not null");
        if (name.isBlank() || name.indexOf('\0') >= 0) {
            throw new CoordinationException("a coordination object needs a name that is not blank and has no "
                    + "NUL character, not '" + name.replace('\0', '?') + "'");
        }
        return name;
    }

    /** The table key of the {@code kind} object {@code name}; its parts add a suffix after a NUL. */
    private static String key(String kind, String name) {
        return kind + ":" + checkedName(name);
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
            return client.datasets.adopt(h.item(), gone);
        } catch (DatasetException e) {
            throw new CoordinationException(e.getMessage(), e);
        }
    }

    /** Lets go of the hold a handed value had in a queue or variable (best effort: a dead cluster took it). */
    private void released(Object stored) {
        if (stored instanceof Datasets.Handed h) {
            client.datasets.drop(h.holder(), List.of(h.item()));
        }
    }

    /**
     * Tries {@code attempt} until it gives a value, at most {@code millis} (no bound for
     * {@link Long#MAX_VALUE}); returns null if none came in time.
     *
     * @throws InterruptedException if this thread is interrupted while it waits (the flag cleared)
     */
    private static <T> T poll(Supplier<T> attempt, long millis) throws InterruptedException {
        long start = System.nanoTime();
        long span = TimeUnit.MILLISECONDS.toNanos(millis);
        long pause = TimeUnit.MILLISECONDS.toNanos(1);
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting");
            }
            T got = attempt.get();
            long left = span - (System.nanoTime() - start);
            if (got != null || left <= 0) {
                return got;
            }
            LockSupport.parkNanos(Math.min(left, pause));
            pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
        }
    }

    /** {@link #poll} without a bound, for the untimed waits: an interrupt keeps the flag and throws unchecked. */
    private static <T> T pollUntimed(Supplier<T> attempt, String what) {
        try {
            return poll(attempt, Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinationException("interrupted while waiting to " + what
                    + " (the thread's interrupt flag is kept)", e);
        } catch (RuntimeException e) {
            throw failed(what, e);
        }
    }

    /** {@link #poll} with a bound, for the timed waits. */
    private static <T> T pollTimed(Supplier<T> attempt, Duration timeout, String what) throws InterruptedException {
        long millis = millis(timeout);
        try {
            return poll(attempt, millis);
        } catch (RuntimeException e) {
            throw failed(what, e);
        }
    }

    private static CoordinationException failed(String what, RuntimeException e) {
        if (e instanceof CoordinationException c) {
            return c;
        }
        return new CoordinationException("could not " + what + ": " + e.getMessage() + " (is the cluster up?)", e);
    }

    /**
     * A semaphore of {@code maxLeases} leases (Dask's {@code Semaphore}). The first caller of a name
     * sets its number of leases; later callers share that one, whatever number they give (Dask
     * warns then), and {@link Semaphore#maxLeases()} tells it.
     */
    public Semaphore semaphore(String name, int maxLeases) {
        if (maxLeases < 1) {
            throw new CoordinationException("a semaphore needs at least one lease, not " + maxLeases);
        }
        return new Semaphore(this, key("semaphore", name), name, maxLeases);
    }

    /** A lock: a semaphore of one lease, under a name of its own (Dask's {@code Lock}). */
    public Lock lock(String name) {
        return new Lock(new Semaphore(this, key("lock", name), name, 1));
    }

    /** An unbounded first-in first-out queue (Dask's {@code Queue}). */
    public <T> Queue<T> queue(String name) {
        return queue(name, 0);
    }

    /**
     * A queue of at most {@code maxSize} items (0: unbounded). The first caller of a name sets its
     * bound; later callers share that one.
     */
    public <T> Queue<T> queue(String name, int maxSize) {
        if (maxSize < 0) {
            throw new CoordinationException("a queue's maxSize is 0 (unbounded) or more, not " + maxSize);
        }
        return new Queue<>(this, key("queue", name), name, maxSize);
    }

    /** A variable holding one value at a time, unset at first (Dask's {@code Variable}). */
    public <T> Variable<T> variable(String name) {
        return new Variable<>(this, key("variable", name), name);
    }

    /** An event, clear at first (Dask's {@code Event}). */
    public Event event(String name) {
        return new Event(this, key("event", name), name);
    }

    /** Writes {@code value} under {@code meta} unless there is one; returns the one there. */
    private int setting(String meta, int value, String what) {
        try {
            table.putIfAbsent(meta, value);
            Object stored = table.get(meta);
            return stored instanceof Integer n ? n : value;
        } catch (RuntimeException e) {
            throw failed(what, e);
        }
    }

    /**
     * A cluster-wide semaphore. A lease is held by this handle's client: when the client closes,
     * or dies and its lease on the cluster runs out, its leases return. A handle counts what it
     * holds, so that it cannot give back more.
     */
    public static final class Semaphore {
        private final Coordination owner;
        private final String meta;
        private final String name;
        private final int maxLeases;
        /** The slots this handle holds, each as {slot key, holder}. */
        private final ConcurrentLinkedDeque<String[]> held = new ConcurrentLinkedDeque<>();

        private Semaphore(Coordination owner, String meta, String name, int maxLeases) {
            this.owner = owner;
            this.meta = meta;
            this.name = name;
            this.maxLeases = owner.setting(meta, maxLeases, "open semaphore '" + name + "'");
        }

        private Set<String> slots() {
            Set<String> out = new LinkedHashSet<>();
            for (int i = 0; i < maxLeases; i++) {
                out.add(meta + '\0' + i);
            }
            return out;
        }

        private static String clientOf(Object holder) {
            String h = String.valueOf(holder);
            int slash = h.lastIndexOf('/');
            return slash < 0 ? h : h.substring(0, slash);
        }

        /** One try for a free slot, freeing those of dead holders once; returns TRUE or null. */
        private Boolean tryOnce() {
            String holder = owner.client.clientId + "/" + HOLDS.incrementAndGet();
            for (int round = 0; round < 2; round++) {
                Map<String, Object> taken = owner.table.getAll(slots());
                List<String> free = new ArrayList<>();
                for (String s : slots()) {
                    if (!taken.containsKey(s)) {
                        free.add(s);
                    }
                }
                int start = free.isEmpty() ? 0 : ThreadLocalRandom.current().nextInt(free.size());
                for (int k = 0; k < free.size(); k++) {
                    String s = free.get((start + k) % free.size());
                    if (owner.table.putIfAbsent(s, holder)) {
                        held.push(new String[] {s, holder});
                        return Boolean.TRUE;
                    }
                }
                if (!freeDead(taken)) {
                    return null;
                }
            }
            return null;
        }

        /** Frees the slots whose holder's client has no lease; returns whether it freed any. */
        private boolean freeDead(Map<String, Object> taken) {
            if (taken.isEmpty()) {
                return false;
            }
            Set<String> clients = new LinkedHashSet<>();
            taken.values().forEach(h -> clients.add(clientOf(h)));
            Set<String> alive = owner.client.backend.leased(clients);
            boolean freed = false;
            for (Map.Entry<String, Object> e : taken.entrySet()) {
                if (!alive.contains(clientOf(e.getValue()))) {
                    freed |= owner.table.remove(e.getKey(), e.getValue());
                }
            }
            return freed;
        }

        /** Waits for a lease, without a bound. */
        public void acquire() {
            pollUntimed(this::tryOnce, "acquire a lease of '" + name + "'");
        }

        /**
         * Waits at most {@code timeout} for a lease; returns whether it got one.
         *
         * @throws InterruptedException if this thread is interrupted while it waits
         */
        public boolean acquire(Duration timeout) throws InterruptedException {
            return pollTimed(this::tryOnce, timeout, "acquire a lease of '" + name + "'") != null;
        }

        /**
         * Gives back a lease this handle holds. A lease taken from this client because its lease
         * on the cluster had run out is not given back twice.
         *
         * @throws CoordinationException if it holds none (released more often than acquired)
         */
        public void release() {
            String[] slot = held.poll();
            if (slot == null) {
                throw new CoordinationException("'" + name + "' was released more often than this handle acquired it");
            }
            try {
                owner.table.remove(slot[0], slot[1]);
            } catch (RuntimeException e) {
                throw failed("release a lease of '" + name + "'", e);
            }
        }

        /** Leases held now by live clients, cluster-wide (Dask's {@code get_value}). */
        public int leasesInUse() {
            try {
                Map<String, Object> taken = owner.table.getAll(slots());
                Set<String> clients = new LinkedHashSet<>();
                taken.values().forEach(h -> clients.add(clientOf(h)));
                Set<String> alive = owner.client.backend.leased(clients);
                int n = 0;
                for (Object h : taken.values()) {
                    n += alive.contains(clientOf(h)) ? 1 : 0;
                }
                return n;
            } catch (RuntimeException e) {
                throw failed("read semaphore '" + name + "'", e);
            }
        }

        /** The most leases out at once: those its first caller gave. */
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

        /** Removes the semaphore and its leases from the cluster (Dask's {@code close}); its name can be made again. */
        public void close() {
            try {
                Set<String> keys = slots();
                keys.add(meta);
                owner.table.removeAll(keys);
                held.clear();
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

        /** Whether a live client holds it now. */
        public boolean locked() {
            return semaphore.leasesInUse() > 0;
        }
    }

    /**
     * A cluster-wide first-in first-out queue. A future put into it (Dask's queues carry futures)
     * keeps its data on the cluster until taken, even if its client lets go; the taker gets a
     * future of its own client for the same data.
     *
     * <p>Item {@code i} is the entry {@code i} after the queue's key. Two counters go with it: the
     * head (the next item to take) and a hint of the tail (one past the last item put). A take
     * first holds a future in the head's item for its own client, then swaps the item for a
     * "taken" mark (get-and-put, so exactly one taker gets it; a taker that lost lets go), moves
     * the head on, then removes the mark; whoever finds the mark at the head (its taker died
     * between the steps) moves the head on for it. A put writes its item into the first empty
     * entry at or past the tail hint with put-if-absent (a mark fills its entry, so no put lands
     * behind a take), then reads the head: had the head moved past the entry meanwhile, the put
     * takes the item back and puts it again, unless a taker that read the head before it moved
     * took it.
     */
    public static final class Queue<T> {
        private final Coordination owner;
        private final String meta;
        private final String head;
        private final String tail;
        private final String name;
        private final int maxSize;

        private Queue(Coordination owner, String meta, String name, int maxSize) {
            this.owner = owner;
            this.meta = meta;
            this.head = meta + "\0head";
            this.tail = meta + "\0tail";
            this.name = name;
            this.maxSize = owner.setting(meta, maxSize, "open queue '" + name + "'");
        }

        private String item(long i) {
            return meta + '\0' + i;
        }

        private long counter(String key) {
            Object v = owner.table.get(key);
            if (v instanceof Long n) {
                return n;
            }
            owner.table.putIfAbsent(key, 0L);
            return owner.table.get(key) instanceof Long n ? n : 0L;
        }

        /** Moves the head on from {@code h}, whose item is taken, and removes the mark (if nobody did yet). */
        private void advance(long h) {
            if (owner.table.replace(head, h, h + 1)) {
                owner.table.remove(item(h), Mark.TAKEN);
            }
        }

        /** One try to add {@code stored}: TRUE, or null while the queue is full. */
        private Boolean offerOnce(Object stored) {
            long h = counter(head);
            long t = Math.max(counter(tail), h);
            while (true) {
                if (maxSize > 0 && t - h >= maxSize) {
                    if (owner.table.get(item(h)) == Mark.TAKEN) {
                        advance(h);
                    }
                    long now = counter(head);
                    if (now == h) {
                        return null;
                    }
                    h = now;
                    t = Math.max(t, h);
                    continue;
                }
                if (!owner.table.putIfAbsent(item(t), stored)) {
                    t++;
                    continue;
                }
                long now = counter(head);
                if (now > t) {
                    // The head passed this entry before it was written: take the item back and put it again.
                    Object back = owner.table.getAndRemove(item(t));
                    if (back == null || back == Mark.TAKEN) {
                        return Boolean.TRUE;   // a taker that had read the head before it moved took it
                    }
                    stored = back;
                    h = now;
                    t = now;
                    continue;
                }
                for (long cur = counter(tail); cur < t + 1 && !owner.table.replace(tail, cur, t + 1); ) {
                    cur = counter(tail);
                }
                return Boolean.TRUE;
            }
        }

        /**
         * One try to take the first item: its value, or null while the queue is empty. With
         * {@code adopt}, a future in it becomes a future of this client before the item is taken,
         * so that a taker killed in between leaves the item in the queue, not a hold nobody lets
         * go; the item's own hold on the data goes once it is taken.
         */
        private Object takeOnce(boolean adopt) {
            while (true) {
                long h = counter(head);
                Object v = owner.table.get(item(h));
                if (v == null) {
                    if (counter(head) == h) {
                        return null;
                    }
                    continue;
                }
                if (v == Mark.TAKEN) {
                    advance(h);
                    continue;
                }
                Received mine = adopt ? received(v) : new Received(v, null);
                Object w = owner.table.getAndPut(item(h), Mark.TAKEN);
                if (w == null) {
                    // Its put took it back (the head had passed it): drop the mark this left behind.
                    owner.table.remove(item(h), Mark.TAKEN);
                    mine.drop();
                    continue;
                }
                if (w == Mark.TAKEN) {
                    advance(h);   // another taker was first
                    mine.drop();
                    continue;
                }
                advance(h);
                if (!sameItem(v, w)) {
                    mine.drop();   // the entry was filled again meanwhile: this taker has that item
                    mine = adopt ? received(w) : new Received(w, null);
                }
                owner.released(w);
                return mine.value();
            }
        }

        /** What taking {@code stored} gives this client: its value, or the error of a future whose data is gone. */
        private Received received(Object stored) {
            try {
                return new Received(owner.received(stored, "a future taken from queue '" + name + "' has lost its "
                        + "data: every holder let it go"), null);
            } catch (CoordinationException e) {
                return new Received(null, e);
            }
        }

        private static boolean sameItem(Object a, Object b) {
            if (a instanceof Datasets.Handed x && b instanceof Datasets.Handed y) {
                return x.holder().equals(y.holder());
            }
            return !(a instanceof Datasets.Handed) && !(b instanceof Datasets.Handed) && Objects.equals(a, b);
        }

        /** A taken item's value for this client, or why it has none. */
        private record Received(Object taken, CoordinationException error) {
            Object value() {
                if (error != null) {
                    throw error;
                }
                return taken;
            }

            /** Lets go of a future made for an item this taker did not get. */
            void drop() {
                if (taken instanceof Future<?> f) {
                    f.release();
                }
            }
        }

        private Object stored(T value) {
            Objects.requireNonNull(value, "a queue holds values, not null");
            return handed(value, Claims.QUEUE_HOLDER, name);
        }

        /** Adds {@code value} at the end, waiting without a bound while the queue is full. */
        public void put(T value) {
            Object stored = stored(value);
            boolean put = false;
            try {
                put = pollUntimed(() -> offerOnce(stored), "put into queue '" + name + "'") != null;
            } finally {
                if (!put) {
                    owner.released(stored);
                }
            }
        }

        /**
         * Adds {@code value} at the end, waiting at most {@code timeout} while the queue is full.
         *
         * @throws TimeoutException if it stayed full
         * @throws InterruptedException if this thread is interrupted while it waits
         */
        public void put(T value, Duration timeout) throws TimeoutException, InterruptedException {
            Object stored = stored(value);
            boolean put = false;
            try {
                put = pollTimed(() -> offerOnce(stored), timeout, "put into queue '" + name + "'") != null;
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
        @SuppressWarnings("unchecked")
        public T get() {
            return (T) pollUntimed(() -> takeOnce(true), "get from queue '" + name + "'");
        }

        /**
         * Takes the first value, waiting at most {@code timeout} while the queue is empty.
         *
         * @throws TimeoutException if it stayed empty
         * @throws InterruptedException if this thread is interrupted while it waits
         */
        @SuppressWarnings("unchecked")
        public T get(Duration timeout) throws TimeoutException, InterruptedException {
            Object v = pollTimed(() -> takeOnce(true), timeout, "get from queue '" + name + "'");
            if (v == null) {
                throw new TimeoutException("queue '" + name + "' stayed empty for " + timeout);
            }
            return (T) v;
        }

        /** How many values it holds now (Dask's {@code qsize}). */
        public int size() {
            try {
                long h = counter(head);
                long t = counter(tail);
                while (owner.table.get(item(t)) != null) {
                    t++;   // puts whose tail hint is not written yet
                }
                long n = t - h;
                if (n > 0 && owner.table.get(item(h)) == Mark.TAKEN) {
                    n--;   // taken, head not moved on yet
                }
                return (int) Math.max(0, Math.min(Integer.MAX_VALUE, n));
            } catch (RuntimeException e) {
                throw failed("read queue '" + name + "'", e);
            }
        }

        /** Removes the queue and what it holds from the cluster (futures in it let go of their data). */
        public void close() {
            try {
                while (takeOnce(false) != null) {
                    // each taken item's hold goes with it
                }
                owner.table.removeAll(new LinkedHashSet<>(List.of(meta, head, tail)));
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
        private final String key;
        private final String name;

        private Variable(Coordination owner, String key, String name) {
            this.owner = owner;
            this.key = key;
            this.name = name;
        }

        /** Sets the value, replacing the one before. */
        public void set(T value) {
            Object[] now = {handed(value, Claims.VARIABLE_HOLDER, name)};
            Object before;
            try {
                before = owner.table.getAndPut(key, now);
            } catch (RuntimeException e) {
                owner.released(now[0]);
                throw failed("set variable '" + name + "'", e);
            }
            replaced(before);
        }

        /** Lets go of what a replaced or deleted value held (each value is replaced exactly once). */
        private void replaced(Object before) {
            if (before instanceof Object[] b && b.length == 1) {
                owner.released(b[0]);
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
            String what = "read variable '" + name + "'";
            for (int attempt = 0; ; attempt++) {
                Object[] seen = (Object[]) pollTimed(() -> owner.table.get(key), timeout, what);
                if (seen == null) {
                    throw new TimeoutException("variable '" + name + "' was not set within " + timeout);
                }
                try {
                    return (T) owner.received(seen[0], "the future in variable '" + name + "' has lost its data: "
                            + "the variable was set again or deleted while it was read");
                } catch (CoordinationException replaced) {
                    // Set again while read: the new value is there to read, unless this keeps happening.
                    if (attempt >= 100 || sameHold(seen, current(what))) {
                        throw replaced;
                    }
                }
            }
        }

        private Object[] current(String what) {
            try {
                return (Object[]) owner.table.get(key);
            } catch (RuntimeException e) {
                throw failed(what, e);
            }
        }

        /** Whether {@code now} is still the value {@code seen} was (a handed one is known by its holder). */
        private static boolean sameHold(Object[] seen, Object[] now) {
            return now != null && seen[0] instanceof Datasets.Handed a && now[0] instanceof Datasets.Handed b
                    && a.holder().equals(b.holder());
        }

        /** Whether it holds a value now. */
        public boolean isSet() {
            return current("read variable '" + name + "'") != null;
        }

        /** Unsets it (Dask's {@code delete}); a future it held lets go of its data. */
        public void delete() {
            Object before;
            try {
                before = owner.table.getAndRemove(key);
            } catch (RuntimeException e) {
                throw failed("delete variable '" + name + "'", e);
            }
            replaced(before);
        }
    }

    /** A cluster-wide event: clear until set; waiters return once it is set. */
    public static final class Event {
        private final Coordination owner;
        private final String key;
        private final String name;

        private Event(Coordination owner, String key, String name) {
            this.owner = owner;
            this.key = key;
            this.name = name;
        }

        /** Sets it: every waiter returns. */
        public void set() {
            try {
                owner.table.getAndPut(key, Boolean.TRUE);
            } catch (RuntimeException e) {
                throw failed("set event '" + name + "'", e);
            }
        }

        /** Clears it: waiters wait again. */
        public void clear() {
            try {
                owner.table.getAndRemove(key);
            } catch (RuntimeException e) {
                throw failed("clear event '" + name + "'", e);
            }
        }

        /** Whether it is set now. */
        public boolean isSet() {
            try {
                return owner.table.get(key) != null;
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
            return pollTimed(() -> owner.table.get(key), timeout, "wait for event '" + name + "'") != null;
        }
    }
}
