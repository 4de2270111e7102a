package io.kindling.client;

import org.apache.ignite.IgniteClientDisconnectedException;
import org.apache.ignite.cluster.ClusterTopologyException;

/**
 * Turns what Ignite throws when a batch cannot run into an exception that names the cause and the
 * fix: a class the servers cannot load, a node that left, a cluster that is gone.
 */
final class GridErrors {
    /** A class named in a server's stack trace sent as text (thin clients get errors as text). */
    private static final java.util.regex.Pattern MISSING = java.util.regex.Pattern.compile(
            "(?:ClassNotFoundException|NoClassDefFoundError): ([\\w.$/]+)");

    private GridErrors() {
    }

    static Throwable explain(Throwable error, ClientState.Batch batch) {
        String missing = missingClass(error);
        if (missing != null) {
            return new ClassNotOnServersException(missing, error);
        }
        if (causedBy(error, IgniteClientDisconnectedException.class)) {
            return new ClusterUnavailableException("the cluster is gone: this client lost its connection while node "
                    + batch.node() + " ran its tasks", error);
        }
        if (causedBy(error, ClusterTopologyException.class)) {
            return new ClusterUnavailableException("node " + batch.node() + " left the cluster while running "
                    + batch.entries().size() + " task(s); submit them again", error);
        }
        return error;
    }

    private static String missingClass(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ClassNotFoundException || t instanceof NoClassDefFoundError) {
                String m = t.getMessage();
                return m == null ? "(unknown)" : m.replace('/', '.');
            }
            String m = t.getMessage();
            if (m != null && m.contains("Failed to peer load class")) {
                int i = m.indexOf("class=");
                return i < 0 ? m : m.substring(i + 6).split("[,\\]]")[0];
            }
            java.util.regex.Matcher named = MISSING.matcher(m == null ? "" : m);
            if (named.find()) {
                return named.group(1).replace('/', '.');
            }
        }
        return null;
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
