package io.kindling.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the {@code main()} of every example class and checks what it prints. An example without an
 * expectation here fails the test, so none goes untested.
 */
class ExamplesTest {
    /** Per example, a regular expression for each line it prints. */
    private static final List<String> TUTORIAL = List.of("Client\\(.+: [1-9][0-9]* workers?, [1-9][0-9]* threads?, [0-9.]+ [GM]iB for data.*\\)",
            "delayed add\\(inc\\(6\\), dec\\(7\\)\\), computed: 13", "submit\\(inc, 1\\): 2",
            "map\\(inc, \\[1\\.\\.5\\]\\): \\[2, 3, 4, 5, 6\\]", "submit\\(sum, those futures\\): 20",
            "compute\\(the delayed add\\): 13",
            "scatter\\(\\[1, 2, 3\\]\\): \\[Future\\('integer-[0-9a-f]{32}', finished\\), Future\\('integer-[0-9a-f]{32}', finished\\), "
                    + "Future\\('integer-[0-9a-f]{32}', finished\\)\\]");
    private static final Map<String, List<String>> EXPECTED = Map.of(
            "Tutorial", TUTORIAL,
            "ThinTutorial", TUTORIAL,
            "GlobalLimit", List.of("Client\\(.+: 2 workers, 8 threads, .*\\)",
                    "16 downloads on 8 task threads, at most 2 at once cluster-wide: the most leases in use that a "
                            + "download saw was [12]"));

    @Test
    void everyExample_printsWhatItShould() throws Exception {
        TreeSet<String> examples = exampleClasses();
        assertEquals(new TreeSet<>(EXPECTED.keySet()), examples, "examples and expectations must match");
        for (String name : examples) {
            List<String> printed = run(name);
            List<String> expected = EXPECTED.get(name);
            assertEquals(expected.size(), printed.size(), name + " printed " + printed);
            for (int i = 0; i < expected.size(); i++) {
                assertTrue(printed.get(i).matches(expected.get(i)), name + " line " + (i + 1) + ": " + printed.get(i));
            }
        }
    }

    private static List<String> run(String simpleName) throws Exception {
        Method main = Class.forName("io.kindling.examples." + simpleName).getMethod("main", String[].class);
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            main.invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** The top-level classes of the examples package that have a public static main. */
    private static TreeSet<String> exampleClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path dir = Path.of(Tutorial.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("io/kindling/examples");
        TreeSet<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String file = f.getFileName().toString();
                if (!file.endsWith(".class") || file.contains("$")) {
                    continue;
                }
                String name = file.substring(0, file.length() - ".class".length());
                Class<?> type = Class.forName("io.kindling.examples." + name);
                try {
                    Method main = type.getMethod("main", String[].class);
                    if (Modifier.isStatic(main.getModifiers())) {
                        names.add(name);
                    }
                } catch (NoSuchMethodException e) {
                    // a helper class, not an example
                }
            }
        }
        return names;
    }
}
