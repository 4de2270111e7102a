package io.kindling.client;

import io.kindling.grid.MissingJvmFlagsException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An application started without config/jvm.options (a child JVM) that calls {@code Client.local()}
 * gets a {@link MissingJvmFlagsException} naming the flags and their list, not Ignite's error.
 */
class JvmFlagsClientTest {
    /** The child: exits 3 with the message when refused as expected. */
    public static void main(String[] args) {
        try (Client client = Client.local()) {
            System.out.println("started without the flags: " + client);
            System.exit(1);
        } catch (MissingJvmFlagsException e) {
            System.out.println("refused: " + e.getMessage());
            System.exit(e.missing().isEmpty() ? 2 : 3);
        }
    }

    @Test
    void localClusterWithoutTheFlags_refusedNamingThemAndTheirList() throws Exception {
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), JvmFlagsClientTest.class.getName()))
                .redirectErrorStream(true).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child did not exit");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(3, p.exitValue(), out);
            assertTrue(out.contains("the local cluster") && out.contains("--add-opens=") && out.contains("config/jvm.options"),
                    out);
        } finally {
            p.destroyForcibly();
            p.onExit().get(30, TimeUnit.SECONDS);
        }
    }
}
