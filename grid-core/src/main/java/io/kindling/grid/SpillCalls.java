package io.kindling.grid;

import org.apache.ignite.Ignite;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.resources.IgniteInstanceResource;

import java.util.Iterator;
import java.util.Map;

/**
 * What other nodes and clients ask of the nodes' spills ({@link Spill}): a spilled value read
 * through the node that wrote it, wherever its stand-in is read; and room made on every node for a
 * store that found memory full.
 */
public final class SpillCalls {
    private SpillCalls() {
    }

    /**
     * Replaces each {@link Spilled} among {@code values} (as read from a data cache) by the value
     * it stands for, read through the node that wrote it; removes those whose value is gone (its
     * node left), so that they count as lost. From any node or thick client.
     */
    public static <K> void resolveAll(Ignite ignite, Map<K, Object> values, long timeoutMillis) {
        for (Iterator<Map.Entry<K, Object>> i = values.entrySet().iterator(); i.hasNext(); ) {
            Map.Entry<K, Object> e = i.next();
            if (e.getValue() instanceof Spilled s) {
                Object v = read(ignite, s, timeoutMillis);
                if (v == null) {
                    i.remove();
                } else {
                    e.setValue(v);
                }
            }
        }
    }

    /** The value {@code stub} stands for, or null if its node or its file is gone. */
    public static Object read(Ignite ignite, Spilled stub, long timeoutMillis) {
        if (stub.nodeId().equals(ignite.cluster().localNode().id())) {
            return Spill.of(ignite).readLocal(stub.id());
        }
        ClusterNode node = ignite.cluster().node(stub.nodeId());
        if (node == null) {
            return null;
        }
        try {
            return ignite.compute(ignite.cluster().forNode(node)).withNoFailover().withTimeout(timeoutMillis)
                    .call(new OnNode(true, stub.id()));
        } catch (org.apache.ignite.cluster.ClusterTopologyException e) {
            return null;
        }
    }


    /** Asks every server to make room for {@code bytes} ({@link Spill#makeRoom}), within {@code timeoutMillis}. */
    public static void makeRoomEverywhere(Ignite ignite, long bytes, long timeoutMillis) {
        if (ignite.cluster().forServers().nodes().isEmpty()) {
            return;
        }
        ignite.compute(ignite.cluster().forServers()).withNoFailover().withTimeout(timeoutMillis)
                .broadcast(new OnNode(false, bytes));
    }

    /**
     * On the node it runs on: reads the spilled value of id {@code argument} ({@code read}, for
     * {@link #read} on the node that wrote it), or makes room for {@code argument} bytes
     * ({@link Spill#makeRoom}, for {@link #makeRoomEverywhere}).
     */
    static final class OnNode implements IgniteCallable<Object> {
        private static final long serialVersionUID = 1L;
        private final boolean read;
        private final long argument;
        @IgniteInstanceResource
        private transient Ignite ignite;

        OnNode(boolean read, long argument) {
            this.read = read;
            this.argument = argument;
        }

        @Override
        public Object call() {
            Spill spill = Spill.of(ignite);
            return read ? spill.readLocal(argument) : (Object) spill.makeRoom(argument);
        }
    }
}
