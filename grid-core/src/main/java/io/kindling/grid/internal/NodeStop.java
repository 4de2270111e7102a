package io.kindling.grid.internal;

import org.apache.ignite.Ignition;

import java.util.Map;

/**
 * Stops an Ignite node in this JVM within a bound. Ignite's stop waits for every task being sent
 * to leave its task processor, and a send can wait without end in
 * {@code MarshallerContextImpl.registerClassName} (the cluster-wide registration of a class name
 * sent for the first time) when a node died during the registration: {@code close()} then hung
 * for good. Threads of the node found waiting there are interrupted, which fails their send (the
 * client reports that batch's failure) and lets the stop go on.
 */
public final class NodeStop {
    private static final String REGISTRATION = "org.apache.ignite.internal.MarshallerContextImpl.registerClassName";

    private NodeStop() {
    }

    /** Stops (cancelling its jobs) the node named {@code name}; returns false if it was still stopping after about {@code boundMillis}. */
    public static boolean stop(String name, long boundMillis) {
        Thread stopper = new Thread(() -> Ignition.stop(name, true), "kindling-stop-" + name);
        stopper.setDaemon(true);
        stopper.start();
        try {
            stopper.join(boundMillis / 2);
            for (int round = 0; stopper.isAlive() && round < 10; round++) {
                interruptStuckRegistrations(name);
                stopper.join(boundMillis / 20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !stopper.isAlive();
    }

    /** Whether {@code thread} waits in a class-name registration now. */
    public static boolean inRegistration(Thread thread) {
        for (StackTraceElement e : thread.getStackTrace()) {
            if (REGISTRATION.equals(e.getClassName() + "." + e.getMethodName())) {
                return true;
            }
        }
        return false;
    }

    /** Interrupts the threads of node {@code name} that wait in a class-name registration; returns how many. */
    public static int interruptStuckRegistrations(String name) {
        int n = 0;
        for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
            if (!t.getKey().getName().contains("%" + name + "%")) {
                continue;
            }
            for (StackTraceElement e : t.getValue()) {
                if (REGISTRATION.equals(e.getClassName() + "." + e.getMethodName())) {
                    t.getKey().interrupt();
                    n++;
                    break;
                }
            }
        }
        return n;
    }
}
