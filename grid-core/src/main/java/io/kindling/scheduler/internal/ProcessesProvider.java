package io.kindling.scheduler.internal;

import io.kindling.scheduler.Scheduler;

/**
 * Supplies the processes scheduler: worker JVMs on this machine. grid-core cannot start them
 * itself (that is the client's local cluster), so {@link Scheduler#PROCESSES} finds an
 * implementation on the class path with {@link java.util.ServiceLoader}; grid-client has one.
 */
public interface ProcessesProvider {
    /** The scheduler that runs tasks on worker processes, started on first use. */
    Scheduler processes();
}
