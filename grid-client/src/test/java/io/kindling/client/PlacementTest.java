package io.kindling.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where data and tasks go, on three in-process nodes: scatter, placement by the user. */
class PlacementTest {
    @RegisterExtension
    static final GridFixture GRID = new GridFixture(LocalCluster.builder().nodes(3).threads(1));

    private static Client client() {
        return GRID.client();
    }

    private static Set<String> holders(List<? extends Future<?>> futures) {
        Set<String> nodes = new HashSet<>();
        for (Future<?> f : futures) {
            nodes.addAll(client().whoHas().get(f.key()));
        }
        return nodes;
    }

    @Test
    void scatter_spreadsValuesOverTheNodesInTurn() {
        List<Future<String>> three = client().scatter(List.of("a", "b", "c"));
        assertEquals(Set.copyOf(client().nodes()), holders(three), "three values on three nodes, one each");
    }

    @Test
    void scatterToANode_storesThereAValueAlreadyHeldElsewhere() {
        Future<String> first = client().scatter("moving");
        String where = client().whoHas().get(first.key()).iterator().next();
        String other = client().nodes().stream().filter(n -> !n.equals(where)).findFirst().orElseThrow();
        Future<String> moved = client().scatter(List.of("moving"), other).get(0);
        assertEquals(first.key(), moved.key());
        assertEquals(Set.of(other), client().whoHas().get(first.key()));
        assertEquals("moving", first.result());
    }
}
