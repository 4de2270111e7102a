package io.kindling.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The class-data archive that local clusters' node JVMs share ({@link ClassDataArchive}), with real child JVMs. */
class ClassDataArchiveTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @Test
    void theFirstClusterWritesTheArchiveAsItCloses_laterNodesMapIt_aBrokenOneIsPassedOver(@TempDir Path dir) throws Exception {
        String before = System.getProperty("kindling.cds.dir");
        System.setProperty("kindling.cds.dir", dir.toString());
        try {
            assertNotNull(ClassDataArchive.of(System.getProperty("java.home"), System.getProperty("java.class.path")),
                    "this JDK and class path take an archive");
            assertTrue(!nodeArguments().contains("-XX:SharedArchiveFile="), "no archive yet");
            List<Path> files = files(dir);   // written as the first cluster closed
            assertEquals(1, files.size(), "one archive, nothing partial left: " + files);
            Path archive = files.get(0);
            assertTrue(archive.toString().endsWith(".jsa") && Files.size(archive) > 1_000_000, archive.toString());

            assertTrue(nodeArguments().contains("-XX:SharedArchiveFile=" + archive), "the next node maps it");

            Files.write(archive, new byte[4096]);   // not an archive: the JVM passes over it
            assertTrue(nodeArguments().contains("-XX:SharedArchiveFile=" + archive), "still given");
        } finally {
            if (before == null) {
                System.clearProperty("kindling.cds.dir");
            } else {
                System.setProperty("kindling.cds.dir", before);
            }
        }
    }

    @Test
    void directoriesComeAfterJars_aJarThatNamesMoreInItsManifestGetsNoArchive(@TempDir Path dir) throws Exception {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Path jar = Path.of(Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> e.endsWith(".jar")).findFirst().orElseThrow());
        String sep = java.io.File.pathSeparator;
        ClassDataArchive a = ClassDataArchive.of(System.getProperty("java.home"), classes + sep + jar);
        assertNotNull(a);
        assertEquals(jar + sep + classes, a.classPath());

        Path manifestJar = dir.resolve("booter.jar");
        java.util.jar.Manifest m = new java.util.jar.Manifest();
        m.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(java.util.jar.Attributes.Name.CLASS_PATH, classes.toUri().toString());
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(manifestJar), m)) {
            out.flush();
        }
        assertNull(ClassDataArchive.of(System.getProperty("java.home"), manifestJar.toString()));
    }

    /** Starts a one-node cluster of a child JVM, runs a task there, and returns the node JVM's arguments. */
    private static String nodeArguments() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().processes(true).nodes(1).threads(1).dashboard(false).start();
             Client client = Client.of(cluster)) {
            assertEquals(42, client.submit(ClassDataArchiveTest::inc, 41).result(BOUND));
            Object args = cluster.ignite().cluster().forServers().node().attribute("org.apache.ignite.jvm.args");
            return String.valueOf(args);
        }
    }

    static int inc(int x) {
        return x + 1;
    }

    private static List<Path> files(Path dir) throws java.io.IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
