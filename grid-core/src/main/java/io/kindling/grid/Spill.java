package io.kindling.grid;

import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.IgniteException;
import org.apache.ignite.cache.CacheEntryProcessor;
import org.apache.ignite.cache.CachePeekMode;
import org.apache.ignite.cache.affinity.AffinityKey;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.resources.IgniteInstanceResource;

import javax.cache.Cache;
import javax.cache.processor.MutableEntry;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
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
 * node that wrote it ({@link #resolveAll}), whichever node now holds the small stand-in; the
 * value is not brought back into memory (its decoded copy may be, as for any read).
 *
 * <p>Lifetime: a file lives while its stand-in is in the cache: each reaper round deletes the
 * files whose value was released ({@link #dropDeleted}); the node's directory goes with the node
 * ({@link #close}). A node that dies takes its files with it, as it takes its memory: such values
 * are lost, and clients recompute them from their tasks or say which they cannot. Its directory
 * stays behind (a killed process deletes nothing): the next node to start over the same spill
 * directory deletes it, knowing it for an orphan because no process holds the lock on its owner
 * file any more ({@link #sweepOrphans}).
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
    private Path dir;
    private boolean closed;
    /** When a pass last found nothing to spill: the watch makes no new pass for a second. */
    private long fruitlessAt = System.nanoTime() - FRUITLESS_PAUSE_NANOS;
    private static final long FRUITLESS_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private volatile String diskTrouble;

    private Spill(Ignite ignite) {
        this.ignite = ignite;
    }

    /** This node's spill. */
    public static Spill of(Ignite ignite) {
        return NODES.of(ignite);
    }

    /** The fraction of the data memory past which values spill. */
    public double target() {
        return fraction(TARGET, 0.6);
    }

    /** The fraction past which the node starts no new batch. */
    public double pause() {
        return fraction(PAUSE, 0.8);
    }

    /** Node attributes (set by {@link NodeConfig}) or, without them, system properties of the node JVM. */
    static final String TARGET = "kindling.memory.target";
    static final String PAUSE = "kindling.memory.pause";
    static final String ENABLED = "kindling.spill";

    private String setting(String name) {
        Object a = ignite.cluster().localNode().attribute(name);
        return a != null ? a.toString() : System.getProperty(name);
    }

    private double fraction(String property, double otherwise) {
        String v = setting(property);
        if (v == null || v.isBlank()) {
            return otherwise;
        }
        try {
            double f = Double.parseDouble(v.trim());
            if (f > 0 && f <= 1) {
                return f;
            }
        } catch (NumberFormatException e) {
            // the default below
        }
        throw new IllegalArgumentException(property + " must be a fraction of the data memory above 0 and at most 1, "
                + "such as 0.6, not '" + v + "'");
    }

    private boolean enabled() {
        String v = setting(ENABLED);
        return v == null || !"false".equalsIgnoreCase(v.trim());
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
        if (closed || !enabled() || limit <= 0 || used < 0 || used <= goal
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
            path = d.resolve(id + ".bin");
            try (ObjectOutputStream out = new ObjectOutputStream(new BufferedOutputStream(Files.newOutputStream(path),
                    1 << 16))) {
                out.writeObject(value);
            } catch (NotSerializableException | java.io.InvalidClassException e) {
                unspillable.add(key);
                Files.deleteIfExists(path);
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
        return size;
    }

    private boolean roomOnDisk(Path d, long size) throws IOException {
        long most = Long.getLong("kindling.spill.bytes", Long.MAX_VALUE);
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

    /** Why the last spill could not write, or null: for a refusal's message. */
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
            Path d = Files.createDirectories(base().resolve(name));
            FileChannel channel = FileChannel.open(d.resolve(OWNER), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                owner = channel.tryLock();
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            ownerChannel = channel;
            dir = d;
        }
        return dir;
    }

    /** The directory that holds the spill directories of the nodes (each its own). */
    private Path base() {
        String given = System.getProperty("kindling.spill.dir");
        String work = ignite.configuration().getWorkDirectory();
        return given != null && !given.isBlank() ? Paths.get(given)
                : Paths.get(work != null ? work : System.getProperty("java.io.tmpdir"), "kindling-spill");
    }

    /** In a node's spill directory: the file it holds a lock on while it lives. */
    static final String OWNER = ".owner";
    /** A directory without an owner file this old was left by a node that died as it made it. */
    private static final long UNOWNED_MILLIS = 60_000;
    private FileChannel ownerChannel;
    /** Held while the node lives (closing the channel releases it). */
    private FileLock owner;

    /**
     * Deletes the spill directories of nodes that died without deleting theirs (killed, or their
     * machine lost power), so that their files do not fill the disk: at the node's start, in the
     * directory its own spill goes to. The number deleted.
     */
    public int sweepOrphans() {
        Path own;
        synchronized (this) {
            own = dir;
        }
        return sweepOrphans(base(), own);
    }

    /**
     * Deletes each directory in {@code base} (but {@code own}) whose owner file no process holds a
     * lock on: its node is gone. A lock held in this JVM (another node here) or by another
     * process keeps the directory.
     */
    static int sweepOrphans(Path base, Path own) {
        if (!Files.isDirectory(base)) {
            return 0;
        }
        int swept = 0;
        try (var dirs = Files.list(base)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                if (!Files.isDirectory(d) || d.equals(own)) {
                    continue;
                }
                if (orphaned(d)) {
                    deleteTree(d);
                    swept++;
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // another node sweeps at the same time, or the directory went: the next start sweeps again
        }
        return swept;
    }

    private static boolean orphaned(Path d) throws IOException {
        Path ownerFile = d.resolve(OWNER);
        if (!Files.exists(ownerFile)) {
            return System.currentTimeMillis() - Files.getLastModifiedTime(d).toMillis() > UNOWNED_MILLIS;
        }
        try (FileChannel c = FileChannel.open(ownerFile, StandardOpenOption.WRITE)) {
            FileLock lock = c.tryLock();
            if (lock == null) {
                return false;   // another process holds it
            }
            lock.release();
            return true;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return false;       // a node of this JVM holds it
        }
    }

    private static void deleteTree(Path d) throws IOException {
        try (var files = Files.list(d)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(d);
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
        try (InputStream in = new BufferedInputStream(Files.newInputStream(f.path()), 1 << 16);
                ObjectInputStream objects = new LoaderInputStream(in, f.loader())) {
            return objects.readObject();
        } catch (IOException | ClassNotFoundException e) {
            if (files.containsKey(id)) {
                ignite.log().warning("Kindling could not read spilled value " + f.path() + ": " + e);
            }
            return null;
        }
    }

    /** Reads classes through the loader of the class that was written (peer-loaded classes included). */
    private static final class LoaderInputStream extends ObjectInputStream {
        private final ClassLoader loader;

        LoaderInputStream(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            if (loader != null) {
                try {
                    return Class.forName(desc.getName(), false, loader);
                } catch (ClassNotFoundException e) {
                    // the default lookup below
                }
            }
            return super.resolveClass(desc);
        }
    }

    /**
     * Replaces each {@link Spilled} among {@code values} (as read from a data cache) by the value
     * it stands for, read through the node that wrote it; removes those whose value is gone (its
     * node left), so that they count as lost. From any node or thick client.
     */
    public static <K> void resolveAll(Ignite ignite, Map<K, Object> values, long timeoutMillis) {
        for (Iterator<Map.Entry<K, Object>> i = values.entrySet().iterator(); i.hasNext(); ) {
            Map.Entry<K, Object> e = i.next();
            if (e.getValue() instanceof Spilled s) {
                Object v = read(ignite, s, timeoutMillis);
                if (v == null) {
                    i.remove();
                } else {
                    e.setValue(v);
                }
            }
        }
    }

    /** The value {@code stub} stands for, or null if its node or its file is gone. */
    public static Object read(Ignite ignite, Spilled stub, long timeoutMillis) {
        if (stub.nodeId().equals(ignite.cluster().localNode().id())) {
            return of(ignite).readLocal(stub.id());
        }
        ClusterNode node = ignite.cluster().node(stub.nodeId());
        if (node == null) {
            return null;
        }
        try {
            return ignite.compute(ignite.cluster().forNode(node)).withNoFailover().withTimeout(timeoutMillis)
                    .call(new OnNode(true, stub.id()));
        } catch (org.apache.ignite.cluster.ClusterTopologyException e) {
            return null;
        }
    }


    /** Asks every server to make room for {@code bytes} ({@link #makeRoom}), within {@code timeoutMillis}. */
    public static void makeRoomEverywhere(Ignite ignite, long bytes, long timeoutMillis) {
        if (ignite.cluster().forServers().nodes().isEmpty()) {
            return;
        }
        ignite.compute(ignite.cluster().forServers()).withNoFailover().withTimeout(timeoutMillis)
                .broadcast(new OnNode(false, bytes));
    }

    /**
     * On the node it runs on: reads the spilled value of id {@code argument} ({@code read}, for
     * {@link #read} on the node that wrote it), or makes room for {@code argument} bytes
     * ({@link #makeRoom}, for {@link #makeRoomEverywhere}).
     */
    static final class OnNode implements IgniteCallable<Object> {
        private static final long serialVersionUID = 1L;
        private final boolean read;
        private final long argument;
        @IgniteInstanceResource
        private transient Ignite ignite;

        OnNode(boolean read, long argument) {
            this.read = read;
            this.argument = argument;
        }

        @Override
        public Object call() {
            Spill spill = Spill.of(ignite);
            return read ? spill.readLocal(argument) : (Object) spill.makeRoom(argument);
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
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Long.getLong("kindling.memory.pause.millis",
                30_000));
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
        Path d;
        synchronized (this) {
            closed = true;
            d = dir;
            dir = null;
        }
        Collection<Long> all = new ArrayList<>(files.keySet());
        all.forEach(this::delete);
        FileChannel channel;
        synchronized (this) {
            channel = ownerChannel;
            ownerChannel = null;
            owner = null;
        }
        if (channel != null) {
            try {
                channel.close();   // releases the lock
            } catch (IOException e) {
                // closing it is all that is left to do
            }
        }
        if (d != null) {
            try {
                deleteTree(d);
            } catch (IOException e) {
                // a temporary directory; nothing more to do
            }
        }
    }
}
