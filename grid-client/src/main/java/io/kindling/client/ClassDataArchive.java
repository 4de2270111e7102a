package io.kindling.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A class-data-sharing archive for the node JVMs of local clusters: the classes a node loads
 * (Ignite's, Kindling's) parsed, verified and laid out once, mapped by every later node JVM
 * instead of being loaded again. It takes about a third off a child node's start here.
 *
 * <p>The JDK writes an archive when a JVM given {@code -XX:ArchiveClassesAtExit} exits, and uses
 * it only with the same JDK and a class path that starts with the one it was written with (those
 * jars unchanged). It writes none once a class came from a directory, so the archive is written
 * by a JVM of its own over the jars alone: a node that starts, stops and exits, run by
 * {@link #writeIfMissing} when a local cluster with child JVMs closes and no archive was there
 * (once; about two seconds). Its nodes get this JVM's class path with the directories moved after
 * the jars (a class in both a directory and a jar is then taken from the jar), so that the archive
 * applies. The archive is {@code kindling-cds/<digest>.jsa} in the temporary directory
 * ({@code kindling.cds.dir} to change it), the digest taken over the JDK, the jars and each one's
 * size and time; it is written under a name of its own and then moved into place. Archives of
 * other class paths go when more than {@value #KEPT} are there. A class path with a jar that names
 * more in its manifest (such as a test runner's) is left as it is, without an archive.
 * {@code -Dkindling.cds=false} turns it off.
 */
final class ClassDataArchive {
    private static final int KEPT = 4;
    /** How long the archiving JVM may take to start, stop and write. */
    private static final long WRITE_SECONDS = 60;
    /** Whether this JVM is writing an archive (through its archiving JVM): one at a time is enough. */
    private static final AtomicBoolean WRITING = new AtomicBoolean();

    private final Path archive;
    private final Path writing;
    private final String classPath;
    private final String jars;

    private ClassDataArchive(Path archive, Path writing, String classPath, String jars) {
        this.archive = archive;
        this.writing = writing;
        this.classPath = classPath;
        this.jars = jars;
    }

    /** The class path of the node JVMs: this JVM's, its jars first. */
    String classPath() {
        return classPath;
    }

    /** The archive for node JVMs run from {@code javaHome} with {@code classPath}, or null if the JDK cannot make one. */
    static ClassDataArchive of(String javaHome, String classPath) {
        if (!Boolean.parseBoolean(System.getProperty("kindling.cds", "true"))
                || !Files.isRegularFile(Path.of(javaHome, "lib", "server", "classes.jsa"))) {
            return null;   // without the JDK's own archive, the JVM cannot write one on top of it
        }
        List<String> jars = new ArrayList<>();
        List<String> directories = new ArrayList<>();
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            if (Files.isDirectory(Path.of(entry))) {
                directories.add(entry);
            } else if (namesMore(entry)) {
                return null;
            } else {
                jars.add(entry);
            }
        }
        String jarPath = String.join(java.io.File.pathSeparator, jars);
        jars.addAll(directories);
        String ordered = String.join(java.io.File.pathSeparator, jars);
        Path dir = Path.of(System.getProperty("kindling.cds.dir",
                Path.of(System.getProperty("java.io.tmpdir"), "kindling-cds").toString()));
        String digest = digest(javaHome, jarPath);
        return new ClassDataArchive(dir.resolve(digest + ".jsa"),
                dir.resolve(digest + "." + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".writing"), ordered,
                jarPath);
    }

    /** Whether the jar at {@code entry} names more of the class path in its manifest. */
    private static boolean namesMore(String entry) {
        if (!Files.isRegularFile(Path.of(entry))) {
            return false;
        }
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(entry)) {
            java.util.jar.Manifest m = jar.getManifest();
            return m != null && m.getMainAttributes().getValue(java.util.jar.Attributes.Name.CLASS_PATH) != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** The JVM options of a node: the archive's, if there is one. */
    List<String> options() {
        if (Files.isRegularFile(archive)) {
            // An archive this JVM cannot map (a broken file) is passed over with a warning, which -Xlog hides.
            return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
        }
        return List.of();
    }

    /**
     * Writes the archive if there is none (and no other local cluster of this JVM is writing it):
     * runs {@code java} with {@code flags} over the jars, a node on free ports of its own that
     * stops once it is ready, and moves what its exit wrote into place. Bounded: a JVM that does
     * not end in time is killed, and nothing is kept.
     */
    void writeIfMissing(String java, List<String> flags) {
        if (Files.isRegularFile(archive) || jars.isEmpty() || !WRITING.compareAndSet(false, true)) {
            return;
        }
        Path work = null;
        Process p = null;
        try {
            Files.createDirectories(archive.getParent());
            work = Files.createTempDirectory("kindling-cds-");
            int port = io.kindling.grid.internal.Ports.freeBlock(30);
            List<String> command = new ArrayList<>();
            command.add(java);
            command.addAll(flags);
            command.addAll(List.of("-XX:ArchiveClassesAtExit=" + writing, "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                    "-Xmx256m", "-cp", jars, io.kindling.grid.internal.NodeMain.class.getName(),
                    "--name", "kindling-cds-" + port, "--discovery-port", String.valueOf(port), "--port-range", "10",
                    "--communication-port", String.valueOf(port + 10), "--thin-port", String.valueOf(port + 20),
                    "--threads", "1", "--work-dir", work.toString(), "--data-region-bytes", String.valueOf(64L << 20)));
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            Process started = p;
            Thread reader = new Thread(() -> {
                try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
                        started.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        if (line.startsWith(io.kindling.grid.internal.NodeMain.READY)) {
                            started.getOutputStream().close();   // ready: stop, and write the archive on the way out
                        }
                    }
                } catch (IOException e) {
                    // the JVM is gone
                }
            }, "kindling-cds-output");
            reader.setDaemon(true);
            reader.start();
            if (p.waitFor(WRITE_SECONDS, TimeUnit.SECONDS) && p.exitValue() == 0
                    && Files.isRegularFile(writing) && Files.size(writing) > 0) {
                try {
                    Files.move(writing, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(writing, archive, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            trim(archive.getParent());
        } catch (IOException e) {
            // the next cluster tries again
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
            try {
                Files.deleteIfExists(writing);
            } catch (IOException e) {
                // a partial file; trimmed after an hour
            }
            LocalCluster.deleteRecursively(work);
            WRITING.set(false);
        }
    }

    /** Keeps the {@value #KEPT} newest archives, and deletes partial ones older than an hour (of a JVM that died). */
    private static void trim(Path dir) throws IOException {
        List<Path> archives = new ArrayList<>();
        long hourAgo = System.currentTimeMillis() - 3_600_000;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.endsWith(".jsa")) {
                    archives.add(p);
                } else if (name.endsWith(".writing") && Files.getLastModifiedTime(p).toMillis() < hourAgo) {
                    Files.deleteIfExists(p);
                }
            }
        }
        archives.sort(Comparator.comparingLong(ClassDataArchive::modified).reversed());
        for (Path old : archives.subList(Math.min(KEPT, archives.size()), archives.size())) {
            Files.deleteIfExists(old);
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static String digest(String javaHome, String classPath) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
        StringBuilder what = new StringBuilder(javaHome).append('\n').append(System.getProperty("java.vm.version"))
                .append('\n');
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            what.append(entry).append('\t');
            try {
                if (Files.isRegularFile(p)) {
                    what.append(Files.size(p)).append('\t').append(Files.getLastModifiedTime(p).toMillis());
                }
            } catch (IOException e) {
                what.append('?');
            }
            what.append('\n');
        }
        return HexFormat.of().formatHex(sha.digest(what.toString().getBytes(StandardCharsets.UTF_8)), 0, 16);
    }
}
