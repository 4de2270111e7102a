package io.kindling.client;

import io.kindling.grid.NodeConfig;
import io.kindling.testing.Ops;
import org.apache.ignite.IgniteState;
import org.apache.ignite.Ignition;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.support.FileSystemXmlApplicationContext;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code config/kindling-client.xml} agrees with {@code NodeConfig.client(true)}, and
 * {@link Client#join} with it joins a running cluster, runs tasks there, and stops its node on close;
 * a missing file is refused with the fix.
 */
class ClientXmlTest {
    private static final Path CLIENT_XML = Path.of("..", "config", "kindling-client.xml").toAbsolutePath().normalize();

    @Test
    void clientXml_agreesWithNodeConfig() {
        IgniteConfiguration xml;
        try (FileSystemXmlApplicationContext spring = new FileSystemXmlApplicationContext("file:" + CLIENT_XML)) {
            xml = spring.getBean(IgniteConfiguration.class);
        }
        IgniteConfiguration code = new NodeConfig().client(true).build();
        assertTrue(xml.isClientMode(), "client mode");
        assertEquals(code.isPeerClassLoadingEnabled(), xml.isPeerClassLoadingEnabled(), "peer class loading");
        assertEquals(code.getMetricsLogFrequency(), xml.getMetricsLogFrequency(), "metrics log frequency");
        assertEquals(code.getConnectorConfiguration(), xml.getConnectorConfiguration(), "no REST connector");
    }

    @Test
    void join_runsTasksOnTheCluster_closeStopsItsNode(@TempDir Path work) throws Exception {
        Map<String, String> properties = Map.of(
                "kindling.instance.name", "client-xml-test-" + ProcessHandle.current().pid(),
                "kindling.communication.port", String.valueOf(freePort()),
                "kindling.work.dir", work.toString());
        try (LocalCluster cluster = LocalCluster.builder().nodes(1).threads(1).dashboard(false).start()) {
            System.setProperty("kindling.discovery.addresses", cluster.discoveryAddresses());
            properties.forEach(System::setProperty);
            String name = properties.get("kindling.instance.name");
            try (Client client = Client.join(CLIENT_XML)) {
                assertEquals(List.of(2, 3), client.gather(client.map(Ops::inc, List.of(1, 2))));
                assertEquals(8, client.submit(Ops::inc, 7).result(Duration.ofSeconds(60)));
                assertEquals(IgniteState.STARTED, Ignition.state(name));
            }
            assertEquals(IgniteState.STOPPED, Ignition.state(name), "close stops the node join started");

            Path missing = work.resolve("nothing.xml");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Client.join(missing));
            assertTrue(e.getMessage().contains("kindling-client.xml"), e.getMessage());
        } finally {
            System.clearProperty("kindling.discovery.addresses");
            properties.keySet().forEach(System::clearProperty);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
