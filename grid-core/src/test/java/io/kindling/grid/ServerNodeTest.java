package io.kindling.grid;

import io.kindling.grid.internal.KindlingGrid;
import io.kindling.grid.internal.NodeHoldings;

import org.apache.ignite.Ignition;
import org.apache.ignite.client.ClientCache;
import org.apache.ignite.client.IgniteClient;
import org.apache.ignite.configuration.ClientConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** {@link ServerMain} in real child JVMs started from {@code config/kindling-server.xml}. */
class ServerNodeTest {
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration STOP = Duration.ofSeconds(30);
    private static final Path ROOT = projectRoot();
    private static final Path SERVER_XML = ROOT.resolve("config/kindling-server.xml");

    @TempDir
    Path tmp;

    private final List<Child> children = new ArrayList<>();

    @AfterEach
    void stopChildren() throws InterruptedException {
        for (Child child : children) {
            child.process.descendants().forEach(ProcessHandle::destroyForcibly);
            child.process.destroyForcibly();
            assertTrue(child.process.waitFor(STOP.toSeconds(), TimeUnit.SECONDS), "a child JVM outlived kill -9");
        }
        for (Child child : children) {
            assertTrue(!child.process.isAlive() && child.process.descendants().findAny().isEmpty(),
                    "child left running: " + child.process.pid());
        }
    }

    @Test
    void twoServersFormOneClusterAndStopCleanlyOnSigterm() throws Exception {
        int base = freePortBase();
        Child first = start("a", base);
        Up a = first.awaitUp();
        Child second = start("b", base);
        Up b = second.awaitUp();

        assertEquals(2, b.servers, second.describe());
        String joined = first.awaitLine("kindling-server: server ");
        assertTrue(joined.contains(" joined; the cluster has 2 servers, "), joined);
        assertEquals(List.of(base, base + 10, base + 20), List.of(a.discovery, a.communication, a.thin), first.describe());
        assertEquals(List.of(base + 1, base + 11, base + 21), List.of(b.discovery, b.communication, b.thin),
                second.describe());

        // SIGTERM, as Process.destroy() sends, but without closing our end of the child's stdout.
        assertTrue(first.process.toHandle().destroy());
        assertTrue(first.process.waitFor(STOP.toSeconds(), TimeUnit.SECONDS), "no stop on SIGTERM\n" + first.describe());
        assertEquals(0, first.process.exitValue(), first.describe());
        first.awaitLine("kindling-server: stopped");
        // The survivor also says what the server took with it, in a line of its own that may come first.
        String left = second.awaitLine(" left; the cluster has ");
        assertTrue(left.startsWith("kindling-server: server ") && left.contains(" left; the cluster has 1 server, "), left);

        second.process.destroyForcibly();
        assertTrue(second.process.waitFor(STOP.toSeconds(), TimeUnit.SECONDS), second.describe());
    }

