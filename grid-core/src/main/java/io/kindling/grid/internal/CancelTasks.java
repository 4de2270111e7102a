package io.kindling.grid.internal;

import io.kindling.graph.Key;
import org.apache.ignite.Ignite;
import org.apache.ignite.internal.processors.task.GridInternal;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.resources.IgniteInstanceResource;

import java.util.List;

/**
 * The job a thick client sends to cancel tasks of one of its batches on the node that runs it
 * ({@link NodeWork#cancel}). Marked {@code @GridInternal}, Ignite's mark for its management jobs,
 * so that the node runs it at once on its management pool rather than behind the batches waiting
 * in its public pool.
 */
@GridInternal
public final class CancelTasks implements IgniteCallable<CancelReport> {
    private static final long serialVersionUID = 1L;

    private final String client;
    private final long batch;
    private final List<Key> keys;

    @IgniteInstanceResource
    private transient Ignite ignite;

    public CancelTasks(String client, long batch, List<Key> keys) {
        this.client = client;
        this.batch = batch;
        this.keys = keys;
    }

    @Override
    public CancelReport call() {
        return NodeWork.of(ignite).cancel(client, batch, keys);
    }
}
