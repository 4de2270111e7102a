package io.kindling.grid;

import io.kindling.grid.internal.Spill;
import io.kindling.grid.internal.SpillDirectory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spill directories left by nodes that died are deleted; those of living nodes are kept. */
class SpillOrphansTest {
    @TempDir
    Path base;

    private Path nodeDir(String name) throws Exception {
        Path d = Files.createDirectories(base.resolve(name));
        Files.write(d.resolve("1.bin"), new byte[1024]);
        Files.createFile(d.resolve(SpillDirectory.OWNER));
        return d;
    }

    @Test
    void sweep_deletesDirectoriesNoProcessOwns_keepsThoseOfLivingNodes() throws Exception {
        Path dead = nodeDir("dead-node");
        Path own = nodeDir("own-node");
        Path fresh = Files.createDirectories(base.resolve("being-made"));   // no owner file yet
        Path here = nodeDir("node-of-this-jvm");
        try (FileChannel c = FileChannel.open(here.resolve(SpillDirectory.OWNER), StandardOpenOption.WRITE);
                FileLock lock = c.lock()) {
            assertEquals(1, SpillDirectory.sweepOrphans(base, own));
            assertTrue(lock.isValid(), "the sweep must not release a lock this JVM holds");
        }
        assertFalse(Files.exists(dead));
        assertTrue(Files.exists(own.resolve("1.bin")));
        assertTrue(Files.exists(fresh));
        assertTrue(Files.exists(here.resolve("1.bin")));
    }

    @Test
    void sweep_keepsTheDirectoryOfAnotherProcess_untilThatProcessIsKilled() throws Exception {
        Path other = nodeDir("other-process");
        Path source = base.resolve("Locker.java");
        Files.writeString(source, """
                import java.nio.channels.FileChannel;
                import java.nio.file.*;
                public class Locker {
                    public static void main(String[] a) throws Exception {
                        FileChannel c = FileChannel.open(Path.of(a[0]), StandardOpenOption.WRITE);
                        c.lock();
                        System.out.println("locked");
                        System.out.flush();
                        Thread.sleep(120_000);
                    }
                }
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, source.toString(), other.resolve(SpillDirectory.OWNER).toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine());
            assertEquals(0, SpillDirectory.sweepOrphans(base, null));
            assertTrue(Files.exists(other.resolve("1.bin")));

            p.destroyForcibly();   // kill -9: the lock goes with the process, the directory stays
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertTrue(Files.exists(other.resolve("1.bin")));
            assertEquals(1, SpillDirectory.sweepOrphans(base, null));
            assertFalse(Files.exists(other));
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
