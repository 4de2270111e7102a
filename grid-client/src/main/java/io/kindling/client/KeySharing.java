package io.kindling.client;

import io.kindling.graph.Key;
import io.kindling.grid.internal.Claims;
import io.kindling.grid.internal.KindlingGrid;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keys shared between clients, as Dask's scheduler shares them: a key is one value cluster-wide.
 * A client that submits a key another client has computed gets that value (or that error) without
 * running the task again, and one that submits a key another client is computing waits for that
 * computation. Each client holds its own claim: the value stays while any holder is alive, and a
 * client's {@code cancel} drops only its own.
 *
 * <p>No scheduler process keeps the table. Clients list themselves ({@value Claims#REGISTRANTS}).
 * While another live client is listed, a client writes a record of each key it computes to the
 * {@value Claims#KEYS} table (sent, where its value is, or its error), removes it before the
 * value goes, and looks up its new computations there before it sends them: those without a
 * record it claims, writing a record of its own under each with one atomic call per batch
 * ({@link io.kindling.grid.internal.ClaimKeys}), so that of two clients that send the same key
 * at the same moment one computes it and the other waits. A client alone
 * writes and reads nothing: sharing costs nothing until there is someone to share with. A record
 * of a client without a lease (it died) counts for nothing.
 *
 * <p>Taking another client's value for one's own, without a race against that client letting go
 * of it: the taker first marks the owner ({@value Claims#SHARED_FROM}), then adds itself to the
 * value's holder list ({@link Claims}; it starts the list with the owner in it if there is none),
 * then reads the record again. The owner, letting go, first removes its record, then reads its
 * mark, and, once marked, releases its values through their holder lists. So either the taker
 * still finds the record after it took its hold (then the owner's release comes after the mark
 * and the hold, and goes through the list), or it does not, and lets go of its hold.
 *
 * <p>Records are written and removed on the client's event thread, in order, together with the
 * deletions of data they precede ({@link ClientCore}); lookups run on a thread of their own, and
 * poll the keys that another client is computing every {@value #POLL_MILLIS} ms.
 *
 * <p>Why one file of this size: the record format, the order of writes against the owner's
 * mark, the listing of clients with its acknowledgements, the lookups and cancels with force
 * are one protocol; each part is short and relies on the others' order, so they are read together.
 */
final class KeySharing {
    static final long POLL_MILLIS = 50;
    /** Records written or removed per call. */
    static final int CHUNK = 10_000;

    private final ClientCore core;
    private final ScheduledExecutorService thread;
    private final ConcurrentLinkedQueue<KeyEntry> queued = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean lookupScheduled = new AtomicBoolean();
    /** Entries waiting for another client's computation (the lookup thread's alone). */
    private final List<KeyEntry> watched = new ArrayList<>();
    /** Whether another live client writes records, so that lookups can find something. */
    private volatile boolean othersShare;
    /** Force-cancelled keys the list keeps (the oldest go first): clients read it every watch round. */
    static final int FORCED_KEPT = 1000;
    /** The ids of the forced cancels this client has acted on, or made (the watch thread's, and the caller's of {@link #force}). */
    private final Set<String> forcedSeen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong forcedCount = new java.util.concurrent.atomic.AtomicLong();
    /** How long a new client waits at most for those already there to write their records. */
    static final long PEER_WAIT_MILLIS = 3000;
    /** The clients that were there when this one started and have not said they wrote their records yet. */
    private volatile Set<String> peers;
    private volatile long peersSince;
    /** The clients this one wrote its records for (the watch thread's). */
    private final Set<String> acked = new HashSet<>();
    /** Whether another client took a hold on a value of this client (never unset). */
    private volatile boolean marked;

    KeySharing(ClientCore core, int number) {
        this.core = core;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kindling-client-" + number + "-keys");
            t.setDaemon(true);
            return t;
        });
    }

    /** Lists this client and reads who else is there on the lookup thread, not the caller's (a node's client). */
    void startLater() {
        try {
            thread.execute(() -> {
                list(true);
                refresh();
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // closed before it started
        }
    }

    /** Whether new computations are looked up first (another live client writes records). */
    boolean lookups() {
        return othersShare;
    }

    // ------------------------------------------------------------------ records

    /** One client's record of one key: sent ({@code 'P'}), in memory ({@code 'M'}) or erred ({@code 'E'}). */
    record Record(String key, String client, char state, String cache, String storage, int partition, String node,
            long nbytes, int replicas, byte[] failure) {

        /** The record of {@code e} as it stands, or null if it has none to share. */
        static Record of(String clientId, KeyEntry e) {
            char state = switch (e.state) {
                case PROCESSING -> 'P';
                case MEMORY -> 'M';
                case ERRED -> 'E';
                default -> 0;
            };
            if (state == 0 || (state == 'M' && !clientId.equals(KindlingGrid.clientOf(e.storage)))) {
                return null;
            }
            byte[] error = null;
            if (state == 'E') {
                error = errorBytes(e.error);
                if (error == null) {
                    return null;
                }
            }
            return new Record(e.key.toString(), clientId, state, e.cache, e.storage, e.partition,
                    e.node == null ? "" : e.node, e.nbytes, e.replicas, error);
        }

        /** The bytes of this record: its state and client first, where the servers' reaper reads them ({@code Claims.recordClient}). */
        byte[] toBytes() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(96 + storage.length());
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(state);
                out.writeUTF(client);
                out.writeUTF(cache);
                out.writeUTF(storage);
                out.writeInt(partition);
                out.writeUTF(node);
                out.writeLong(nbytes);
                out.writeInt(replicas);
                out.writeInt(failure == null ? -1 : failure.length);
                if (failure != null) {
                    out.write(failure);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return bytes.toByteArray();
        }

        /** The record in {@code bytes}, or null if they are not one. */
        static Record of(String key, byte[] bytes) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
                char state = (char) in.readByte();
                String client = in.readUTF();
                String cache = in.readUTF();
                String storage = in.readUTF();
                int partition = in.readInt();
                String node = in.readUTF();
                long nbytes = in.readLong();
                int replicas = in.readInt();
                int n = in.readInt();
                byte[] error = n < 0 ? null : in.readNBytes(n);
                return new Record(key, client, state, cache, storage, partition, node, nbytes, replicas, error);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        /** The error of an erred record, or null if this client cannot read it (a class it lacks). */
        Throwable error() {
            if (failure == null) {
                return null;
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(failure))) {
                return (Throwable) in.readObject();
            } catch (IOException | ClassNotFoundException | RuntimeException e) {
                return null;
            }
        }

        private static byte[] errorBytes(Throwable error) {
            if (error == null) {
                return null;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(error);
            } catch (IOException | RuntimeException e) {
                return null;
            }
            return bytes.toByteArray();
        }
    }

    /**
     * Tells the table what changed (records removed first, then written: a key released and sent
     * again ends with its new record). Runs on the event thread, before the deletions drained with
     * these changes; returns whether another client may hold values of this client (then they are
     * released through their holder lists). Throws if a record could not be removed or the mark
     * read: the caller must then keep the data those records point to, and try again later. A
     * record that could not be written costs only sharing.
     */
    boolean apply(ClientState.RegistryChanges changes) {
        SharedTable<byte[]> keys = core.backend.table(Claims.KEYS);
        Set<String> removed = new HashSet<>();
        for (Key k : changes.removed()) {
            removed.add(k.toString());
            if (removed.size() == CHUNK) {
                keys.removeAll(removed);
                removed = new HashSet<>();
            }
        }
        keys.removeAll(removed);
        try {
            Map<String, byte[]> written = new HashMap<>();
            for (Record r : changes.written()) {
                written.put(r.key(), r.toBytes());
                if (written.size() == CHUNK) {
                    keys.putAll(written);
                    written = new HashMap<>();
                }
            }
            keys.putAll(written);
        } catch (RuntimeException e) {
            // The cluster is in trouble: these keys are not shared.
        }
        if (!marked && !changes.removed().isEmpty()) {
            marked = core.backend.<String>table(Claims.CACHE).get(Claims.SHARED_FROM + core.clientId) != null;
        }
        return marked;
    }

    /**
     * Lists this client among those that write records (at its start, so that a client started
     * after it looks its keys up at once), or takes it off the list (at its close).
     */
    void list(boolean in) {
        try {
            SharedTable<String> claims = core.backend.table(Claims.CACHE);
            for (int attempt = 0; attempt < 100; attempt++) {
                String list = claims.get(Claims.REGISTRANTS);
                Set<String> now = Claims.holders(list);
                if (!in && attempt == 0) {
                    claims.getAndRemove(Claims.ACK + core.clientId);
                    claims.getAndRemove(Claims.SHARED_FROM + core.clientId);
                }
                if (in ? !now.add(core.clientId) : !now.remove(core.clientId)) {
                    return;
                }
                if (list == null ? claims.putIfAbsent(Claims.REGISTRANTS, Claims.list(now))
                        : now.isEmpty() ? claims.remove(Claims.REGISTRANTS, list)
                        : claims.replace(Claims.REGISTRANTS, list, Claims.list(now))) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            // Unlisted, this client's keys are found only once it is listed; a dead one is taken off by the others.
        }
    }

    /**
     * Reads which live clients are listed (the watch thread, every round; first at the client's
     * start). While another one is, this client looks its new computations up, and writes records
     * of its own keys: when it first sees a client, it writes what it has so far, then tells that
     * client so ({@value Claims#ACK}), which waits for it before its first lookup. Dead clients
     * are taken off the list.
     */
    void refresh() {
        try {
            SharedTable<String> claims = core.backend.table(Claims.CACHE);
            String list = claims.get(Claims.REGISTRANTS);
            Set<String> all = Claims.holders(list);
            all.remove(core.clientId);
            Set<String> alive = all.isEmpty() ? Set.of() : core.backend.leased(all);
            if (alive.size() < all.size()) {
                Set<String> kept = Claims.holders(list);
                kept.removeAll(all);
                kept.addAll(alive);
                claims.replace(Claims.REGISTRANTS, list, Claims.list(kept));
            }
            if (peers == null) {
                peers = new HashSet<>(alive);
                peersSince = System.nanoTime();
            }
            othersShare = !alive.isEmpty();
            if (!alive.isEmpty()) {
                actOnForced(claims.get(Claims.FORCED));
            }
            if (alive.isEmpty()) {
                synchronized (core.state) {
                    core.state.activate(false);
                }
                acked.clear();
                return;
            }
            Set<String> newcomers = new HashSet<>(alive);
            newcomers.removeAll(acked);
            if (!newcomers.isEmpty()) {
                synchronized (core.state) {
                    core.state.activate(true);
                }
                acked.addAll(newcomers);
                String ack = Claims.list(acked);
                core.flushRecordsThen(() -> claims.getAndPut(Claims.ACK + core.clientId, ack));
            }
        } catch (RuntimeException e) {
            // the next round tries again
        }
    }

    // ------------------------------------------------------------------ cancel with force

    /**
     * Cancels {@code keys} for every client, as Dask's {@code cancel(force=True)}: each client
     * that shares keys cancels its unfinished computation of them (waiting, running, or waiting
     * for another client's) when it next reads the list of forced keys, within a watch round. A
     * value already computed stays with the clients that hold it.
     */
    void force(Collection<Key> keys) {
        SharedTable<String> claims = core.backend.table(Claims.CACHE);
        List<String> lines = new ArrayList<>();
        for (Key k : keys) {
            String id = core.clientId + "." + forcedCount.incrementAndGet();
            forcedSeen.add(id);
            lines.add(id + " " + java.net.URLEncoder.encode(k.toString(), java.nio.charset.StandardCharsets.UTF_8));
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            String list = claims.get(Claims.FORCED);
            List<String> now = new ArrayList<>(list == null ? List.of() : Arrays.asList(list.split("\n")));
            now.addAll(lines);
            while (now.size() > FORCED_KEPT) {
                now.remove(0);
            }
            String next = String.join("\n", now);
            if (list == null ? claims.putIfAbsent(Claims.FORCED, next) : claims.replace(Claims.FORCED, list, next)) {
                return;
            }
        }
        throw new ClusterUnavailableException("the list of keys cancelled with force changed 100 times while this "
                + "client tried to add to it: too many clients cancel with force at once; try again", null);
    }

    /** Cancels this client's unfinished computations of the forced keys in {@code list} it has not acted on yet. */
    private void actOnForced(String list) {
        if (list == null) {
            forcedSeen.clear();
            return;
        }
        Set<String> ids = new HashSet<>();
        List<Key> keys = new ArrayList<>();
        for (String line : list.split("\n")) {
            int space = line.indexOf(' ');
            if (space <= 0) {
                continue;
            }
            String id = line.substring(0, space);
            ids.add(id);
            if (forcedSeen.add(id)) {
                keys.add(Key.of(java.net.URLDecoder.decode(line.substring(space + 1),
                        java.nio.charset.StandardCharsets.UTF_8)));
            }
        }
        forcedSeen.retainAll(ids);
        if (keys.isEmpty()) {
            return;
        }
        boolean any = false;
        synchronized (core.state) {
            for (Key k : keys) {
                KeyEntry e = core.state.get(k);
                if (e != null && !e.finished()) {
                    any |= core.state.cancel(e);
                }
            }
        }
        if (any) {
            core.pump();
        }
    }

    /**
     * Whether every client that was there when this one started has written its records and said
     * so, or died, or has had {@value #PEER_WAIT_MILLIS} ms (it may be stuck; its older keys are
     * then computed again here). Checked on the lookup thread before its lookups.
     */
    private boolean peersHeard() {
        Set<String> waiting = peers;
        if (waiting == null || waiting.isEmpty()) {
            return true;
        }
        if (System.nanoTime() - peersSince > TimeUnit.MILLISECONDS.toNanos(PEER_WAIT_MILLIS)) {
            waiting.clear();
            return true;
        }
        try {
            Set<String> ackKeys = new HashSet<>();
            waiting.forEach(p -> ackKeys.add(Claims.ACK + p));
            Map<String, String> acks = core.backend.<String>table(Claims.CACHE).getAll(ackKeys);
            waiting.removeIf(p -> Claims.holders(acks.get(Claims.ACK + p)).contains(core.clientId));
            if (!waiting.isEmpty()) {
                waiting.retainAll(core.backend.leased(waiting));
            }
        } catch (RuntimeException e) {
            waiting.clear();
        }
        return waiting.isEmpty();
    }

    // ------------------------------------------------------------------ lookups

    /** Looks up {@code entries} (new computations, held back until answered) on the lookup thread. */
    void lookUp(List<KeyEntry> entries) {
        queued.addAll(entries);
        if (lookupScheduled.compareAndSet(false, true)) {
            try {
                thread.execute(this::lookUpQueued);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                lookupScheduled.set(false);
            }
        }
    }

    private void lookUpQueued() {
        if (!peersHeard()) {
            try {
                thread.schedule(this::lookUpQueued, 20, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                lookupScheduled.set(false);
            }
            return;
        }
        lookupScheduled.set(false);
        boolean polling = !watched.isEmpty();
        List<KeyEntry> batch = new ArrayList<>(watched);
        watched.clear();
        KeyEntry q;
        while ((q = queued.poll()) != null) {
            batch.add(q);
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            if (polling) {
                // A computation waited for may have been cancelled with force: that cancels the waiters too.
                actOnForced(core.backend.<String>table(Claims.CACHE).get(Claims.FORCED));
            }
            answer(batch);
        } catch (RuntimeException e) {
            // The table cannot be reached now: this client computes them itself, and removes
            // whatever record of its own the failed call may have written.
            synchronized (core.state) {
                batch.forEach(core.state::sharedClaimed);
            }
        }
        core.pump();
        if (!watched.isEmpty()) {
            try {
                thread.schedule(this::lookUpQueued, POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                watched.clear();
            }
        }
    }

    /**
     * Claims the keys of {@code batch} in one call: a key without a record gets this client's
     * and is this client's to compute; a key with a record is followed ({@link #follow}).
     */
    private void answer(List<KeyEntry> batch) {
        Map<String, KeyEntry> byKey = new LinkedHashMap<>(batch.size() * 2);
        for (KeyEntry e : batch) {
            byKey.putIfAbsent(e.key.toString(), e);
        }
        byte[] mine = new Record("", core.clientId, 'P', "", "", -1, "", 0, 0, null).toBytes();
        Map<String, byte[]> found = core.backend.claimKeys(byKey.keySet(), mine);
        List<KeyEntry> claimed = new ArrayList<>();
        Map<String, KeyEntry> taken = new LinkedHashMap<>();
        byKey.forEach((k, e) -> {
            if (found.containsKey(k)) {
                taken.put(k, e);
            } else {
                claimed.add(e);
            }
        });
        Map<KeyEntry, byte[]> stale = new LinkedHashMap<>();
        follow(taken, found, stale);
        takeOver(stale, mine, claimed);
    }

    /**
     * Acts on the records {@code found} for the entries of {@code byKey}: waits for, adopts or errs
     * alike with another live client's; adds those whose record is a dead client's (or
     * unreadable, or this client's own from before) to {@code stale}.
     */
    private void follow(Map<String, KeyEntry> byKey, Map<String, byte[]> found, Map<KeyEntry, byte[]> stale) {
        Map<KeyEntry, Record> records = new LinkedHashMap<>();
        Set<String> clients = new HashSet<>();
        for (Map.Entry<String, byte[]> f : found.entrySet()) {
            Record r = Record.of(f.getKey(), f.getValue());
            KeyEntry e = byKey.get(f.getKey());
            if (e == null) {
                continue;
            }
            if (r != null && !r.client().equals(core.clientId)) {
                records.put(e, r);
                clients.add(r.client());
            } else {
                stale.put(e, f.getValue());   // unreadable, or this client's own from before
            }
        }
        Set<String> alive = clients.isEmpty() ? Set.of() : core.backend.leased(clients);
        for (Map.Entry<String, KeyEntry> k : byKey.entrySet()) {
            KeyEntry e = k.getValue();
            Record r = records.get(e);
            if (r == null) {
                continue;   // in stale already
            }
            if (!alive.contains(r.client())) {
                stale.put(e, found.get(k.getKey()));
                continue;
            }
            switch (r.state()) {
                case 'E' -> {
                    Throwable error = r.error();
                    synchronized (core.state) {
                        if (error == null) {
                            core.state.sharedAbsent(e);   // an error of a class this client lacks: it runs the task itself
                        } else {
                            core.state.sharedErred(e, error);
                        }
                    }
                }
                case 'M' -> {
                    if (!adopt(e, r, found.get(r.key()))) {
                        watch(e);   // its value went, or its record changed: look again
                    }
                }
                default -> watch(e);
            }
        }
    }

    /** Waits for another client's computation of {@code e}: looked up again every poll. */
    private void watch(KeyEntry e) {
        boolean waits;
        synchronized (core.state) {
            core.state.sharedWaiting(e);
            waits = core.state.awaitsLookup(e);
        }
        if (waits) {
            watched.add(e);
        }
    }

    /**
     * Takes over the {@code stale} keys one by one (compare-and-replace of the record seen with
     * {@code mine}; a key another client took first is waited for), then makes them and the
     * {@code claimed} ones this client's to compute.
     */
    private void takeOver(Map<KeyEntry, byte[]> stale, byte[] mine, List<KeyEntry> claimed) {
        SharedTable<byte[]> table = core.backend.table(Claims.KEYS);
        for (Map.Entry<KeyEntry, byte[]> s : stale.entrySet()) {
            if (table.replace(s.getKey().key.toString(), s.getValue(), mine)) {
                claimed.add(s.getKey());
            } else {
                watch(s.getKey());
            }
        }
        List<KeyEntry> dropped = new ArrayList<>();
        synchronized (core.state) {
            for (KeyEntry e : claimed) {
                if (!core.state.sharedClaimed(e)) {
                    dropped.add(e);
                }
            }
        }
        for (KeyEntry e : dropped) {
            try {
                table.remove(e.key.toString(), mine);
            } catch (RuntimeException gone) {
                // the reaper drops it with this client's lease
            }
        }
    }

    /**
     * Takes a hold on the value of record {@code r} (whose bytes are {@code bytes}) for {@code e},
     * as the class comment describes; returns false if the value cannot be had (this client then
     * computes it).
     */
    private boolean adopt(KeyEntry e, Record r, byte[] bytes) {
        synchronized (core.state) {
            if (!core.state.awaitsLookup(e)) {
                return true;
            }
        }
        Location where = new Location(r.cache(), r.storage(), r.partition());
        String created = core.datasets.holdFrom(r.storage(), r.client());
        boolean current;
        try {
            byte[] now = core.backend.<byte[]>table(Claims.KEYS).get(r.key());
            current = Arrays.equals(now, bytes) && !core.backend.leased(Set.of(r.client())).isEmpty();
        } catch (RuntimeException unreadable) {
            current = false;
        }
        if (!current) {
            core.datasets.letGoFrom(where, created);
            return false;
        }
        boolean taken;
        synchronized (core.state) {
            taken = core.state.sharedDone(e, r);
        }
        if (!taken) {
            core.datasets.letGoFrom(where, created);
        }
        return true;
    }

    void close() {
        thread.shutdownNow();
    }

    void awaitClosed(long deadlineNanos) {
        try {
            thread.awaitTermination(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())),
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Removes the records of {@code keys} (a closing client's); returns whether to release through holder lists. */
    boolean removeAll(Set<Key> keys) {
        return apply(new ClientState.RegistryChanges(keys, List.of()));
    }
}
