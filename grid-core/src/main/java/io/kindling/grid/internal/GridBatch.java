package io.kindling.grid.internal;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A batch of tasks as one client sends it to one node: who sent it (so that the node stops the
 * work of a client that died, and can cancel its tasks by key), an id unique among that client's
 * batches, and the tasks in an order where each comes after the inputs computed in the batch.
 *
 * <p>It travels in a compact form ({@link Columns}): the function of a map and the names of its
 * keys once per batch, not once per task. (A class rather than a record: Ignite's binary
 * marshaller cannot write records.)
 */
public final class GridBatch implements Serializable {
    private static final long serialVersionUID = 2L;

    private final String client;
    private final UUID clientNode;
    private final long id;
    private final int size;
    private final Columns columns;
    /** The tasks, on the side that made the batch or once read. */
    private transient volatile List<TaskSpec> tasks;

    /**
     * A batch from client {@code client} (its lease id); {@code clientNode} is the Ignite node of a
     * thick client (whose leaving the cluster is its death), null for a thin client (whose lease
     * running out is).
     */
    public GridBatch(String client, UUID clientNode, long id, List<TaskSpec> tasks) {
        this.client = client;
        this.clientNode = clientNode;
        this.id = id;
        Columns.Writer w = new Columns.Writer(tasks.size());
        for (TaskSpec t : tasks) {
            t.write(w);
        }
        this.size = tasks.size();
        this.columns = w.done();
        this.tasks = tasks;
    }

    public String client() {
        return client;
    }

    public UUID clientNode() {
        return clientNode;
    }

    public long id() {
        return id;
    }

    /** The tasks (read from the compact form the first time on the receiving side). */
    public List<TaskSpec> tasks() {
        List<TaskSpec> t = tasks;
        if (t == null) {
            synchronized (this) {
                if (tasks == null) {
                    tasks = columns.readAll(size, TaskSpec::read);
                }
                t = tasks;
            }
        }
        return t;
    }
}