    @Test
    void theConsoleSays_whatTheReaperReclaims_andWhatAServerTookWithIt() throws Exception {
        int base = freePortBase();
        Child first = start("a", base, "-Dkindling.instance.name=a");
        Up a = first.awaitUp();
        Child second = start("b", base, "-Dkindling.instance.name=b");
        second.awaitUp();
        first.awaitLine(" joined; the cluster has 2 servers");

        String live = "c0ffee";
        int values = 200;
        try (IgniteClient thin = Ignition.startClient(new ClientConfiguration().setAddresses("127.0.0.1:" + a.thin))) {
            thin.cache(KindlingGrid.LEASE_CACHE).put(live, Boolean.TRUE);   // a client that lives (no expiry)
            // The other client dies once all its values are stored: a reaper's round then finds them all
            // (were it alive without a lease while they were written, a round could find only some).
            thin.cache(KindlingGrid.LEASE_CACHE).put("deadbeef", Boolean.TRUE);
            ClientCache<Object, Object> data = thin.cache(KindlingGrid.DATA_CACHE);
            Map<Object, Object> puts = new HashMap<>();
            for (int i = 0; i < values; i++) {
                puts.put(KindlingGrid.cacheKey("v-" + i + "#" + live + "." + i, i), i);
                puts.put(KindlingGrid.cacheKey("d-" + i + "#deadbeef." + i, i), i);
            }
            data.putAll(puts);
            thin.cache(KindlingGrid.LEASE_CACHE).remove("deadbeef");

            // The dead client's values go, each server saying how many of its own it reclaimed.
            int reclaimed = reclaimedCount(first.awaitLine("reclaimed ")) + reclaimedCount(second.awaitLine("reclaimed "));
            assertEquals(values, reclaimed, first.describe() + second.describe());
            long afterReclaim = System.currentTimeMillis();

            // Once the second server has counted what it holds, it dies; the first says what went with it.
            ClientCache<String, long[]> holdings = thin.cache(NodeHoldings.CACHE);
            long deadline = System.nanoTime() + START.toNanos();
            long[] counted = holdings.get("b");
            while ((counted == null || counted[0] < afterReclaim) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
                counted = holdings.get("b");
            }
            assertTrue(counted != null && counted[1] > 0 && counted[1] < values, "the second server's counts: "
                    + (counted == null ? null : java.util.Arrays.toString(counted)) + "\n" + second.describe());
            second.process.destroyForcibly();   // kill -9
            String lost = first.awaitLine(" failed: ");
            assertTrue(lost.matches("kindling-server: server b failed: the " + counted[1] + " values it held without a "
                    + "replica are lost \\(counted [0-9.]+ s before\\); clients recompute .*"), lost);
        }
    }

    private static int reclaimedCount(String line) {
        Matcher m = Pattern.compile("kindling-server: reclaimed (\\d+) values? of client deadbeef, whose lease ran out").matcher(line);
        assertTrue(m.find(), line);
        return Integer.parseInt(m.group(1));
    }

    @Test
    void helpExplainsUsage() throws Exception {
        Child help = start("help", List.of(), "--help");
        assertTrue(help.process.waitFor(START.toSeconds(), TimeUnit.SECONDS), help.describe());
        assertEquals(0, help.process.exitValue(), help.describe());
        String usage = help.output();
        assertTrue(usage.startsWith("Usage: kindling-server") && usage.contains("--classpath")
                && usage.contains("kindling.discovery.addresses") && usage.contains("run code on the servers"), usage);
    }

    @Test
    void withoutTheJvmFlags_refusedNamingTheFlagsAndTheirList() throws Exception {
        Child child = start("noflags", List.of(), SERVER_XML.toString(), false);
        assertTrue(child.process.waitFor(START.toSeconds(), TimeUnit.SECONDS), child.describe());
        assertNotEquals(0, child.process.exitValue(), child.describe());
        String err = Files.readString(child.stderr);
        assertTrue(err.contains("--add-opens=java.base/") && err.contains("config/jvm.options")
                && err.contains("JDK_JAVA_OPTIONS") && err.contains("this server node"), err);
        assertTrue(!err.contains("ExceptionInInitializerError") && !child.output().contains("ExceptionInInitializerError"),
                err + child.output());
    }

    @Test
    void missingConfigFileIsNamed() throws Exception {
        Path missing = tmp.resolve("no-such-config.xml");
        Child child = start("missing", List.of(), missing.toString());
        assertTrue(child.process.waitFor(START.toSeconds(), TimeUnit.SECONDS), child.describe());
        assertNotEquals(0, child.process.exitValue(), child.describe());
        String err = Files.readString(child.stderr);
        assertTrue(err.contains(missing.toString()) && err.contains("kindling-server.xml"), err);
    }

    private Child start(String name, int base, String... more) throws IOException {
        String range = "127.0.0.1:" + base + ".." + (base + 1);
        List<String> properties = new ArrayList<>(List.of(
                "-Dkindling.discovery.port=" + base,
                "-Dkindling.discovery.addresses=" + range,
                "-Dkindling.communication.port=" + (base + 10),
                "-Dkindling.thin.port=" + (base + 20),
                "-Dkindling.port.range=2",
                "-Dkindling.data.region.bytes=" + (128L << 20),
                "-Dkindling.work.dir=" + Files.createDirectories(tmp.resolve("work-" + name))));
        properties.addAll(List.of(more));
        return start(name, properties, SERVER_XML.toString());
    }

