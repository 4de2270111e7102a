package io.kindling.client;

import io.kindling.grid.internal.KindlingService;
import org.apache.ignite.client.ClientAuthenticationException;
import org.apache.ignite.client.ClientConnectionException;
import org.apache.ignite.client.ClientException;
import org.apache.ignite.client.IgniteClient;
import org.apache.ignite.Ignition;

import javax.net.ssl.SSLException;

/**
 * Opens a thin connection and turns Ignite's failures into messages that name the cause and the
 * fix: a wrong password, a TLS mismatch, an unreachable address, a cluster without Kindling.
 */
final class ThinConnection {
    private ThinConnection() {
    }

    static ThinBackend open(ThinOptions options) {
        IgniteClient client;
        try {
            client = Ignition.startClient(options.toConfiguration());
        } catch (ClientAuthenticationException e) {
            throw new SecurityException("the cluster at " + options.describe() + " refused the credentials"
                    + (options.user() == null ? ": it requires authentication; pass ThinOptions.credentials(user, password)"
                    : " of user '" + options.user() + "': check the user name and password"), e);
        } catch (ClientException e) {
            throw explain(options, e);
        }
        IgniteClient batches = null;
        try {
            // Batches run as long as their tasks take: their calls go over a connection without
            // the call timeout (a node that dies under them is seen by the client's topology watch).
            batches = Ignition.startClient(options.toConfiguration(0));
            return new ThinBackend(client, batches, options.describe());
        } catch (RuntimeException e) {
            client.close();
            if (batches != null) {
                batches.close();
            }
            if (e.getMessage() != null && e.getMessage().contains(KindlingService.NAME)) {
                throw new IllegalStateException("the cluster at " + options.describe() + " runs no Kindling service: "
                        + "start its servers with bin/kindling-server, or from an XML with the io.kindling.grid.KindlingNode "
                        + "lifecycle bean (as config/kindling-server.xml has), or call KindlingNode.ready(ignite) on a "
                        + "server", e);
            }
            if (e instanceof ClientException ce) {
                throw explain(options, ce);
            }
            throw e;
        }
    }

    private static RuntimeException explain(ThinOptions options, ClientException e) {
        if (causedBy(e, SSLException.class) || mentions(e, "SSL handshake")) {
            String hint = options.usesTls()
                    ? "the server's certificate is not trusted by the given trust store (or the server does not speak TLS)"
                    : "the server requires TLS: pass ThinOptions.tls(trustStore, password)";
            return new SecurityException("TLS handshake with " + options.describe() + " failed: " + hint, e);
        }
        if (e instanceof ClientConnectionException || causedBy(e, java.net.ConnectException.class)) {
            return new ClusterUnavailableException("could not connect to " + options.describe() + ": "
                    + (options.usesTls() ? "" : "if the servers use TLS, pass ThinOptions.tls(...); ")
                    + "check that servers run there and their thin-client port is open (" + e.getMessage() + ")", e);
        }
        return e;
    }

    private static boolean mentions(Throwable error, String text) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(text)) {
                return true;
            }
        }
        return false;
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
