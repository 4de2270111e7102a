package io.kindling.client;

import org.apache.ignite.IgniteClientDisconnectedException;
import org.apache.ignite.client.ClientConnectionException;
import org.apache.ignite.client.ClientException;
import org.apache.ignite.cluster.ClusterTopologyException;
import org.apache.ignite.lang.IgniteFutureTimeoutException;

/**
 * Turns what Ignite throws into exceptions that name the cause and the fix: a class the servers
 * cannot load, a node that left, a cluster that is gone or does not answer.
 */
final class GridErrors {
    /** A class named in a server's stack trace sent as text (thin clients get errors as text). */
    private static final java.util.regex.Pattern MISSING = java.util.regex.Pattern.compile(
            "(?:ClassNotFoundException|NoClassDefFoundError): ([\\w.$/]+)");

    private GridErrors() {
    }

    /** What a failed batch means for the user, when its node is still there. */
    static Throwable explain(Throwable error, Batch batch) {
        String missing = missingClass(error);
        if (missing != null) {
            return new ClassNotOnServersException(missing, error);
        }
        if (causedBy(error, IgniteClientDisconnectedException.class)) {
            return new ClusterUnavailableException("the cluster is gone: this client lost its connection while node "
                    + batch.node + " ran its tasks", error);
        }
        if (nodeTrouble(error)) {
            return new ClusterUnavailableException("node " + batch.node + " could not run " + batch.entries.size()
                    + " task(s): " + error.getMessage(), error);
        }
        return error;
    }

    /**
     * Whether a batch failed because its node (or the way to it) failed, rather than because of
     * its tasks: then it is not the tasks' error, and a topology check decides what happens.
     */
    static boolean nodeTrouble(Throwable error) {
        if (missingClass(error) != null || io.kindling.grid.internal.DataMemory.isFull(error)) {
            return false;
        }
        return causedBy(error, ClusterTopologyException.class) || causedBy(error, IgniteClientDisconnectedException.class)
                || causedBy(error, ClientConnectionException.class) || causedBy(error, ClusterUnavailableException.class)
                || causedBy(error, ClientException.class)
                || mentions(error, "Node has left") || mentions(error, "Failed to find deployed service")
                || mentions(error, "Failed to send job") || mentions(error, "ClusterTopology")
                || mentions(error, "node left") || interrupted(error);
    }

    /** A send interrupted (as {@link io.kindling.grid.internal.NodeStop} frees one stuck in a class registration): sent again. */
    private static boolean interrupted(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InterruptedException || t instanceof org.apache.ignite.IgniteInterruptedException
                    || t.getClass().getSimpleName().equals("IgniteInterruptedCheckedException")) {
                return true;
            }
        }
        return false;
    }

    /**
     * A data cache could not be created for lack of memory on the servers: their refusal, as a
     * {@link io.kindling.grid.DataMemoryFullException} (a thin client's service call brings only its message).
     */
    static io.kindling.grid.DataMemoryFullException noRoomForCache(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.kindling.grid.DataMemoryFullException full) {
                return full;
            }
        }
        // The servers' refusal is the innermost message: outer ones add the transport's wording.
        String message = e.getMessage();
        for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return new io.kindling.grid.DataMemoryFullException(message, e);
    }

    /** A call to the cluster failed: the Kindling exception that says which and why. */
    /**
     * The result of {@code future}, waited for at most {@code timeoutMillis}; what goes wrong
     * becomes a {@link ClusterUnavailableException} naming {@code operation}.
     */
    static <T> T await(java.util.concurrent.Future<T> future, long timeoutMillis, String operation) {
        try {
            return future.get(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterUnavailableException("interrupted while waiting to " + operation, e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw unavailable(operation, e.getCause() instanceof RuntimeException r ? r
                    : new IllegalStateException(e.getCause()));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ClusterUnavailableException("the cluster did not answer within " + timeoutMillis + " ms when "
                    + "asked to " + operation + ": check that its servers run and are reachable", e);
        } catch (RuntimeException e) {
            throw unavailable(operation, e);
        }
    }

    static ClusterUnavailableException unavailable(String operation, RuntimeException e) {
        if (e instanceof ClusterUnavailableException c) {
            return c;
        }
        if (causedBy(e, IgniteClientDisconnectedException.class)) {
            return new ClusterUnavailableException("could not " + operation + ": the cluster is gone (this client lost "
                    + "its connection to every server); start servers and connect a new client", e);
        }
        if (causedBy(e, IgniteFutureTimeoutException.class)) {
            return new ClusterUnavailableException("could not " + operation + ": the cluster did not answer in time; "
                    + "check that its servers run and are reachable", e);
        }
        if (causedBy(e, ClientConnectionException.class)) {
            return new ClusterUnavailableException("could not " + operation + ": no server of the cluster can be "
                    + "reached (" + e.getMessage() + "); check that its servers run", e);
        }
        return new ClusterUnavailableException("could not " + operation + ": " + e, e);
    }

    /** Whether {@code e} says the cluster cannot be reached at all (rather than one call failing). */
    static boolean clusterGone(Throwable e) {
        return causedBy(e, IgniteClientDisconnectedException.class) || causedBy(e, ClientConnectionException.class);
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

    static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean mentions(Throwable error, String text) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(text)) {
                return true;
            }
        }
        return false;
    }
}
