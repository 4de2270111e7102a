package io.kindling.grid;

import io.kindling.grid.internal.DataMemory;
import io.kindling.grid.internal.Resources;

import org.apache.ignite.configuration.ClientConnectorConfiguration;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.lifecycle.LifecycleBean;
import org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.context.support.FileSystemXmlApplicationContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server XMLs of {@code config/} (read by Spring, as Ignite reads them, without starting a
 * node) agree with {@link NodeConfig}, the settings in-process and child-JVM nodes get: the
 * failure handler, the Kindling bean, the pools sized from the task threads, the attributes
 * clients read, static discovery, the socket buffers and the data region.
 */
class ServerXmlTest {
    @ParameterizedTest
    @ValueSource(strings = {"kindling-server.xml", "kindling-server-persistent.xml"})
    void serverXml_agreesWithNodeConfig(String file) {
        IgniteConfiguration xml = load(file);
        IgniteConfiguration code = new NodeConfig().build();
        int threads = Runtime.getRuntime().availableProcessors();

        assertEquals(code.isClientMode(), xml.isClientMode(), "client mode");
        assertEquals(code.isPeerClassLoadingEnabled(), xml.isPeerClassLoadingEnabled(), "peer class loading");
        assertEquals(code.getMetricsLogFrequency(), xml.getMetricsLogFrequency(), "metrics log frequency");
        assertInstanceOf(KindlingFailureHandler.class, xml.getFailureHandler(), "failure handler");
        LifecycleBean[] beans = xml.getLifecycleBeans();
        assertTrue(beans != null && Arrays.stream(beans).anyMatch(b -> b instanceof KindlingNode), "the KindlingNode bean");
        assertEquals(NodeConfig.publicPoolSize(threads), xml.getPublicThreadPoolSize(), "public pool");
        assertEquals(code.getPublicThreadPoolSize(), xml.getPublicThreadPoolSize(), "public pool as NodeConfig's");
        assertEquals(String.valueOf(threads), String.valueOf(xml.getUserAttributes().get(NodeConfig.THREADS_ATTRIBUTE)),
                "the threads attribute clients read");
        assertTrue(xml.getUserAttributes().containsKey(Resources.ATTRIBUTE), "the resources attribute");

        TcpDiscoverySpi discovery = (TcpDiscoverySpi) xml.getDiscoverySpi();
        assertInstanceOf(TcpDiscoveryVmIpFinder.class, discovery.getIpFinder(), "static discovery, never multicast");
        TcpCommunicationSpi communication = (TcpCommunicationSpi) xml.getCommunicationSpi();
        TcpCommunicationSpi codeCommunication = (TcpCommunicationSpi) code.getCommunicationSpi();
        assertEquals(codeCommunication.getSocketReceiveBuffer(), communication.getSocketReceiveBuffer(), "receive buffer");
        assertEquals(codeCommunication.getSocketSendBuffer(), communication.getSocketSendBuffer(), "send buffer");

        ClientConnectorConfiguration connector = xml.getClientConnectorConfiguration();
        ClientConnectorConfiguration codeConnector = code.getClientConnectorConfiguration();
        assertEquals(codeConnector.getThreadPoolSize(), connector.getThreadPoolSize(), "thin-client pool");
        assertEquals(codeConnector.getThinClientConfiguration().getMaxActiveComputeTasksPerConnection(),
                connector.getThinClientConfiguration().getMaxActiveComputeTasksPerConnection(), "thin compute tasks");
        assertEquals(codeConnector.getThinClientConfiguration().sendServerExceptionStackTraceToClient(),
                connector.getThinClientConfiguration().sendServerExceptionStackTraceToClient(), "stack traces to thin clients");

        DataRegionConfiguration region = xml.getDataStorageConfiguration().getDefaultDataRegionConfiguration();
        DataRegionConfiguration codeRegion = code.getDataStorageConfiguration().getDefaultDataRegionConfiguration();
        assertEquals(codeRegion.getMaxSize(), region.getMaxSize(), "data region size");
        assertEquals(codeRegion.getInitialSize(), region.getInitialSize(), "data region initial size");
        assertEquals(codeRegion.isMetricsEnabled(), region.isMetricsEnabled(), "region metrics (DataMemory reads them)");
        int pageSize = xml.getDataStorageConfiguration().getPageSize();
        if (file.contains("persistent")) {
            // 0: Ignite's default, 4 KiB
            assertTrue(pageSize == 0 || pageSize == DataStorageConfiguration.DFLT_PAGE_SIZE,
                    "pages of a persistent region stay as its files have them: " + pageSize);
        } else {
            assertEquals(code.getDataStorageConfiguration().getPageSize(), pageSize, "page size");
            assertEquals(NodeConfig.LARGE_PAGE, pageSize, "large pages in the default 1 GiB region");
        }
    }

    private static IgniteConfiguration load(String file) {
        Path path = Path.of("..", "config", file).toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(path), "no " + path);
        try (FileSystemXmlApplicationContext spring = new FileSystemXmlApplicationContext("file:" + path)) {
            return spring.getBean(IgniteConfiguration.class);
        }
    }
}
