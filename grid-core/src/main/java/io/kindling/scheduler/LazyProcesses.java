package io.kindling.scheduler;

import io.kindling.scheduler.internal.ProcessesProvider;

import io.kindling.graph.Graph;
import io.kindling.graph.Key;

import java.util.List;
import java.util.ServiceLoader;

/** {@link Scheduler#PROCESSES}: looks up its provider when first used, so nothing starts before then. */
final class LazyProcesses implements Scheduler {
    @Override
    public List<Object> get(Graph graph, List<Key> keys) {
        ProcessesProvider provider = ServiceLoader.load(ProcessesProvider.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("the processes scheduler needs io.kindling:grid-client "
                        + "on the class path (it starts the worker processes)"));
        return provider.processes().get(graph, keys);
    }

    @Override
    public String toString() {
        return "processes";
    }
}
