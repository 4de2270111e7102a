package io.kindling.client;

import io.kindling.KindlingException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every exception class of Kindling's (grid-core and grid-client, found on the class path) is a
 * {@link KindlingException}, except the three kinds that keep the JDK's types on purpose (see
 * {@link KindlingException}).
 */
class ExceptionsTest {
    private static final Set<String> JDK_TYPED = Set.of(
            "io.kindling.graph.GraphException",                  // IllegalArgumentException: the caller's argument
            "io.kindling.client.TaskNotSerializableException",   // IllegalArgumentException: the caller's argument
            "io.kindling.client.FutureCancelledException",       // CancellationException, as Future specifies
            "io.kindling.grid.TaskExitException");               // SecurityException, as the security manager's

    @Test
    void kindlingsExceptions_shareOneRoot_butTheJdkTypedOnes() throws Exception {
        Set<String> found = exceptionClasses();
        assertTrue(found.size() >= 15, "found only " + found);
        List<String> outside = new ArrayList<>();
        for (String name : found) {
            Class<?> c = Class.forName(name);
            if (!KindlingException.class.isAssignableFrom(c) && !JDK_TYPED.contains(name)
                    && c != KindlingException.class) {
                outside.add(name + " extends " + c.getSuperclass().getName());
            }
        }
        assertEquals(List.of(), outside, "exceptions outside KindlingException");
        for (String name : JDK_TYPED) {
            assertTrue(found.contains(name), name + " is gone: drop it from the list");
        }
    }

    /** Top-level classes named {@code *Exception} under {@code io/kindling} in the class path's Kindling entries. */
    private static Set<String> exceptionClasses() throws IOException {
        Set<String> out = new TreeSet<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            boolean ours = entry.contains("grid-core") || entry.contains("grid-client");
            if (!ours || entry.contains("test-classes")) {
                continue;
            }
            if (Files.isDirectory(p)) {
                Path root = p.resolve("io/kindling");
                if (Files.isDirectory(root)) {
                    try (Stream<Path> files = Files.walk(root)) {
                        files.map(f -> p.relativize(f).toString()).forEach(n -> add(out, n));
                    }
                }
            } else if (entry.endsWith(".jar") && Files.isRegularFile(p)) {
                try (JarFile jar = new JarFile(p.toFile())) {
                    jar.stream().forEach(e -> add(out, e.getName()));
                }
            }
        }
        return out;
    }

    private static void add(Set<String> out, String path) {
        String n = path.replace(java.io.File.separatorChar, '/');
        if (n.startsWith("io/kindling/") && n.endsWith("Exception.class") && !n.contains("$")) {
            out.add(n.substring(0, n.length() - ".class".length()).replace('/', '.'));
        }
    }
}
