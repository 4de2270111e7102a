package io.kindling.grid.internal;

import io.kindling.grid.DataMemoryFullException;

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
                    .call(new OnNode(OnNode.READ, stub.id(), null));
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
                .broadcast(new OnNode(OnNode.MAKE_ROOM, bytes, null));
    }

    /** Room a new data cache needs per partition copy on a node: its meta, tree and free-list pages. */
    static final long CACHE_BYTES_PER_PARTITION = 16L << 10;
    /** How long the servers may take to make room for a new cache. */
    private static final long ROOM_TIMEOUT_MILLIS = 10_000;

    /**
     * Makes room on every server for the pages a new data cache {@code name} (values with
     * {@code replicas} copies) takes there, spilling cold values; throws if a server still has no
     * room, rather than letting the exchange that creates the cache fail on a full data region
     * (Ignite then stops the servers). A cluster that does not answer in time is let be: the
     * creation goes on.
     *
     * @throws DataMemoryFullException naming each server without room, what it holds and its limit
     */
    static void roomForCache(Ignite ignite, String name, int replicas) {
        int servers = ignite.cluster().forServers().nodes().size();
        if (servers == 0) {
            return;
        }
        int copies = Math.min(servers, replicas + 1);
        long bytes = Math.max(1L << 20,
                (long) Math.ceil(KindlingGrid.PARTITIONS * copies / (double) servers) * CACHE_BYTES_PER_PARTITION);
        java.util.Collection<Object> refusals;
        try {
            refusals = ignite.compute(ignite.cluster().forServers()).withNoFailover().withTimeout(ROOM_TIMEOUT_MILLIS)
                    .broadcast(new OnNode(OnNode.ROOM_FOR_CACHE, bytes, name));
        } catch (org.apache.ignite.IgniteException e) {
            return;
        }
        StringBuilder why = new StringBuilder();
        for (Object r : refusals) {
            if (r != null) {
                why.append(why.length() == 0 ? "" : "; ").append(r);
            }
        }
        if (why.length() > 0) {
            throw new DataMemoryFullException(DataMemory.NO_ROOM_FOR_CACHE + " '" + name + "' (for values with "
                    + replicas + " replica(s)), which Kindling creates the first time they are used: " + why
                    + ". Use replicas(" + replicas + ") once before memory fills (the cache then exists), "
                    + "release futures you no longer need, or start the nodes with more memory");
        }
    }

    /**
     * On the node it runs on: reads the spilled value of id {@code argument} ({@link #READ}, for
     * {@link #read} on the node that wrote it), makes room for {@code argument} bytes
     * ({@link #MAKE_ROOM}, for {@link #makeRoomEverywhere}), or for the pages of the new data
     * cache {@code cache} and says why not if there still is none ({@link #ROOM_FOR_CACHE}, for
     * {@link #roomForCache}: null when there is room).
     */
    static final class OnNode implements IgniteCallable<Object> {
        static final int READ = 0;
        static final int MAKE_ROOM = 1;
        static final int ROOM_FOR_CACHE = 2;
        private static final long serialVersionUID = 2L;
        private final int what;
        private final long argument;
        private final String cache;
        @IgniteInstanceResource
        private transient Ignite ignite;

        OnNode(int what, long argument, String cache) {
            this.what = what;
            this.argument = argument;
            this.cache = cache;
        }

        @Override
        public Object call() {
            Spill spill = Spill.of(ignite);
            return switch (what) {
                case READ -> spill.readLocal(argument);
                case MAKE_ROOM -> spill.makeRoom(argument);
                default -> {
                    spill.makeRoom(argument);
                    yield DataMemory.refusal(ignite, "the new cache " + cache, argument, 0);
                }
            };
        }
    }
}
