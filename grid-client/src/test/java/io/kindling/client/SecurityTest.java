package io.kindling.client;

import io.kindling.testing.Ops;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A locked-down cluster: TLS between nodes and on the thin-client port, and thin clients that
 * must authenticate. The keys and certificates are made here with the JDK's keytool.
 */
class SecurityTest {
    private static final String PASSWORD = "changeit";
    private static Path dir;
    private static LocalCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("kindling-tls-");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=kindling-test", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-keystore", dir.resolve("server.jks").toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-alias", "server", "-keystore", dir.resolve("server.jks").toString(),
                "-storepass", PASSWORD, "-file", dir.resolve("server.crt").toString());
        keytool("-importcert", "-noprompt", "-alias", "server", "-file", dir.resolve("server.crt").toString(),
                "-keystore", dir.resolve("trust.jks").toString(), "-storepass", PASSWORD);
        keytool("-genkeypair", "-alias", "stranger", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=stranger", "-keystore", dir.resolve("stranger.jks").toString(), "-storepass", PASSWORD,
                "-keypass", PASSWORD);
        keytool("-exportcert", "-alias", "stranger", "-keystore", dir.resolve("stranger.jks").toString(),
                "-storepass", PASSWORD, "-file", dir.resolve("stranger.crt").toString());
        keytool("-importcert", "-noprompt", "-alias", "stranger", "-file", dir.resolve("stranger.crt").toString(),
                "-keystore", dir.resolve("untrusted.jks").toString(), "-storepass", PASSWORD);
        cluster = LocalCluster.builder().nodes(1).threads(1)
                .tls(dir.resolve("server.jks"), PASSWORD, dir.resolve("trust.jks"), PASSWORD)
                .authentication("alice", "wonderland").start();
    }

    static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "keytool " + String.join(" ", args) + ":\n" + out);
    }

    @AfterAll
    static void stop() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static ThinOptions options() {
        return ThinOptions.to(cluster.thinClientAddress());
    }

    @Test
    void rightCredentialsOverTls_work() {
        try (Client client = Client.connect(options().credentials("alice", "wonderland")
                .tls(dir.resolve("trust.jks"), PASSWORD))) {
            assertEquals(2, client.submit(Ops::inc, 1).result());
        }
    }

    @Test
    void wrongPassword_refusedNamingTheUser() {
        SecurityException e = assertThrows(SecurityException.class, () -> Client.connect(options()
                .credentials("alice", "guess").tls(dir.resolve("trust.jks"), PASSWORD)));
        assertTrue(e.getMessage().contains("'alice'"), e.getMessage());
    }

    @Test
    void plainConnectionToTlsPort_refusedSayingTls() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> Client.connect(options()
                .credentials("alice", "wonderland")));
        assertTrue(e.getMessage().contains("TLS"), e.getMessage());
    }

    @Test
    void untrustedCertificate_refused() {
        SecurityException e = assertThrows(SecurityException.class, () -> Client.connect(options()
                .credentials("alice", "wonderland").tls(dir.resolve("untrusted.jks"), PASSWORD)));
        assertTrue(e.getMessage().contains("certificate"), e.getMessage());
        assertInstanceOf(Exception.class, e.getCause());
    }
}
