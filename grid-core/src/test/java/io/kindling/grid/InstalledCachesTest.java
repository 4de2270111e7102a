package io.kindling.grid;

import io.kindling.grid.internal.KindlingGrid;
import io.kindling.grid.internal.Ports;

import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;
import org.apache.ignite.configuration.CacheConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link NodeConfig#installedCaches}: servers that start with Kindling's caches, beside one that does not. */
class InstalledCachesTest {
    private static final Set<String> INSTALLED = Arrays.stream(KindlingGrid.installedCaches())
            .map(c -> c.getName()).collect(Collectors.toSet());

    @Test
    @SuppressWarnings("unchecked")   // Ignite's getConfiguration takes a raw class
    void aServerStartsWithKindlingsCaches_aPlainOneJoinsThem_installAddsNone(@TempDir Path dir) {
        int base = Ports.freeBlock(30);
        try (Ignite plain = Ignition.start(config("plain-" + base, base, dir).build())) {
            assertTrue(plain.cacheNames().stream().noneMatch(INSTALLED::contains),
                    "without the option a server starts no Kindling cache: " + plain.cacheNames());
            try (Ignite installed = Ignition.start(config("installed-" + base, base, dir).installedCaches(true).build())) {
                for (Ignite node : List.of(plain, installed)) {
                    assertTrue(node.cacheNames().containsAll(INSTALLED),
                            node.name() + " has every installed cache once the server that declares them joined: "
                                    + node.cacheNames());
                }
                assertNotNull(installed.cache(KindlingGrid.DATA_CACHE).getConfiguration(CacheConfiguration.class)
                        .getInterceptor(), "the data cache keeps arriving values decoded, as install creates it");
                Set<String> before = new HashSet<>(installed.cacheNames());
                KindlingServer.install(plain);
                assertEquals(before, new HashSet<>(installed.cacheNames()), "install found every cache there");
                assertEquals(2, plain.cluster().forServers().nodes().size());
            }
        }
    }

    private static NodeConfig config(String name, int base, Path dir) {
        return new NodeConfig().instanceName(name).discovery(base, 10).communicationPort(base + 10)
                .thinClientPort(base + 20).threads(1).workDirectory(dir.resolve(name)).dataRegionBytes(128L << 20)
                .logging(false);
    }
}
