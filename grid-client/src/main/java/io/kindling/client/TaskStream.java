package io.kindling.client;

import io.kindling.grid.internal.Outcome;
import io.kindling.grid.dashboard.TaskEvent;
import io.kindling.grid.dashboard.Dashboard;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records the task stream of a scope, as Dask's {@code get_task_stream} and
 * {@code performance_report}: every task whose outcome reaches one client
 * ({@link Client#taskStream()}) or any client in this JVM ({@link #record()}) while the scope is
 * open, with its key, function, node, thread, start and stop.
 *
 * <pre>{@code
 * try (TaskStream stream = client.taskStream()) {
 *     client.gather(client.map(Ops::inc, List.of(1, 2, 3)));
 *     stream.saveHtml(Path.of("report.html"));     // the chart and a table per function, no network needed
 * }
 * }</pre>
 *
 * <p>The function of an event is the key's name ({@code inc} for keys that {@code submit},
 * {@code map} and {@code delayed} make), because an outcome carries the key but not the function.
 * Scopes may nest and overlap; each sees every outcome while it is open. Events stay in memory
 * until the scope is collected, so record a scope around what you want to look at, not around
 * a whole program of millions of tasks.
 *
 * <p>Thread-safety: a scope may be read while clients add to it; {@link #events} is a snapshot.
 * A client hands over the outcomes of each batch it receives, at the cost of one volatile read
 * when no scope is open.
 */
public final class TaskStream implements AutoCloseable {
    /** The scopes that see every client of this JVM. */
    private static final List<TaskStream> EVERY_CLIENT = new CopyOnWriteArrayList<>();

    private final ConcurrentLinkedQueue<TaskEvent> events = new ConcurrentLinkedQueue<>();
    /** Where this scope is registered, to leave it on {@link #close}. */
    private final List<TaskStream> registry;
    private volatile boolean open = true;

    private TaskStream(List<TaskStream> registry) {
        this.registry = registry;
        registry.add(this);
    }

    /**
     * Starts recording the tasks of every client in this JVM; {@link #close} stops. For one
     * client's tasks, {@link Client#taskStream()}.
     */
    public static TaskStream record() {
        return new TaskStream(EVERY_CLIENT);
    }

    /** A scope of one client, registered in {@code clientScopes} (that client's list). */
    static TaskStream recordInto(List<TaskStream> clientScopes) {
        return new TaskStream(clientScopes);
    }

    /**
     * Hands the outcomes of one batch to the scopes of its client ({@code clientScopes}) and to
     * those of every client; does nothing when none is open.
     */
    static void observe(List<Outcome> outcomes, List<TaskStream> clientScopes) {
        if ((EVERY_CLIENT.isEmpty() && clientScopes.isEmpty()) || outcomes == null) {
            return;
        }
        List<TaskEvent> batch = new ArrayList<>(outcomes.size());
        for (Outcome o : outcomes) {
            if (o.kind() == Outcome.Kind.MISSING_INPUT || o.kind() == Outcome.Kind.SKIPPED) {
                continue;
            }
            batch.add(TaskEvent.of(o.key(), o.key().name(), o.node(), o.thread(), o.startMillis(), o.durationNanos(),
                    o.ok()));
        }
        for (List<TaskStream> scopes : List.of(EVERY_CLIENT, clientScopes)) {
            for (TaskStream stream : scopes) {
                if (stream.open) {
                    stream.events.addAll(batch);
                }
            }
        }
    }

    /** How many events were recorded so far. */
    public int size() {
        return events.size();
    }

    /** The events recorded so far, in order of start. */
    public List<TaskEvent> events() {
        List<TaskEvent> out = new ArrayList<>(events);
        out.sort((a, b) -> Long.compare(a.startMillis(), b.startMillis()));
        return out;
    }

    /**
     * Saves the events recorded so far as one self-contained HTML file (inline script and style,
     * no network): the task stream and a table per function.
     */
    public void saveHtml(Path file) {
        saveHtml(file, "Task stream");
    }

    /** {@link #saveHtml(Path)} with a title of your own. */
    public void saveHtml(Path file, String title) {
        Dashboard.saveTaskStream(file, title, events());
    }

    /** Whether the scope is still recording. */
    public boolean recording() {
        return open;
    }

    /** Stops recording; what was recorded stays readable. */
    @Override
    public void close() {
        open = false;
        registry.remove(this);
    }
}
