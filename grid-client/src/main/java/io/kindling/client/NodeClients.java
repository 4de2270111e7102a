package io.kindling.client;

import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteState;
import org.apache.ignite.Ignition;

import java.util.HashMap;
import java.util.Map;

/**
 * The clients of the nodes of this JVM that tasks use ({@link Client#current()}): one per
 * running node, made on first use, closed when Ignite reports the node stopped.
 */
final class NodeClients {
    private static final Map<Ignite, Client> CLIENTS = new HashMap<>();
    private static boolean listening;

    private NodeClients() {
    }

    static Client of(Ignite node) {
        synchronized (CLIENTS) {
            Client c = CLIENTS.get(node);
            if (c != null) {
                return c;
            }
            if (!listening) {
                Ignition.addListener(NodeClients::stateChanged);
                listening = true;
            }
            // Ignite sets the state before it tells the listeners, which wait for this lock: a
            // client made here is either closed by them or not made at all, never left running.
            if (Ignition.state(node.name()) != IgniteState.STARTED) {
                throw new io.kindling.KindlingException("node " + node.name() + " is stopping: a task cannot open a "
                        + "client on it now (Client.current() works while the node runs)");
            }
            c = Client.ofNode(node);
            CLIENTS.put(node, c);
            return c;
        }
    }

    private static void stateChanged(String name, IgniteState state) {
        if (state == IgniteState.STARTED) {
            return;
        }
        java.util.List<Client> stopped = new java.util.ArrayList<>();
        synchronized (CLIENTS) {
            CLIENTS.entrySet().removeIf(e -> {
                boolean gone = java.util.Objects.equals(e.getKey().name(), name);
                if (gone) {
                    stopped.add(e.getValue());
                }
                return gone;
            });
        }
        for (Client c : stopped) {
            try {
                c.closeOfNode();
            } catch (RuntimeException e) {
                // The node is gone: what the client could not tidy up, its lease's end reclaims.
            }
        }
    }
}
