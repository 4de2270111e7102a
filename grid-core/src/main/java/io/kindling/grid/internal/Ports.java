package io.kindling.grid.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds a block of free ports on 127.0.0.1 for a cluster of its own: a random base between
 * 20000 and 40000 whose next {@code count} ports are all free, so that two test JVMs, a local
 * cluster and a running server (on Ignite's default 47500, 47100, 10800) do not meet.
 */
public final class Ports {
    private Ports() {
    }

    /** The first of {@code count} consecutive free ports. */
    public static int freeBlock(int count) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20000 + ThreadLocalRandom.current().nextInt(20000 - count);
            if (allFree(base, count)) {
                return base;
            }
        }
        throw new IllegalStateException("found no " + count + " free consecutive ports between 20000 and 40000");
    }

    private static boolean allFree(int base, int count) {
        for (int p = base; p < base + count; p++) {
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
