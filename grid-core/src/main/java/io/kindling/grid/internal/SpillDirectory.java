package io.kindling.grid.internal;

import org.apache.ignite.Ignite;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

/**
 * One node's spill directory ({@link Spill}), and the sweep of those that dead nodes left. A node
 * holds a lock on the directory's {@value #OWNER} file while it lives; a killed process deletes
 * nothing, but its lock goes with it, which is how the next node to start beside it knows the
 * directory for an orphan.
 */
public final class SpillDirectory {
    /** In a node's spill directory: the file it holds a lock on while it lives. */
    public static final String OWNER = ".owner";
    /** A directory without an owner file this old was left by a node that died as it made it. */
    private static final long UNOWNED_MILLIS = 60_000;

    private final Path path;
    /** Holds {@link #lock}: closing it releases the lock. */
    private final FileChannel channel;
    private final FileLock lock;

    private SpillDirectory(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    /** Where a node's JVM keeps the spill directories: {@code kindling.spill.dir}, or in its work directory. */
    static Path base(Ignite ignite) {
        String given = System.getProperty("kindling.spill.dir");
        String work = ignite.configuration().getWorkDirectory();
        return given != null && !given.isBlank() ? Paths.get(given)
                : Paths.get(work != null ? work : System.getProperty("java.io.tmpdir"), "kindling-spill");
    }

    /** Makes the directory {@code name} in {@code base} and locks its owner file. */
    static SpillDirectory create(Path base, String name) throws IOException {
        Path d = Files.createDirectories(base.resolve(name));
        FileChannel channel = FileChannel.open(d.resolve(OWNER), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            return new SpillDirectory(d, channel, channel.tryLock());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    Path path() {
        return path;
    }

    /** Releases the lock and deletes the directory with what is left in it: for the node's stop. */
    void delete() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing it is all that is left to do
        }
        try {
            deleteTree(path);
        } catch (IOException e) {
            // a temporary directory; nothing more to do
        }
    }

    /**
     * Writes {@code value} with Java serialization to the file of spill {@code id} in directory
     * {@code dir}; its path. A value that cannot be serialized leaves no file.
     */
    static Path write(Path dir, long id, Object value) throws IOException {
        Path path = dir.resolve(id + ".bin");
        try (ObjectOutputStream out = new ObjectOutputStream(new BufferedOutputStream(Files.newOutputStream(path),
                1 << 16))) {
            out.writeObject(value);
        } catch (IOException e) {
            Files.deleteIfExists(path);
            throw e;
        }
        return path;
    }

    /** The value {@link #write} wrote to {@code path}, its classes read through {@code loader} first. */
    static Object read(Path path, ClassLoader loader) throws IOException, ClassNotFoundException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
                ObjectInputStream objects = new LoaderInputStream(in, loader)) {
            return objects.readObject();
        }
    }

    /**
     * Deletes each directory in {@code base} (but {@code own}) whose owner file no process holds a
     * lock on: its node is gone. A lock held in this JVM (another node here) or by another
     * process keeps the directory. The number deleted.
     */
    public static int sweepOrphans(Path base, Path own) {
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
            FileLock held = c.tryLock();
            if (held == null) {
                return false;   // another process holds it
            }
            held.release();
            return true;
        } catch (OverlappingFileLockException e) {
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
}