    private Child start(String name, List<String> properties, String arg) throws IOException {
        return start(name, properties, arg, true);
    }

    private Child start(String name, List<String> properties, String arg, boolean jvmFlags) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (jvmFlags) {
            command.add("@" + ROOT.resolve("config/jvm.options"));
        }
        command.addAll(List.of(
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"),
                "-Dkindling.home=" + ROOT,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        command.addAll(properties);
        command.add(ServerMain.class.getName());
        command.add(arg);
        Path stderr = tmp.resolve(name + ".err");
        Process process = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectError(stderr.toFile()).start();
        Child child = new Child(process, stderr);
        children.add(child);
        return child;
    }

    /** A base port whose discovery (+0, +1), communication (+10, +11) and thin (+20..+22) ports are free. */
    private static int freePortBase() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20_000, 40_000);
            if (IntStream.of(0, 1, 10, 11, 20, 21, 22).allMatch(offset -> free(base + offset))) {
                return base;
            }
        }
        throw new IllegalStateException("no free ports found between 20000 and 40000");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort() == port;
        } catch (IOException e) {
            return false;
        }
    }

    private static Path projectRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("config/jvm.options"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no config/jvm.options above " + Path.of("").toAbsolutePath());
    }

    /** What a node printed once it was up. */
    private record Up(int discovery, int communication, int thin, int servers) {
    }

    /** A child JVM whose stdout a daemon thread reads line by line. */
    private static final class Child {
        private static final String EOF = "\u0000eof";
        private static final Pattern PORT = Pattern.compile("^\\s+(discovery|communication|thin client)\\s+.*:(\\d+)$");
        private static final Pattern CLUSTER = Pattern.compile("^\\s+cluster\\s+(\\d+) servers");

        final Process process;
        final Path stderr;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuffer stdout = new StringBuffer();
        private final Thread reader;

        Child(Process process, Path stderr) {
            this.process = process;
            this.stderr = stderr;
            reader = new Thread(this::read, "stdout-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    stdout.append(line).append('\n');
                    lines.add(line);
                }
            } catch (IOException e) {
                stdout.append("(reading stdout failed: ").append(e).append(")\n");
            } finally {
                lines.add(EOF);
            }
        }

        /** All of stdout, once it has ended. */
        String output() throws InterruptedException {
            reader.join(START.toMillis());
            assertTrue(!reader.isAlive(), "stdout did not end\n" + describe());
            return stdout.toString();
        }

        /** The next line containing {@code text}, skipping others; fails at end of output or after {@link #START}. */
        String awaitLine(String text) throws InterruptedException {
            long deadline = System.nanoTime() + START.toNanos();
            while (true) {
                String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line == null || line.equals(EOF)) {
                    lines.add(EOF);
                    fail((line == null ? "timed out" : "output ended") + " waiting for '" + text + "'\n" + describe());
                }
                if (line.contains(text)) {
                    return line;
                }
            }
        }

        Up awaitUp() throws InterruptedException {
            awaitLine("kindling-server: node up");
            int[] ports = new int[3];
            while (true) {
                String line = awaitLine(" ");
                Matcher port = PORT.matcher(line);
                if (port.find()) {
                    ports[List.of("discovery", "communication", "thin client").indexOf(port.group(1))] =
                            Integer.parseInt(port.group(2));
                }
                Matcher cluster = CLUSTER.matcher(line);
                if (cluster.find()) {
                    return new Up(ports[0], ports[1], ports[2], Integer.parseInt(cluster.group(1)));
                }
            }
        }

        String describe() {
            String err;
            try {
                err = Files.readString(stderr);
            } catch (IOException e) {
                err = "(no stderr: " + e + ")";
            }
            return "--- stdout of " + process.pid() + ":\n" + stdout + "--- stderr:\n"
                    + err.substring(Math.max(0, err.length() - 4000));
        }
    }
}
