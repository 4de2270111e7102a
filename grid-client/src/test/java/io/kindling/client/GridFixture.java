package io.kindling.client;

import org.apache.ignite.Ignition;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The one fixture of tests that start Ignite: a local cluster on loopback ports of its own and a
 * client over it, for a whole test class. After each test it checks that nothing leaked: once the
 * test's futures are collected, the client holds no key and the data cache is empty. After the
 * class it checks that every node and client thread stopped.
 */
final class GridFixture implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    private final LocalCluster.Builder options;
    private final boolean thin;
    private LocalCluster cluster;
    private Client client;

    GridFixture(LocalCluster.Builder options) {
        this(options, false);
    }

    private GridFixture(LocalCluster.Builder options, boolean thin) {
        this.options = options;
        this.thin = thin;
    }

    /** The same, with the client connected over the thin protocol. */
    static GridFixture thin(LocalCluster.Builder options) {
        return new GridFixture(options, true);
    }

    LocalCluster cluster() {
        return cluster;
    }

    Client client() {
        return client;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = options.start();
        client = thin ? Client.connect(cluster.thinClientAddress()) : Client.of(cluster);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        awaitCondition("the client to forget every key and the cluster to hold no data", () -> {
            System.gc();
            synchronized (client.core().state) {
                client.core().state.validate();
            }
            return client.core().state.size() == 0 && client.core().backend.dataSize() == 0;
        });
    }

    @Override
    public void afterAll(ExtensionContext context) {
        client.close();
        client = null;
        cluster.close();
        cluster = null;
        List<String> left = new java.util.concurrent.CopyOnWriteArrayList<>();
        awaitCondition(() -> "every node and client thread to stop; still there: " + left, () -> {
            left.clear();
            Ignition.allGrids().forEach(g -> left.add("node " + g.name()));
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.isAlive() && (t.getName().startsWith("kindling-client-") || t.getName().startsWith("kindling-callbacks-")
                        || t.getName().startsWith("kindling-thin-"))) {
                    left.add("thread " + t.getName());
                }
            }
            return left.isEmpty();
        });
    }

    /** Waits until {@code condition} holds, failing after 20 s with what was awaited. */
    static void awaitCondition(String what, BooleanSupplier condition) {
        awaitCondition(() -> what, condition);
    }

    /** As {@link #awaitCondition(String, BooleanSupplier)}, describing what was awaited when it fails. */
    static void awaitCondition(java.util.function.Supplier<String> what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what.get());
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }
}
