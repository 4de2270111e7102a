package io.kindling.client;

import io.kindling.grid.internal.Ports;
import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server started by Ignite's own command-line startup (what {@code ignite.sh} runs), not by
 * Kindling's, from {@code config/kindling-server.xml}: its {@code KindlingNode} bean makes it a
 * complete Kindling node, which serves thin clients (the Kindling service) and its dashboard. And
 * a stock Ignite server (only Ignite on its class path, peer class loading on) runs the tasks of
 * a thick client's {@code Client.over(ignite)}: Kindling's job class ships as a function does;
 * without peer class loading, the error names the jars the servers need.
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
        command.addAll(io.kindling.grid.internal.JvmFlags.addOpens());
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

    @Test
    void stockIgniteServer_withPeerClassLoading_runsKindlingTasksFromAThickClient(@TempDir Path dir) throws Exception {
        int base = Ports.freeBlock(30);
        Process server = startStockServer(dir, base, true);
        try (Ignite ignite = Ignition.start(stockClient(base, true)); Client client = Client.over(ignite)) {
            assertEquals(2, client.pure(false).submit(IgniteStartupTest::inc, 1).result(BOUND),
                    "Kindling's job class shipped to the stock server with peer class loading");
            assertEquals(List.of(2, 3, 4), client.gather(client.map(IgniteStartupTest::inc, List.of(1, 2, 3))),
                    "the data cache is created as needed");
        } finally {
            server.destroyForcibly();
            server.onExit().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void stockIgniteServer_withoutPeerClassLoading_theErrorNamesTheJarsToAdd(@TempDir Path dir) throws Exception {
        int base = Ports.freeBlock(30);
        Process server = startStockServer(dir, base, false);
        try (Ignite ignite = Ignition.start(stockClient(base, false)); Client client = Client.over(ignite)) {
            Future<Integer> f = client.pure(false).submit(IgniteStartupTest::inc, 1);
            Throwable e = assertThrows(RuntimeException.class, () -> f.result(BOUND));
            while (!(e instanceof ClassNotOnServersException) && e.getCause() != null) {
                e = e.getCause();
            }
            assertTrue(e instanceof ClassNotOnServersException, () -> "not ClassNotOnServersException: " + f.exception());
            String message = e.getMessage();
            assertTrue(message.contains("io.kindling.grid.internal.RunTasks") && message.contains("grid-core-")
                    && message.contains("grid-client-") && message.contains("libs/") && message.contains("KindlingNode")
                    && message.contains("peer class loading"), message);
        } finally {
            server.destroyForcibly();
            server.onExit().get(30, TimeUnit.SECONDS);
        }
    }

    /** A thick client's configuration for the stock server of {@link #startStockServer}. */
    private static IgniteConfiguration stockClient(int base, boolean peerClassLoading) {
        return new IgniteConfiguration().setIgniteInstanceName("stock-app-" + base)
                .setClientMode(true).setPeerClassLoadingEnabled(peerClassLoading).setLocalHost("127.0.0.1")
                .setDiscoverySpi(new TcpDiscoverySpi().setLocalPort(base + 5)
                        .setIpFinder(new TcpDiscoveryVmIpFinder().setAddresses(List.of("127.0.0.1:" + base + ".." + (base + 1)))))
                .setCommunicationSpi(new TcpCommunicationSpi().setLocalPort(base + 15));
    }

    /**
     * A server started by Ignite's own command-line startup from XML of its own, with only Ignite
     * (and the Spring jars its XML needs) on its class path.
     */
    private static Process startStockServer(Path dir, int base, boolean peerClassLoading) throws Exception {
        String addresses = "127.0.0.1:" + base + ".." + (base + 1);
        Files.writeString(dir.resolve("stock.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <beans xmlns="http://www.springframework.org/schema/beans"
                       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                       xsi:schemaLocation="http://www.springframework.org/schema/beans
                                           http://www.springframework.org/schema/beans/spring-beans.xsd">
                  <bean class="org.apache.ignite.configuration.IgniteConfiguration">
                    <property name="peerClassLoadingEnabled" value="%b"/>
                    <property name="localHost" value="127.0.0.1"/>
                    <property name="discoverySpi">
                      <bean class="org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi">
                        <property name="localPort" value="%d"/>
                        <property name="localPortRange" value="2"/>
                        <property name="ipFinder">
                          <bean class="org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder">
                            <property name="addresses"><list><value>%s</value></list></property>
                          </bean>
                        </property>
                      </bean>
                    </property>
                    <property name="communicationSpi">
                      <bean class="org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi">
                        <property name="localPort" value="%d"/>
                      </bean>
                    </property>
                  </bean>
                </beans>
                """.formatted(peerClassLoading, base, addresses, base + 10));
        // Only Ignite and what its XML startup needs: none of Kindling's classes.
        String stockClassPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.matches(".*/(ignite-core|ignite-spring|cache-api|annotations|spring-[a-z]+|commons-logging)-[^/]*\\.jar"))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(io.kindling.grid.internal.JvmFlags.addOpens());
        command.addAll(List.of("-Xmx512m", "-DIGNITE_HOME=" + dir, "-DIGNITE_UPDATE_NOTIFIER=false", "-cp", stockClassPath,
                "org.apache.ignite.startup.cmdline.CommandLineStartup", dir.resolve("stock.xml").toString()));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stock.log").toFile()).start();
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
