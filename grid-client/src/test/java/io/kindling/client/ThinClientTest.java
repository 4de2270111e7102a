package io.kindling.client;

import io.kindling.Delayed;
import io.kindling.graph.Fn1;
import io.kindling.scheduler.TaskFailedException;
import io.kindling.testing.Ops;
import org.apache.ignite.Ignition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static io.kindling.Delayed.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client API through the thin protocol: the same behaviour as a thick client. */
class ThinClientTest {
    @RegisterExtension
    static final GridFixture GRID = GridFixture.thin(LocalCluster.builder().nodes(2).threads(2));

    public static String whereAmI(Object input) {
        return Ignition.localIgnite().name();
    }

    @Test
    void tutorial_throughTheThinClient() {
        Client c = GRID.client();
        assertNull(c.ignite(), "a thin client has no Ignite node");
        assertEquals(2, c.gather(c.submit(Ops::inc, 1)));
        List<Future<Integer>> futs = c.map(Ops::inc, List.of(1, 2, 3, 4, 5));
        assertEquals(List.of(2, 3, 4, 5, 6), c.gather(futs));
        assertEquals(20, c.gather(c.submit(Ops::sum, futs)));
        Delayed<Integer> total = delayed(Ops::add, delayed(Ops::dec, 7), delayed(Ops::inc, 6));
        assertEquals(13, c.gather(c.compute(total)));
        assertEquals(List.of(1, 2, 3), c.gather(c.scatter(List.of(1, 2, 3))));
    }

    @Test
    void placement_byAffinity_holdsForThinClients() {
        Client c = GRID.client();
        for (String node : c.nodes()) {
            Future<double[]> data = c.scatter(List.of(new double[] {c.nodes().indexOf(node), 7}), node).get(0);
            assertEquals(Set.of(node), c.whoHas().get(data.key()));
            assertEquals(node, c.pure(false).submit(ThinClientTest::whereAmI, data).result());
        }
    }

    @Test
    void taskError_withRemoteStackTrace() {
        Future<Integer> bad = GRID.client().submit(Ops::fail, 2);
        Future<Integer> after = GRID.client().submit(Ops::inc, bad);
        assertEquals("boom 2", bad.exception().getMessage());
        assertSame(bad.exception(), after.exception());
        assertThrows(TaskFailedException.class, after::result);
    }

    @Test
    void functionClassMissingOnServers_errorNamesClassAndFix(@TempDir Path dir) throws Exception {
        Fn1<Integer, Integer> doubler = ClusterFailureTest.classOnlyTheClientHas(dir);
        Throwable e = GRID.client().submit(doubler, 21).exception();
        assertInstanceOf(ClassNotOnServersException.class, e, String.valueOf(e));
        assertEquals("extra.Doubler", ((ClassNotOnServersException) e).className());
        assertTrue(e.getMessage().contains("--classpath"), e.getMessage());
    }

    public static int sleepThenInc(int x) throws InterruptedException {
        Thread.sleep(3000);
        return x + 1;
    }

    @Test
    void taskRunningLongerThanTheCallTimeout_finishes() throws Exception {
        try (Client c = Client.connect(ThinOptions.to(GRID.cluster().thinClientAddress()).timeout(Duration.ofSeconds(1)))) {
            assertEquals(2, c.pure(false).submit(ThinClientTest::sleepThenInc, 1).result(Duration.ofSeconds(60)),
                    "a task of 3 s through a thin client whose calls time out after 1 s");
        }
    }
}
