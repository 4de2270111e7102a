package io.kindling.dist;

import io.kindling.grid.internal.Ports;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The distribution, copied out of the checkout, runs without Maven: a {@code mvn} first on the
 * PATH that only fails would show any call to it. Its scripts answer {@code --help}, run the
 * tutorial, and start a server node.
 */
class DistributionTest {
    @TempDir
    static Path tmp;
    private static Path home;
    private static Path fakeMavenDir;

    @BeforeAll
    static void copyTheDistributionOut() throws IOException {
        Path built = Path.of(System.getProperty("kindling.dist"));
        assertTrue(Files.isDirectory(built.resolve("lib")), "no distribution at " + built);
        home = tmp.resolve("kindling");
        try (Stream<Path> files = Files.walk(built)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.copy(p, home.resolve(built.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        fakeMavenDir = Files.createDirectories(tmp.resolve("fake-maven"));
        Path mvn = fakeMavenDir.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\necho 'Maven was called' >&2\nexit 97\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static ProcessBuilder script(String name, String... args) {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin").resolve(name).toString()));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true);
        b.environment().put("PATH", fakeMavenDir + ":" + System.getenv("PATH"));
        b.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return b;
    }

    /** Runs to its end (bounded) and returns its output; fails unless it exits 0. */
    private static String run(ProcessBuilder b) throws Exception {
        Process p = b.start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "did not end: " + b.command());
            assertEquals(0, p.exitValue(), out);
            assertTrue(!out.contains("Maven was called"), out);
            return out;
        } finally {
            p.destroyForcibly();
            p.onExit().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void layout_scriptsExecutable_jarsAndConfigPresent() {
        for (String s : List.of("kindling-server", "kindling-example", "kindling-env")) {
            assertTrue(Files.isExecutable(home.resolve("bin").resolve(s)), s);
        }
        assertTrue(Files.isRegularFile(home.resolve("config/kindling-server.xml")));
        assertTrue(Files.isRegularFile(home.resolve("config/jvm.options")));
        assertTrue(Files.isRegularFile(home.resolve("README.md")));
        assertTrue(Files.isRegularFile(home.resolve("lib/grid-core-0.1.0-SNAPSHOT.jar")));
        assertTrue(Files.isRegularFile(home.resolve("lib/ignite-core-2.17.0.jar")));
    }

    @Test
    void serverHelp_answersWithoutMaven() throws Exception {
        String out = run(script("kindling-server", "--help"));
        assertTrue(out.startsWith("Usage: kindling-server") && out.contains("--verbose"), out);
    }

    @Test
    void tutorial_runsFromTheDistribution() throws Exception {
        String out = run(script("kindling-example"));
        assertTrue(out.contains("computed: 13") && out.contains("map(inc, [1..5]): [2, 3, 4, 5, 6]"), out);
    }

    @Test
    void server_startsFromTheDistribution() throws Exception {
        int base = Ports.freeBlock(30);
        Process p = script("kindling-server", "-Dkindling.discovery.port=" + base,
                "-Dkindling.discovery.addresses=127.0.0.1:" + base + ".." + (base + 1),
                "-Dkindling.communication.port=" + (base + 10), "-Dkindling.thin.port=" + (base + 20),
                "-Dkindling.port.range=2", "-Dkindling.dashboard.off=true", "-Dkindling.data.region.bytes=" + (128L << 20),
                "-Dkindling.work.dir=" + tmp.resolve("work")).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            String line;
            while ((line = out.readLine()) != null && !line.contains("kindling-server: node up")) {
                seen.append(line).append('\n');
            }
            assertTrue(line != null, "the server did not come up:\n" + seen);
            assertTrue(!seen.toString().contains("Maven was called"), seen.toString());
        } finally {
            p.destroyForcibly();
            p.onExit().get(30, TimeUnit.SECONDS);
        }
    }
}
