package io.kindling.client.internal;

import io.kindling.client.Client;
import io.kindling.client.LocalCluster;

import io.kindling.scheduler.internal.ProcessesProvider;
import io.kindling.scheduler.Scheduler;

/**
 * The processes scheduler: one local cluster of child-process nodes per JVM, started on first
 * use, with a client over it that does not become the default scheduler. It stops when this JVM
 * exits (a shutdown hook closes it; the children also stop on their own when their pipe from
 * this JVM closes), or earlier by {@link #shutdown()}.
 */
public final class ProcessPool implements ProcessesProvider {
    private static Client client;
    private static Thread hook;

    @Override
    public Scheduler processes() {
        return get();
    }

    /** The client over the worker processes, started if need be. */
    public static synchronized Client get() {
        if (client == null) {
            Client c = Client.local(LocalCluster.builder().processes(true));
            Scheduler.clearDefault(c);
            client = c;
            hook = new Thread(ProcessPool::shutdown, "kindling-processes-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
        }
        return client;
    }

    /** Stops the worker processes, if they were started. */
    public static synchronized void shutdown() {
        if (client != null) {
            client.close();
            client = null;
            if (hook != null && Thread.currentThread() != hook) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            hook = null;
        }
    }
}
