package io.kindling.grid.internal;

import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.IgniteException;
import org.apache.ignite.cache.CacheEntryProcessor;
import org.apache.ignite.cache.CachePeekMode;
import org.apache.ignite.cache.affinity.AffinityKey;

import javax.cache.Cache;
import javax.cache.processor.MutableEntry;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A server's values on disk, as a Dask worker spills them: once the node's data memory holds
 * more than {@link #target()} of its limit (60% by default, Dask's {@code target}), its coldest
 * large values are written to files in its spill directory and the cache keeps a small
 * {@link Spilled} in their place, until it holds less again. Past {@link #pause()} (80%, Dask's
 * {@code pause}) the node starts no new batch until memory frees ({@link #awaitRoom}); a value
 * that still does not fit fails its own call ({@link DataMemory#refusal}).
 *
 * <p>What spills: values of at least {@link RunTasks#INLINE_BYTES} in the data cache without
 * replicas (a replica's node has no copy of the file), that this node holds as primary and that
 * Java serialization can write (as Dask spills what pickle can write; the others stay in memory).
 * Coldest first: values no task on this node read or computed lately ({@link DecodedValues})
 * before those that one did. Readers of the cache get the value back from the file through the
 * node that wrote it ({@link SpillCalls#resolveAll}), whichever node now holds the small stand-in; the
 * value is not brought back into memory (its decoded copy may be, as for any read).
 *
 * <p>Lifetime: a file lives while its stand-in is in the cache: each reaper round deletes the
 * files whose value was released ({@link #dropDeleted}); the node's directory goes with the node
 * ({@link #close}). A node that dies takes its files with it, as it takes its memory: such values
 * are lost, and clients recompute them from their tasks or say which they cannot. Its directory
 * stays behind (a killed process deletes nothing): the next node to start over the same spill
 * directory deletes it, knowing it for an orphan because no process holds the lock on its owner
 * file any more ({@link SpillDirectory}).
 *
 * <p>Settings (system properties of the node JVM): {@code kindling.memory.target} and
 * {@code kindling.memory.pause} (fractions of the data region), {@code kindling.memory.pause.millis}
 * (the longest a batch waits for memory, 30 s), {@code kindling.spill} ({@code false}: never
 * spill), {@code kindling.spill.dir} (a directory for every node of the JVM; by default the node's
 * work directory), {@code kindling.spill.bytes} (the most a node writes, unlimited by default;
 * a node never fills its disk past 256 MiB free).
 */
public final class Spill {
    private static final PerNode<Spill> NODES = new PerNode<>(Spill::new);
    /** Free disk space a spill leaves, whatever {@code kindling.spill.bytes} allows. */
    private static final long DISK_RESERVE_BYTES = 256L << 20;

    private record SpillFile(String cache, AffinityKey<String> key, Path path, long bytes, ClassLoader loader) {
    }

    private final Ignite ignite;
    private final SpillSettings settings;
    private final Map<Long, SpillFile> files = new ConcurrentHashMap<>();
    private final Set<AffinityKey<String>> unspillable = ConcurrentHashMap.newKeySet();
    /**
     * Files written whose stand-in is not in the cache yet: {@link #dropDeleted} leaves them, or
     * it would take them for files of released values and a stand-in would point at nothing.
     */
    private final Set<Long> swapping = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong spilledBytes = new AtomicLong();
    private final AtomicLong spilledTotal = new AtomicLong();
    private SpillDirectory dir;
    private boolean closed;
    /** When a pass last found nothing to spill: the watch makes no new pass for a second. */
    private long fruitlessAt = System.nanoTime() - FRUITLESS_PAUSE_NANOS;
    private static final long FRUITLESS_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private volatile String diskTrouble;

    private Spill(Ignite ignite) {
        this.ignite = ignite;
        this.settings = SpillSettings.of(ignite);
    }

    /** This node's spill. */
    public static Spill of(Ignite ignite) {
        return NODES.of(ignite);
    }

    /** The fraction of the data memory past which values spill. */
    public double target() {
        return settings.target();
    }

    /** The fraction past which the node starts no new batch. */
    public double pause() {
        return settings.pause();
    }

    /** Bytes of values this node holds on disk now. */
    public long spilledBytes() {
        return spilledBytes.get();
    }

    /** Values this node holds on disk now. */
    public int spilledValues() {
        return files.size();
    }

    /** Bytes this node has written to disk since it started (values deleted since included). */
    public long spilledTotal() {
        return spilledTotal.get();
    }

    /** Whether the data memory holds more than {@link #target()} of its limit. */
    public boolean aboveTarget() {
        return above(target(), 0);
    }

    private boolean above(double fraction, long more) {
        long limit = DataMemory.limit(ignite);
        long used = DataMemory.used(ignite);
        return limit > 0 && used >= 0 && used + more > fraction * limit;
    }

    /**
     * Spills cold values until the data memory holds at most {@link #target()} of its limit less
     * {@code needed} bytes, or nothing more can spill; returns the bytes spilled.
     */
    public synchronized long makeRoom(long needed) {
        long limit = DataMemory.limit(ignite);
        long used = DataMemory.used(ignite);
        long goal = (long) (target() * limit) - Math.max(0, needed);
        if (closed || !settings.enabled() || limit <= 0 || used < 0 || used <= goal
                || (needed == 0 && System.nanoTime() - fruitlessAt < FRUITLESS_PAUSE_NANOS)) {
            return 0;
        }
        IgniteCache<AffinityKey<String>, Object> cache = ignite.cache(KindlingGrid.DATA_CACHE);
        if (cache == null) {
            return 0;
        }
        DecodedValues decoded = DecodedValues.of(ignite);
        long freed = 0;
        List<AffinityKey<String>> warm = new ArrayList<>();
        try {
            for (Cache.Entry<AffinityKey<String>, Object> e : cache.localEntries(CachePeekMode.PRIMARY)) {
                if (used - freed <= goal) {
                    break;
                }
                if (decoded.holds(e.getKey())) {
                    warm.add(e.getKey());
                } else {
                    freed += spill(cache, e.getKey(), e.getValue());
                }
            }
            for (Iterator<AffinityKey<String>> i = warm.iterator(); i.hasNext() && used - freed > goal; ) {
                AffinityKey<String> k = i.next();
                Object v = cache.localPeek(k, CachePeekMode.PRIMARY);
                if (v != null) {
                    freed += spill(cache, k, v);
                }
            }
        } catch (IgniteException | IllegalStateException e) {
            // the node stops, or the cache is being rebalanced: the next pass goes on
        }
        if (freed == 0) {
            fruitlessAt = System.nanoTime();
        }
        return freed;
    }

    /** Writes one value to disk and puts its stand-in in the cache; the bytes freed (0 if it stays). */
    private long spill(IgniteCache<AffinityKey<String>, Object> cache, AffinityKey<String> key, Object value) {
        if (value instanceof Spilled || value instanceof KindlingGrid.StoredNull || unspillable.contains(key)) {
            return 0;
        }
        long size = Sizes.of(value);
        if (size < RunTasks.INLINE_BYTES) {
            return 0;
        }
        Path path;
        long id = ids.incrementAndGet();
        try {
            Path d = dir();
            if (!roomOnDisk(d, size)) {
                return 0;
            }
            try {
                path = SpillDirectory.write(d, id, value);
            } catch (NotSerializableException | java.io.InvalidClassException e) {
                unspillable.add(key);
                return 0;
            }
        } catch (IOException | UncheckedIOException e) {
            diskTrouble = e.toString();
            return 0;
        }
        ClassLoader loader = value.getClass().getClassLoader();
        swapping.add(id);
        Boolean swapped;
        try {
            files.put(id, new SpillFile(cache.getName(), key, path, size, loader));
            Spilled stub = new Spilled(ignite.cluster().localNode().id(), consistentId(ignite), id, size);
            try {
                swapped = cache.invoke(key, new ToStub(), stub);
            } catch (RuntimeException e) {
                swapped = false;
            }
            if (!Boolean.TRUE.equals(swapped)) {
                delete(id);
                return 0;
            }
        } finally {
            swapping.remove(id);
        }
        spilledBytes.addAndGet(size);
        spilledTotal.addAndGet(size);
        diskTrouble = null;
        return size;
    }

    private boolean roomOnDisk(Path d, long size) throws IOException {
        long most = settings.mostBytes();
        if (spilledBytes.get() + size > most) {
            diskTrouble = "kindling.spill.bytes (" + DataMemory.size(most) + ") is spent";
            return false;
        }
        if (Files.getFileStore(d).getUsableSpace() - size < DISK_RESERVE_BYTES) {
            diskTrouble = "the disk of " + d + " is nearly full";
            return false;
        }
        return true;
    }

    /** Why the last spill could not write, or null since one could: for {@link DataMemory#refusal}'s message. */
    public String diskTrouble() {
        return diskTrouble;
    }

    private synchronized Path dir() throws IOException {
        if (closed) {
            throw new IOException("the node stops");
        }
        if (dir == null) {
            String name = consistentId(ignite).replaceAll("[^A-Za-z0-9._-]", "_") + "-"
                    + ignite.cluster().localNode().id().toString().substring(0, 8);
            dir = SpillDirectory.create(SpillDirectory.base(ignite), name);
        }
        return dir.path();
    }

    /**
     * Deletes the spill directories of nodes that died without deleting theirs
     * ({@link SpillDirectory#sweepOrphans}): at the node's start, beside its own. The number deleted.
     */
    public int sweepOrphans() {
        SpillDirectory own;
        synchronized (this) {
            own = dir;
        }
        return SpillDirectory.sweepOrphans(SpillDirectory.base(ignite), own == null ? null : own.path());
    }

    private static String consistentId(Ignite ignite) {
        return String.valueOf(ignite.cluster().localNode().consistentId());
    }

    /** Replaces a value by its stand-in if the value is still there (not deleted meanwhile). */
    static final class ToStub implements CacheEntryProcessor<AffinityKey<String>, Object, Boolean> {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean process(MutableEntry<AffinityKey<String>, Object> entry, Object... args) {
            if (!entry.exists()) {
                return false;
            }
            entry.setValue(args[0]);
            return true;
        }
    }

    /**
     * The value a stand-in of this node stands for, read from its file, or null if it is gone
     * (deleted, or the node stops).
     */
    public Object readLocal(long id) {
        SpillFile f = files.get(id);
        if (f == null) {
            return null;
        }
        try {
            return SpillDirectory.read(f.path(), f.loader());
        } catch (IOException | ClassNotFoundException e) {
            if (files.containsKey(id)) {
                ignite.log().warning("Kindling could not read spilled value " + f.path() + ": " + e);
            }
            return null;
        }
    }

    /**
     * Before a batch starts: while the data memory holds more than {@link #pause()} of its
     * limit, spills, and waits for memory to free, for at most {@code kindling.memory.pause.millis}
     * (then the batch runs, and a result that does not fit fails alone). Whether it waited.
     */
    public boolean awaitRoom() {
        if (!above(pause(), 0)) {
            return false;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.pauseMillis());
        paused.incrementAndGet();
        try {
            makeRoom(0);
            while (above(pause(), 0) && System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
                // Memory frees when clients release values (no event tells): look again shortly.
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                makeRoom(0);
                dropDeleted();
            }
        } finally {
            paused.decrementAndGet();
        }
        return true;
    }

    private final AtomicLong paused = new AtomicLong();

    /** Whether a batch waits for memory on this node now. */
    public boolean paused() {
        return paused.get() > 0;
    }

    /** Deletes the files whose values were released (their stand-ins left the cache). */
    public void dropDeleted() {
        if (files.isEmpty()) {
            return;
        }
        Map<String, Map<AffinityKey<String>, Long>> byCache = new HashMap<>();
        for (Map.Entry<Long, SpillFile> f : files.entrySet()) {
            // A file seen here whose id is not swapping has its stand-in in the cache already
            // (swapping is marked before the file is listed, cleared after the swap).
            if (swapping.contains(f.getKey())) {
                continue;
            }
            byCache.computeIfAbsent(f.getValue().cache(), c -> new HashMap<>()).put(f.getValue().key(), f.getKey());
        }
        for (Map.Entry<String, Map<AffinityKey<String>, Long>> c : byCache.entrySet()) {
            IgniteCache<AffinityKey<String>, Object> cache = ignite.cache(c.getKey());
            Map<AffinityKey<String>, Object> now = cache == null ? Map.of() : cache.getAll(c.getValue().keySet());
            for (Map.Entry<AffinityKey<String>, Long> k : c.getValue().entrySet()) {
                Object v = now.get(k.getKey());
                if (!(v instanceof Spilled s) || s.id() != k.getValue()
                        || !s.nodeId().equals(ignite.cluster().localNode().id())) {
                    delete(k.getValue());
                }
            }
        }
        if (unspillable.size() > 10_000) {
            unspillable.clear();
        }
    }

    private void delete(long id) {
        SpillFile f = files.remove(id);
        if (f != null) {
            spilledBytes.addAndGet(-f.bytes());
            try {
                Files.deleteIfExists(f.path());
            } catch (IOException e) {
                // the directory goes with the node
            }
        }
    }

    /** Deletes this node's spill directory: for the node's stop. */
    public void close() {
        SpillDirectory d;
        synchronized (this) {
            closed = true;
            d = dir;
            dir = null;
        }
        Collection<Long> all = new ArrayList<>(files.keySet());
        all.forEach(this::delete);
        if (d != null) {
            d.delete();
        }
    }
}
