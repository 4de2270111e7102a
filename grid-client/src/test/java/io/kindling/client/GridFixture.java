package io.kindling.client;

import io.kindling.grid.KindlingGrid;
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
    private Client client;

    GridFixture(LocalCluster.Builder options) {
        this.options = options;
    }

    Client client() {
        return client;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        client = Client.local(options);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        awaitCondition("the client to forget every key and the cluster to hold no data", () -> {
            System.gc();
            synchronized (client.core().state) {
                client.core().state.validate();
            }
            return client.core().state.size() == 0 && KindlingGrid.dataCache(client.ignite()).size() == 0;
        });
    }

    @Override
    public void afterAll(ExtensionContext context) {
        client.close();
        client = null;
        List<String> left = new ArrayList<>();
        awaitCondition("every node and client thread to stop", () -> {
            left.clear();
            Ignition.allGrids().forEach(g -> left.add("node " + g.name()));
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.isAlive() && (t.getName().startsWith("kindling-client-") || t.getName().startsWith("kindling-callbacks-"))) {
                    left.add("thread " + t.getName());
                }
            }
            return left.isEmpty();
        });
    }

    /** Waits until {@code condition} holds, failing after 20 s with what was awaited. */
    static void awaitCondition(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }
}
