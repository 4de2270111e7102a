package io.kindling.client;

import io.kindling.grid.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server started by Ignite's own command-line startup (what {@code ignite.sh} runs), not by
 * Kindling's, from {@code config/kindling-server.xml}: its {@code KindlingNode} bean makes it a
 * complete Kindling node, which serves thin clients (the Kindling service) and its dashboard.
 */
class IgniteStartupTest {
    private static final Duration BOUND = Duration.ofSeconds(90);

    public static int inc(int x) {
        return x + 1;
    }

    @Test
    void ignitesOwnStartup_withKindlingServerXml_isACompleteKindlingNode(@TempDir Path dir) throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        int base = Ports.freeBlock(30);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(io.kindling.grid.JvmFlags.addOpens());
        command.addAll(List.of("-Xmx512m", "-DIGNITE_HOME=" + dir, "-DIGNITE_UPDATE_NOTIFIER=false",
                "-Dkindling.discovery.port=" + base, "-Dkindling.communication.port=" + (base + 10),
                "-Dkindling.thin.port=" + (base + 20), "-Dkindling.port.range=2",
                "-Dkindling.discovery.addresses=127.0.0.1:" + base + ".." + (base + 1),
                "-Dkindling.dashboard.port=" + (base + 25), "-Dkindling.data.region.bytes=" + (128L << 20),
                "-Dkindling.work.dir=" + dir.resolve("work"), "-Dkindling.threads=2",
                "-cp", System.getProperty("java.class.path"), "org.apache.ignite.startup.cmdline.CommandLineStartup",
                root.resolve("config/kindling-server.xml").toString()));
        Path log = dir.resolve("server.log");
        Process server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Client client = connectWithin(BOUND, "127.0.0.1:" + (base + 20), server, log);
            try (client) {
                assertEquals(2, client.pure(false).submit(IgniteStartupTest::inc, 1).result(BOUND),
                        "a thin client's task ran: the Kindling service is deployed");
                assertEquals(List.of(2, 3, 4), client.gather(client.map(IgniteStartupTest::inc, List.of(1, 2, 3))));
            }
            HttpResponse<String> status = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (base + 25) + "/status"))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, status.statusCode(), "the node's dashboard answers");
        } finally {
            server.destroyForcibly();
            server.onExit().get(30, TimeUnit.SECONDS);
        }
    }

    /** A thin client of the node at {@code address}, once it accepts one; fails with the node's log. */
    private static Client connectWithin(Duration bound, String address, Process server, Path log) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline && server.isAlive()) {
            try {
                return Client.connect(address);
            } catch (RuntimeException e) {
                last = e;
                try {
                    // The node is still starting: try again in half a second, or stop if it exited.
                    server.onExit().get(500, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException stillRunning) {
                    // poll again
                }
            }
        }
        throw new AssertionError("no thin client connection to " + address + " (node alive: " + server.isAlive()
                + ", last error: " + last + ")\n" + (Files.exists(log) ? Files.readString(log) : ""));
    }
}
