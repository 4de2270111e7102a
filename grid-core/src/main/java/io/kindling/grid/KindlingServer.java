package io.kindling.grid;

import io.kindling.grid.internal.KindlingGrid;
import io.kindling.grid.internal.KindlingService;
import io.kindling.grid.internal.KindlingServiceImpl;
import io.kindling.grid.internal.NodeHoldings;

import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCheckedException;
import org.apache.ignite.cluster.ClusterState;
import org.apache.ignite.internal.IgniteEx;
import org.apache.ignite.internal.processors.security.IgniteSecurity;
import org.apache.ignite.internal.processors.security.OperationSecurityContext;
import org.apache.ignite.internal.processors.security.SecurityContext;
import org.apache.ignite.plugin.security.AuthenticationContext;
import org.apache.ignite.plugin.security.SecurityCredentials;
import org.apache.ignite.plugin.security.SecuritySubjectType;

import java.util.UUID;

/**
 * What a node needs before it serves Kindling: the data cache, and the Kindling service on every
 * server (for thin clients). Idempotent: every node that starts calls it, and so may a client.
 */
public final class KindlingServer {
    private KindlingServer() {
    }

    /**
     * Activates a cluster that starts inactive (one with authentication: Ignite keeps users in
     * its persistent metastorage, and a persistent cluster waits for activation); a no-op on an
     * active one. Call once all the first servers have joined: they form the baseline.
     */
    public static void activate(Ignite ignite) {
        if (ignite.cluster().state() != ClusterState.ACTIVE) {
            ignite.cluster().state(ClusterState.ACTIVE);
        }
    }

    /** Ignite's initial superuser, whose password is {@value #INITIAL_ADMIN_PASSWORD} until changed. */
    public static final String ADMIN = "ignite";
    /** The superuser's password on a new cluster: change it on any cluster that others can reach. */
    public static final String INITIAL_ADMIN_PASSWORD = "ignite";

    /**
     * Creates a thin-client user, or sets the password of an existing one (also of the superuser
     * {@value #ADMIN}), acting as the superuser with {@code adminPassword}. Ignite 2.x manages users
     * only through SQL, which needs the ignite-indexing module, so this uses its security
     * processor directly.
     */
    public static void setUser(Ignite ignite, String adminPassword, String user, String password) {
        if (!ignite.configuration().isAuthenticationEnabled()) {
            throw new IllegalStateException("this cluster has no authentication: start its servers with a secure "
                    + "configuration (config/kindling-server-secure.xml) before adding users");
        }
        IgniteSecurity security = ((IgniteEx) ignite).context().security();
        AuthenticationContext login = new AuthenticationContext();
        login.subjectType(SecuritySubjectType.REMOTE_CLIENT);
        login.subjectId(UUID.randomUUID());
        login.credentials(new SecurityCredentials(ADMIN, adminPassword));
        try {
            SecurityContext admin = security.authenticate(login);
            if (admin == null) {
                throw new SecurityException("the superuser '" + ADMIN + "' refused the given password");
            }
            try (OperationSecurityContext ignored = security.withContext(admin)) {
                if (user.equals(ADMIN)) {
                    security.alterUser(user, password.toCharArray());
                } else {
                    try {
                        security.createUser(user, password.toCharArray());
                    } catch (IgniteCheckedException exists) {
                        security.alterUser(user, password.toCharArray());
                    }
                }
            }
        } catch (IgniteCheckedException e) {
            throw new IllegalStateException("could not set the password of user '" + user + "': " + e.getMessage(), e);
        }
    }

    /** Prepares the cluster of {@code ignite} for Kindling. */
    public static void install(Ignite ignite) {
        KindlingGrid.dataCache(ignite);
        KindlingGrid.leaseCache(ignite);
        // Now, while the data region is empty: a cache created later, in the first reaper round,
        // needs pages for its partitions, and when the region was full by then the exchange that
        // creates it failed on every server and Ignite stopped them all (seen in MemoryLimitTest).
        NodeHoldings.create(ignite);
        io.kindling.grid.internal.Claims.createTables(ignite);
        // The message classes' binary types, which each first client would otherwise register one by one.
        io.kindling.grid.internal.WireClasses.register(ignite);
        ignite.services(ignite.cluster().forServers()).deployNodeSingleton(KindlingService.NAME, new KindlingServiceImpl());
    }
}
