package io.kindling.grid;

import java.io.Serializable;
import java.util.List;
import java.util.UUID;

/**
 * A batch of tasks as one client sends it to one node: who sent it (so that the node stops the
 * work of a client that died, and can cancel its tasks by key), an id unique among that client's
 * batches, and the tasks in an order where each comes after the inputs computed in the batch.
 * (A class rather than a record: Ignite's binary marshaller cannot write records.)
 */
public final class GridBatch implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String client;
    private final UUID clientNode;
    private final long id;
    private final List<TaskSpec> tasks;

    /**
     * A batch from client {@code client} (its lease id); {@code clientNode} is the Ignite node of a
     * thick client (whose leaving the cluster is its death), null for a thin client (whose lease
     * running out is).
     */
    public GridBatch(String client, UUID clientNode, long id, List<TaskSpec> tasks) {
        this.client = client;
        this.clientNode = clientNode;
        this.id = id;
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

    public List<TaskSpec> tasks() {
        return tasks;
    }
}
