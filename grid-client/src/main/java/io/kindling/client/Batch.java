package io.kindling.client;

import io.kindling.grid.internal.TaskSpec;

import java.util.List;

/**
 * Tasks sent to one node together, with the specs they were sent as (which say where each result
 * goes, so that a late answer's data can be deleted). Its fields other than the final ones are
 * guarded by the client's lock.
 */
final class Batch {
    final long id;
    final String node;
    final List<KeyEntry> entries;
    final List<TaskSpec> specs;
    /** The batch failed in a way that may mean its node is gone: the next topology check decides. */
    boolean orphaned;
    /** When it was orphaned ({@link System#nanoTime}, set by the client) and why. */
    long orphanedNanos;
    Throwable failure;
    /** Resources its (one) task holds on the node while it runs, or null. */
    java.util.Map<String, Double> resources;

    Batch(long id, String node, List<KeyEntry> entries, List<TaskSpec> specs) {
        this.id = id;
        this.node = node;
        this.entries = entries;
        this.specs = specs;
    }

    @Override
    public String toString() {
        return "batch " + id + " on " + node + " (" + entries.size() + " tasks)";
    }
}
