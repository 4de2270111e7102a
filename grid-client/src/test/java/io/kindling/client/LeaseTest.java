package io.kindling.client;

import io.kindling.grid.KindlingGrid;
import org.apache.ignite.cache.CachePeekMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client killed with {@code kill -9} while holding futures leaves no data behind: once its lease
 * runs out, the servers' reapers remove what it wrote. The lease is shortened to 1.5 s and the
 * reaper runs every 0.5 s here (10 s and 2 s by default).
 */
class LeaseTest {
    private static LocalCluster cluster;

    @BeforeAll
    static void start() {
        System.setProperty("kindling.reaper.millis", "500");
        cluster = LocalCluster.builder().nodes(2).threads(1).start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
        System.clearProperty("kindling.reaper.millis");
    }

    private static long dataSize() {
        return KindlingGrid.dataCache(cluster.ignite()).sizeLong(CachePeekMode.PRIMARY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"thin", "thick"})
    void killedClient_dataReclaimedAfterLease(String mode) throws Exception {
        String discovery = cluster.discoveryAddresses();
        String where = mode.equals("thin") ? cluster.thinClientAddress()
                : discovery.substring(discovery.indexOf(':') + 1, discovery.indexOf(".."));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JvmOptions.addOpens());
        command.addAll(List.of("-Dkindling.lease.millis=1500", "-cp", System.getProperty("java.class.path"),
                LeaseHolder.class.getName(), mode, where));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            String line;
            while ((line = out.readLine()) != null && !line.startsWith(LeaseHolder.HOLDING)) {
                seen.append(line).append('\n');
            }
            assertTrue(line != null, "the client never held its data:\n" + seen);
            assertTrue(dataSize() >= 7, "the client's data is on the cluster: " + dataSize());
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            GridFixture.awaitCondition("the dead client's data to be reclaimed", () -> dataSize() == 0);
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
