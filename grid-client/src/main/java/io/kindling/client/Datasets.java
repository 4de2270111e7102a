package io.kindling.client;

import io.kindling.Delayed;
import io.kindling.graph.Key;
import io.kindling.grid.internal.Claims;
import io.kindling.grid.internal.KindlingGrid;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Named datasets, as Dask's {@code publish_dataset}: a client publishes futures (or a value that
 * holds them: a list, a map, a persisted {@link Delayed}) under a name, and any client of the
 * cluster fetches them, for as long as the name stands, even after the publisher is gone.
 *
 * <p>No scheduler process keeps the references: the record of a dataset is an entry of the
 * {@value Claims#DATASETS} table (what was published, with each future's key and where its value
 * is), and each value it names has a holder list in {@value Claims#CACHE} ({@link Claims}) that
 * names the dataset and every client that fetched it. A value goes when its last holder does:
 * the dataset when unpublished, a client when it releases the value, closes, or its lease runs
 * out (the servers' reaper then finds the value without a live holder). Each change of a holder
 * list is a compare-and-set of the whole list, so a fetch that meets an unpublish either claims
 * the value before the list is dropped (and keeps it) or finds the list gone and fails: no client
 * is left with a future to a value that was deleted.
 *
 * <p>Why one file of this size: datasets, futures through queues and variables, values taken
 * over by shared keys and futures inside task arguments all hold values through the same holder
 * lists; the compare-and-set rounds on them, and the set of values this client holds that way,
 * are kept here once for all of them.
 */
final class Datasets {
    /** Compare-and-set rounds on one holder list before giving up (each loses only to another change). */
    private static final int CAS_ATTEMPTS = 1_000;

    private final ClientCore core;
    /** The storages this client holds through a holder list: its own that it published, others' it fetched. */
    private final Set<String> shared = ConcurrentHashMap.newKeySet();
    /** The owners of values this client took a hold on, marked so ({@link #holdFrom}). */
    private final Set<String> markedOwners = ConcurrentHashMap.newKeySet();

    Datasets(ClientCore core) {
        this.core = core;
    }

    /**
     * Where one handed future's value is. A class, not a record: Ignite's marshaller, which
     * carries it in queues and variables, cannot write records.
     */
    static final class Item implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Key key;
        private final String cache;
        private final String storage;
        private final int partition;
        private final String node;
        private final long nbytes;
        private final int replicas;
        private final boolean inline;
        private final Object value;

        Item(Key key, String cache, String storage, int partition, String node, long nbytes, int replicas,
                boolean inline, Object value) {
            this.key = key;
            this.cache = cache;
            this.storage = storage;
            this.partition = partition;
            this.node = node;
            this.nbytes = nbytes;
            this.replicas = replicas;
            this.inline = inline;
            this.value = value;
        }

        Key key() {
            return key;
        }

        String storage() {
            return storage;
        }

        Location location() {
            return new Location(cache, storage, partition);
        }
    }

    /** A dataset as the table keeps it: its holder id, the published value with its futures left out, and their items. */
    record Record(String holder, byte[] shape, List<Item> items) implements Serializable {
    }

    // ------------------------------------------------------------------ the calls

    void publish(String name, Object value, boolean replace) {
        checkName(name, "publish");
        List<Future<?>> futures = new ArrayList<>();
        byte[] shape = PublishedValues.write(name, value, futures);
        String holder = holder(Claims.DATASET_HOLDER, name);
        List<Item> claimed = new ArrayList<>();
        try {
            for (Future<?> f : futures) {
                claimed.add(hand(f, holder, "cannot publish '" + name + "'").item());
            }
            byte[] bytes = PublishedValues.toBytes(new Record(holder, shape, claimed));
            SharedTable<byte[]> records = core.backend.table(Claims.DATASETS);
            if (replace) {
                byte[] old = records.getAndPut(name, bytes);
                if (old != null) {
                    Record replaced = PublishedValues.record(old);
                    drop(replaced.holder(), replaced.items());
                }
            } else if (!records.putIfAbsent(name, bytes)) {
                throw new DatasetException("a dataset named '" + name + "' exists already: unpublish it first, or "
                        + "replace it on purpose with publish(name, value, true)");
            }
        } catch (RuntimeException e) {
            try {
                drop(holder, claimed);
            } catch (RuntimeException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    /** The dataset {@code name} with this client's futures in it; if there is none, {@code absent} or, when not {@code lenient}, an error. */
    Object get(String name, boolean lenient, Object absent) {
        Record record = record(name, "getDataset", false, lenient);
        if (record == null) {
            return absent;
        }
        List<Future<?>> adopted = new ArrayList<>(record.items().size());
        try {
            for (Item i : record.items()) {
                adopted.add(adopt(i, "the value of '" + i.key() + "' in dataset '" + name + "' is gone: the dataset "
                        + "was unpublished or replaced while it was fetched; fetch it again"));
            }
            Object value = PublishedValues.read(record.shape(), adopted);
            core.pump();
            return value;
        } catch (RuntimeException e) {
            adopted.forEach(Future::release);
            throw e;
        }
    }

    void unpublish(String name) {
        Record record = record(name, "unpublish", true, false);
        drop(record.holder(), record.items());
    }

    /**
     * The record of dataset {@code name} for {@code call}, taken out of the table with {@code remove};
     * if there is none, null when {@code lenient}, else an error naming the datasets there are.
     */
    private Record record(String name, String call, boolean remove, boolean lenient) {
        checkName(name, call);
        SharedTable<byte[]> records = core.backend.table(Claims.DATASETS);
        byte[] bytes = remove ? records.getAndRemove(name) : records.get(name);
        if (bytes == null) {
            if (lenient) {
                return null;
            }
            throw notFound(name);
        }
        return PublishedValues.record(bytes);
    }

    List<String> names() {
        return core.backend.table(Claims.DATASETS).keys();
    }

    // ------------------------------------------------------------------ releasing shared values

    /**
     * Of {@code all} (locations this client let go of), those it may delete at once: the ones it
     * holds through a holder list are taken out, and go to {@code claimed} to be released through
     * it ({@link #releaseClaims}).
     */
    List<Location> privateOnly(List<Location> all, List<Location> claimed) {
        if (shared.isEmpty()) {
            return all;
        }
        List<Location> out = new ArrayList<>(all.size());
        for (Location l : all) {
            if (shared.remove(l.storage())) {
                claimed.add(l);
            } else {
                out.add(l);
            }
        }
        return out;
    }

    /** Gives up this client's hold on {@code locations}, deleting those nobody else holds. */
    void releaseClaims(List<Location> locations, long timeoutMillis) {
        release(core.clientId, locations, timeoutMillis);
    }

    /** Takes {@code holder} off the holder lists of {@code locations} (each storage once), deleting the values it held last. */
    private void release(String holder, Collection<Location> locations, long timeoutMillis) {
        Set<String> done = new java.util.HashSet<>();
        List<Location> delete = new ArrayList<>();
        for (Location l : locations) {
            if (done.add(l.storage()) && unclaim(l.storage(), holder)) {
                delete.add(l);
            }
        }
        if (!delete.isEmpty()) {
            core.backend.removeAll(delete, timeoutMillis);
        }
    }

    // ------------------------------------------------------------------ holder lists

    /**
     * Adds {@code holders} to the holder list of {@code storage}; with {@code create}, starts the
     * list if there is none. Returns false if there is none and {@code create} is false: the value
     * is gone, or going.
     */
    private boolean claim(String storage, Set<String> holders, boolean create) {
        SharedTable<String> claims = core.backend.table(Claims.CACHE);
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            String list = claims.get(storage);
            if (list == null) {
                if (!create) {
                    return false;
                }
                if (claims.putIfAbsent(storage, Claims.list(holders))) {
                    return true;
                }
                continue;
            }
            Set<String> now = Claims.holders(list);
            if (now.containsAll(holders)) {
                return true;
            }
            now.addAll(holders);
            if (claims.replace(storage, list, Claims.list(now))) {
                return true;
            }
        }
        throw contended(storage);
    }

    /**
     * Takes {@code holder} (and holders that died) off the holder list of {@code storage}; returns
     * true if no live holder is left, the list then removed and the value the caller's to delete.
     */
    private boolean unclaim(String storage, String holder) {
        SharedTable<String> claims = core.backend.table(Claims.CACHE);
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            String list = claims.get(storage);
            if (list == null) {
                return false;
            }
            Set<String> rest = Claims.holders(list);
            rest.remove(holder);
            Set<String> alive = Claims.alive(rest, core.backend.leased(Claims.clients(rest)));
            if (alive.isEmpty() ? claims.remove(storage, list) : claims.replace(storage, list, Claims.list(alive))) {
                return alive.isEmpty();
            }
        }
        throw contended(storage);
    }

    /**
     * Adds this client to the holder list of another client's value at {@code storage}, starting
     * the list with its {@code owner} in it if there is none, once the owner is marked as one
     * whose values others hold ({@link KeySharing}); returns the list it started, or null if it
     * joined one.
     */
    String holdFrom(String storage, String owner) {
        SharedTable<String> claims = core.backend.table(Claims.CACHE);
        if (!markedOwners.contains(owner)) {
            // First the mark, then the hold: the owner's release goes through the list from then on.
            claims.putIfAbsent(Claims.SHARED_FROM + owner, core.clientId);
            markedOwners.add(owner);
        }
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            String list = claims.get(storage);
            if (list == null) {
                String started = Claims.list(Set.of(owner, core.clientId));
                if (claims.putIfAbsent(storage, started)) {
                    shared.add(storage);
                    return started;
                }
                continue;
            }
            Set<String> now = Claims.holders(list);
            if (!now.add(core.clientId) || claims.replace(storage, list, Claims.list(now))) {
                shared.add(storage);
                return null;
            }
        }
        throw contended(storage);
    }

    /**
     * Undoes {@link #holdFrom}: drops the list it {@code started} if nobody changed it since (the
     * owner then deletes the value as its own), else takes this client off the list, deleting the
     * value if it was the last holder.
     */
    void letGoFrom(Location where, String started) {
        shared.remove(where.storage());
        if (started != null && core.backend.<String>table(Claims.CACHE).remove(where.storage(), started)) {
            return;
        }
        release(core.clientId, List.of(where), ClientCore.CONTROL_TIMEOUT_MILLIS);
    }

    /**
     * Of {@code own} (values this client let go of, once another client took a hold on one of its
     * values), those without a holder list, to delete at once; the others go to {@code claimed}.
     * Reads the lists before it changes anything, so that a failure leaves all as it was.
     */
    List<Location> unlisted(List<Location> own, List<Location> claimed) {
        if (own.isEmpty()) {
            return own;
        }
        Set<String> storages = new java.util.HashSet<>();
        own.forEach(l -> storages.add(l.storage()));
        Set<String> listed = core.backend.<String>table(Claims.CACHE).getAll(storages).keySet();
        if (listed.isEmpty()) {
            return own;
        }
        List<Location> out = new ArrayList<>(own.size());
        for (Location l : own) {
            if (listed.contains(l.storage())) {
                shared.remove(l.storage());
                claimed.add(l);
            } else {
                out.add(l);
            }
        }
        return out;
    }

    private static ClusterUnavailableException contended(String storage) {
        return new ClusterUnavailableException("the holders of '" + storage + "' changed " + CAS_ATTEMPTS
                + " times while this client tried to update them: too many clients fetch or release it at once; "
                + "try again", null);
    }

    /** A new holder id of the named kind ({@link Claims#DATASET_HOLDER} and the like) for one hold under {@code name}. */
    static String holder(String kind, String name) {
        return kind + name + ":" + Long.toHexString(io.kindling.graph.internal.Tokens.unique());
    }

    /**
     * A future's value held by a named holder (a dataset, a queue's item, a variable's value), as
     * it travels; a class for Ignite's marshaller, as {@link Item} is.
     */
    static final class Handed implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Item item;
        private final String holder;

        Handed(Item item, String holder) {
            this.item = item;
            this.holder = holder;
        }

        Item item() {
            return item;
        }

        String holder() {
            return holder;
        }
    }

    /**
     * Waits for {@code f} to finish and makes {@code holder} a holder of its value, beside this
     * client; {@code what} begins the message of what goes wrong.
     */
    Handed hand(Future<?> f, String holder, String what) {
        Item i = item(what, f);
        boolean own = core.clientId.equals(KindlingGrid.clientOf(i.storage()));
        if (!claim(i.storage(), Set.of(core.clientId, holder), own)) {
            throw new DatasetException(what + ": the value of '" + i.key() + "' is no longer on the cluster (its "
                    + "dataset was unpublished, or every holder let it go)");
        }
        shared.add(i.storage());
        return new Handed(i, holder);
    }

    /** Releases what {@code holder} held: values whose last holder it was are deleted. */
    void drop(String holder, List<Item> items) {
        List<Location> locations = new ArrayList<>(items.size());
        items.forEach(i -> locations.add(i.location()));
        release(holder, locations, ClientCore.CONTROL_TIMEOUT_MILLIS);
    }

    // ------------------------------------------------------------------ futures in and out

    Item item(String what, Future<?> f) {
        if (f.client() != core) {
            throw new DatasetException(what + ": the future of '" + f.key() + "' belongs to another client; hand it "
                    + "on from that client");
        }
        if (f.released()) {
            throw new DatasetException(what + ": the future of '" + f.key() + "' was released");
        }
        KeyEntry.Resolution r = f.outcome();
        if (!r.finished()) {
            throw new DatasetException(what + ": '" + f.key() + "' is " + f.status()
                    + ", not finished; a dataset names values on the cluster (publish finished futures, or call "
                    + "retry first)", r.error());
        }
        return new Item(f.key(), r.cache(), r.storage(), r.partition(), r.node(), f.entry().nbytes,
                f.entry().replicas, r.inline(), r.inline() ? r.value() : null);
    }

    /**
     * A future of this client for a handed item: its own if it has the key's value, or one holding
     * the item's; {@code gone} is the message if the item's value is gone.
     */
    Future<?> adopt(Item i, String gone) {
        synchronized (core.state) {
            KeyEntry own = core.state.get(i.key());
            if (own != null && own.state == KeyEntry.State.MEMORY) {
                core.state.hold(own);
                return core.future(own);
            }
        }
        if (!claim(i.storage(), Set.of(core.clientId), false)) {
            throw new DatasetException(gone);
        }
        shared.add(i.storage());
        return futureFor(i, true);
    }

    /**
     * A future of this client for item {@code i}, whose value it holds through the value's holder
     * list (when {@code held}): its own entry if it has the key's value, or a new entry for the
     * item's, handed in; a hold it then does not use is let go.
     */
    private Future<?> futureFor(Item i, boolean held) {
        KeyEntry e;
        synchronized (core.state) {
            KeyEntry own = core.state.get(i.key());
            if (own != null && own.state == KeyEntry.State.MEMORY) {
                e = own;
            } else {
                e = core.state.addData(i.key, i.cache, i.storage, i.partition, i.node, i.nbytes, i.inline, i.value,
                        i.replicas, null);
                if (held && ClientState.uses(e, i.storage)) {
                    e.handedIn = true;
                }
            }
            core.state.hold(e);
        }
        if (held && !ClientState.uses(e, i.storage()) && shared.remove(i.storage())) {
            releaseClaims(List.of(i.location()), ClientCore.CONTROL_TIMEOUT_MILLIS);
        }
        return core.future(e);
    }

    /**
     * A future of this client for a value of client {@code owner} that travelled here inside a
     * task's argument ({@link PackedArgument}): its own if it is this client's; otherwise this
     * client joins the value's holder list. The owner holds the value while the task that carried
     * the future has not run.
     */
    Future<?> arrive(Item i, String owner) {
        boolean other = !owner.equals(core.clientId);
        if (other) {
            holdFrom(i.storage(), owner);
        }
        return futureFor(i, other);
    }

    private DatasetException notFound(String name) {
        List<String> names = names();
        return new DatasetException("no dataset named '" + name + "' on this cluster"
                + (names.isEmpty() ? " (it has none)" : "; it has " + names) + ": publish one with client.publish(name, "
                + "futures), or check the name");
    }

    private static void checkName(String name, String call) {
        if (name == null || name.isBlank()) {
            throw new DatasetException(call + " needs a dataset name that is neither null nor blank");
        }
    }
}
