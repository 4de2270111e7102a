package io.kindling.grid;

import org.apache.ignite.Ignite;

/**
 * What a node needs before it serves Kindling: the data cache, and the Kindling service on every
 * server (for thin clients). Idempotent: every node that starts calls it, and so may a client.
 */
public final class KindlingServer {
    private KindlingServer() {
    }

    /** Prepares the cluster of {@code ignite} for Kindling. */
    public static void install(Ignite ignite) {
        KindlingGrid.dataCache(ignite);
        KindlingGrid.leaseCache(ignite);
        ignite.services(ignite.cluster().forServers()).deployNodeSingleton(KindlingService.NAME, new KindlingServiceImpl());
    }
}
