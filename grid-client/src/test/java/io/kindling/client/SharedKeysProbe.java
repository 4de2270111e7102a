package io.kindling.client;

/** What tests outside this package may read of a client's shared keys. */
public final class SharedKeysProbe {
    private SharedKeysProbe() {
    }

    /** Waits until {@code n} of {@code client}'s tasks wait for another client's computation of their key. */
    public static void awaitWaitingForOthers(Client client, int n) {
        GridFixture.awaitCondition(() -> "the client to wait for " + n + " computations of another client; it waits for "
                + waitingForOthers(client), () -> waitingForOthers(client) == n);
    }

    /** The tasks {@code client} counts as its pending work, by function (what it tells the dashboards). */
    public static java.util.Map<String, Long> pending(Client client) {
        ClientCore core = client.core();
        synchronized (core.state) {
            return core.state.pendingByFunction();
        }
    }

    /** How many of {@code client}'s tasks wait for another client's computation of their key. */
    public static int waitingForOthers(Client client) {
        ClientCore core = client.core();
        synchronized (core.state) {
            return core.state.waitingForOthers();
        }
    }
}
