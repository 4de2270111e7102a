package io.kindling.client;

import io.kindling.graph.Fn1;
import io.kindling.testing.Ops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Errors that need real server processes: a class the servers lack, and a cluster that dies. */
class ClusterFailureTest {
    /** Compiles a task class into {@code dir}, on no class path but this loader's. */
    static Fn1<Integer, Integer> classOnlyTheClientHas(Path dir) throws Exception {
        Path source = dir.resolve("extra/Doubler.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "package extra;\n"
                + "public class Doubler implements io.kindling.graph.Fn1<Integer, Integer> {\n"
                + "    public Integer apply(Integer x) { return 2 * x; }\n"
                + "    public static io.kindling.graph.Fn1<Integer, Integer> times(int k) { return x -> k * x; }\n"
                + "}\n");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-cp", System.getProperty("java.class.path"), "-d", dir.toString(),
                source.toString());
        assertEquals(0, rc, "compiling the test's task class");
        URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, ClusterFailureTest.class.getClassLoader());
        @SuppressWarnings("unchecked")
        Fn1<Integer, Integer> fn = (Fn1<Integer, Integer>) loader.loadClass("extra.Doubler").getConstructor().newInstance();
        return fn;
    }

    @Test
    void functionClassMissingOnServers_errorNamesClassAndFix(@TempDir Path dir) throws Exception {
        Fn1<Integer, Integer> doubler = classOnlyTheClientHas(dir);
        try (Client client = Client.local(LocalCluster.builder().processes(true).nodes(1).threads(1)
                .peerClassLoading(false))) {
            Future<Integer> f = client.submit(doubler, 21);
            Throwable e = f.exception();
            assertInstanceOf(ClassNotOnServersException.class, e, String.valueOf(e));
            assertEquals("extra.Doubler", ((ClassNotOnServersException) e).className());
            assertTrue(e.getMessage().contains("--classpath"), e.getMessage());
            assertEquals(2, client.submit(Ops::inc, 1).result(), "classes on the servers' class path still run");
        }
    }

    @Test
    void peerClassLoading_shipsClassesOnlyTheClientHas(@TempDir Path dir) throws Exception {
        Fn1<Integer, Integer> doubler = classOnlyTheClientHas(dir);
        @SuppressWarnings("unchecked")
        Fn1<Integer, Integer> times5 = (Fn1<Integer, Integer>) doubler.getClass().getMethod("times", int.class)
                .invoke(null, 5);
        try (Client client = Client.local(LocalCluster.builder().processes(true).nodes(1).threads(1))) {
            assertEquals(42, client.submit(doubler, 21).result());
            assertEquals(10, client.submit(times5, 2).result(), "a lambda written in a class the servers lack");
        }
    }

    @Test
    void clusterGone_callsFailPromptly() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().processes(true).nodes(1).threads(1).start();
                Client client = Client.of(cluster)) {
            assertEquals(2, client.submit(Ops::inc, 1).result());
            for (ProcessHandle p : cluster.processes()) {
                p.destroyForcibly();
                p.onExit().get(30, TimeUnit.SECONDS);
            }
            Future<Integer> f = client.pure(false).submit(Ops::inc, 5);
            ClusterUnavailableException e = assertThrows(ClusterUnavailableException.class,
                    () -> f.result(Duration.ofSeconds(40)));
            assertTrue(e.getMessage().contains("cluster"), e.getMessage());
            assertEquals("cancelled", f.status());
            try {
                assertTrue(client.nodes().isEmpty(), "nodes of a gone cluster: " + client.nodes());
            } catch (RuntimeException gone) {
                assertInstanceOf(ClusterUnavailableException.class, gone, "nodes() of a gone cluster");
            }
        }
    }
}
