package io.kindling.scheduler;

import io.kindling.graph.Graph;
import io.kindling.graph.GraphException;
import io.kindling.graph.Key;

import java.util.List;
import java.util.function.Supplier;

/**
 * A {@link Scheduler} that runs the scheduler loop in this JVM over an executor made for each
 * computation. The sync and threads schedulers are this class; so are the processes and grid
 * schedulers, with executors of their own.
 */
final class ExecutorScheduler implements Scheduler {
    private final String name;
    private final Supplier<? extends TaskExecutor> executors;

    /** A scheduler named {@code name} that asks {@code executors} for a fresh executor per computation. */
    public ExecutorScheduler(String name, Supplier<? extends TaskExecutor> executors) {
        this.name = name;
        this.executors = executors;
    }

    @Override
    public List<Object> get(Graph graph, List<Key> keys) {
        Graph needed = graph.cull(keys);
        int[] wanted = new int[keys.size()];
        for (int i = 0; i < wanted.length; i++) {
            wanted[i] = needed.indexOf(keys.get(i));
            if (wanted[i] < 0) {
                throw new GraphException("the key '" + keys.get(i) + "' is not in the graph", List.of(keys.get(i)));
            }
        }
        SchedulerState state = new SchedulerState(needed, wanted);
        try (TaskExecutor executor = executors.get()) {
            return new Execution(state, executor, Callbacks.active()).run(wanted);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
