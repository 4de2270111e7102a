package io.kindling.client;

import io.kindling.grid.internal.Ports;
import io.kindling.testing.Ops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** config/kindling-server-secure.xml, as bin/kindling-server runs it: TLS, activation, a user, a thin client. */
class SecureServerXmlTest {
    private static final String PASSWORD = "changeit";

    @Test
    void secureServer_fromXml_servesAuthenticatedTlsClients(@TempDir Path dir) throws Exception {
        SecurityTest.keytool("-genkeypair", "-alias", "node", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=kindling-test", "-ext", "SAN=ip:127.0.0.1", "-keystore", dir.resolve("node.jks").toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        SecurityTest.keytool("-exportcert", "-alias", "node", "-keystore", dir.resolve("node.jks").toString(),
                "-storepass", PASSWORD, "-file", dir.resolve("node.crt").toString());
        SecurityTest.keytool("-importcert", "-noprompt", "-alias", "node", "-file", dir.resolve("node.crt").toString(),
                "-keystore", dir.resolve("trust.jks").toString(), "-storepass", PASSWORD);
        Path root = Path.of("").toAbsolutePath().getParent();
        int base = Ports.freeBlock(30);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(io.kindling.grid.internal.JvmFlags.addOpens());
        command.addAll(List.of("-Dkindling.home=" + root, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dkindling.discovery.port=" + base, "-Dkindling.communication.port=" + (base + 10),
                "-Dkindling.thin.port=" + (base + 20),
                "-Dkindling.discovery.addresses=127.0.0.1:" + base + ".." + (base + 9),
                "-Dkindling.work.dir=" + dir.resolve("work"), "-Dkindling.activate=true",
                "-Dkindling.tls.keystore=" + dir.resolve("node.jks"), "-Dkindling.tls.keystore.password=" + PASSWORD,
                "-Dkindling.tls.truststore=" + dir.resolve("trust.jks"), "-Dkindling.tls.truststore.password=" + PASSWORD,
                "-cp", System.getProperty("java.class.path"), "io.kindling.grid.ServerMain",
                root.resolve("config/kindling-server-secure.xml").toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("KINDLING_USER", "alice");
        builder.environment().put("KINDLING_PASSWORD", "wonderland");
        Process server = builder.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            String line;
            while ((line = out.readLine()) != null && !line.contains("user 'alice' set")) {
                seen.append(line).append('\n');
            }
            assertTrue(line != null, "the secure server did not come up:\n" + seen);
            ThinOptions options = ThinOptions.to("127.0.0.1:" + (base + 20)).tls(dir.resolve("trust.jks"), PASSWORD);
            try (Client client = Client.connect(options.credentials("alice", "wonderland"))) {
                assertEquals(2, client.submit(Ops::inc, 1).result());
            }
            assertThrows(SecurityException.class, () -> Client.connect(options.credentials("alice", "nope")));
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
