package io.kindling.grid.internal;

import io.kindling.grid.dashboard.TaskEvent;

import io.kindling.graph.Key;
import io.kindling.graph.Task;
import io.kindling.graph.internal.Tokens;
import io.kindling.grid.internal.Outcome;
import org.apache.ignite.IgniteState;
import org.apache.ignite.Ignition;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one node has run: the last {@value #CAPACITY} task runs, counters per function, and the
 * tasks running now. The dashboard reads it; {@code RunTasks} writes it, one {@link Recorder} per
 * task thread.
 *
 * <p>Cost. Recording sits on the path of every task, and 10,000 tiny tasks a second must not slow
 * down noticeably. A task costs: at start, one short-lived object (what the thread runs now,
 * garbage once the task ends); at finish, one {@code getAndIncrement} of a shared sequence, eight
 * array stores into a ring of fixed size, two fences, and two {@link LongAdder} increments of its
 * function's counters. The ring holds primitives and strings that live anyway (function and
 * thread names, key names made canonical), never the task's own objects, so the collector has
 * nothing per task to copy or promote; only the last {@value #GRAPH_CAPACITY} tasks keep their
 * input keys, for the graph view. Nothing grows, nothing locks.
 *
 * <p>Concurrency. Slot {@code sequence % CAPACITY} is written as a seqlock: the writer marks it
 * -1, stores the fields, then publishes its sequence number with a release-store; a reader keeps
 * a slot only if it read the sequence it expected both before and after reading the fields, so a
 * slot being overwritten is skipped, never read torn. Tasks are appended as they finish, so the
 * ring is in order of stop time (to within the race between threads taking sequence numbers);
 * {@link #finishedSince} walks it backwards from the newest.
 *
 * <p>Lifetime. One instance per Ignite instance name, made on first use ({@link #forNode});
 * {@link #remove} drops it when the node stops. Making a new one also drops those of nodes that
 * are no longer running, so that JVMs starting many local clusters (tests) keep no stale records.
 */
public final class TaskEvents {
    /** Task runs kept per node, the newest; a power of two. */
    public static final int CAPACITY = 1 << 17;
    /** Of those, how many keep their input keys (for the graph view); a power of two. */
    public static final int GRAPH_CAPACITY = 1 << 12;
    private static final int MASK = CAPACITY - 1;
    private static final int GRAPH_MASK = GRAPH_CAPACITY - 1;
    private static final int CANONICAL_NAMES = 4096;
    private static final byte OK = 1;
    private static final byte TOKENIZED = 2;
    private static final VarHandle SEQUENCE = MethodHandles.arrayElementVarHandle(long[].class);
    private static final Map<String, TaskEvents> NODES = new ConcurrentHashMap<>();

    private final String node;
    private final AtomicLong next = new AtomicLong();
    private final long[] sequences = new long[CAPACITY];
    private final String[] names = new String[CAPACITY];
    private final long[] tokensHigh = new long[CAPACITY];
    private final long[] tokensLow = new long[CAPACITY];
    private final byte[] flags = new byte[CAPACITY];
    private final String[] functions = new String[CAPACITY];
    private final String[] threads = new String[CAPACITY];
    private final long[] starts = new long[CAPACITY];
    private final long[] durations = new long[CAPACITY];
    private final long[] graphSequences = new long[GRAPH_CAPACITY];
    private final Key[][] graphInputs = new Key[GRAPH_CAPACITY][];
    private final Map<String, String> canonicalNames = new ConcurrentHashMap<>();
    private final Map<String, FunctionCounts> counts = new ConcurrentHashMap<>();
    private final Set<Recorder> recorders = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<Recorder> recorder = ThreadLocal.withInitial(this::newRecorder);

    /** Done, erred and time spent of one function on one node. */
    static final class FunctionCounts {
        final LongAdder done = new LongAdder();
        final LongAdder erred = new LongAdder();
        final LongAdder nanos = new LongAdder();
        volatile long lastMillis;
    }

    /** A record for a node whose consistent id is {@code node}; most callers want {@link #forNode}. */
    public TaskEvents(String node) {
        this.node = node;
        Arrays.fill(sequences, -1);
        Arrays.fill(graphSequences, -1);
    }

    /** The record of the Ignite instance named {@code igniteInstanceName} (null: the default instance). */
    public static TaskEvents forNode(String igniteInstanceName) {
        String name = igniteInstanceName == null ? "" : igniteInstanceName;
        TaskEvents known = NODES.get(name);
        return known != null ? known : create(name);
    }

    private static synchronized TaskEvents create(String name) {
        TaskEvents known = NODES.get(name);
        if (known != null) {
            return known;
        }
        NODES.keySet().removeIf(n -> Ignition.state(n.isEmpty() ? null : n) != IgniteState.STARTED);
        TaskEvents created = new TaskEvents(consistentId(name));
        NODES.put(name, created);
        return created;
    }

    private static String consistentId(String name) {
        try {
            return String.valueOf(Ignition.ignite(name.isEmpty() ? null : name).cluster().localNode().consistentId());
        } catch (RuntimeException notRunning) {
            return name;
        }
    }

    /** Forgets the record of a node (when it stops). */
    public static void remove(String igniteInstanceName) {
        NODES.remove(igniteInstanceName == null ? "" : igniteInstanceName);
    }

    /** The recorder of the calling thread, made on its first task. */
    public Recorder recorder() {
        return recorder.get();
    }

    private Recorder newRecorder() {
        Recorder r = new Recorder(Thread.currentThread().getName());
        recorders.add(r);
        return r;
    }

    /**
     * Records the tasks one thread runs, one at a time: {@link #started} then {@link #finished}.
     * Used by that thread only; what it records is visible to every reader.
     */
    public final class Recorder {
        private final String thread;
        private volatile TaskEvent current;
        private String lastName;
        private String lastCanonical;
        private String lastFunction;
        private FunctionCounts lastCounts;

        private Recorder(String thread) {
            this.thread = thread;
        }

        /** The task this thread begins now; it counts as running until {@link #finished}. */
        public void started(Task task, long startMillis) {
            current = new TaskEvent(task.key(), Tokens.functionName(task.function()), node, thread, startMillis, 0,
                    true, null, -1);
        }

        /** The task begun last finished with {@code outcome}; {@code inputs} are the keys it read. */
        public void finished(Key[] inputs, Outcome outcome) {
            finished(inputs, outcome.durationNanos(), outcome.ok());
        }

        /** The task begun last took {@code durationNanos} and returned ({@code ok}) or threw. */
        public void finished(Key[] inputs, long durationNanos, boolean ok) {
            TaskEvent e = current;
            if (e == null) {
                return;
            }
            current = null;
            Key key = e.key();
            record(canonical(key.name()), key.tokenHigh(), key.tokenLow(), key.hasToken(), e.function(), thread,
                    e.startMillis(), durationNanos, ok, inputs);
            FunctionCounts c = counts(e.function());
            (ok ? c.done : c.erred).increment();
            c.nanos.add(durationNanos);
            c.lastMillis = e.startMillis();
        }

        private String canonical(String name) {
            if (!name.equals(lastName)) {
                lastName = name;
                lastCanonical = TaskEvents.this.canonical(name);
            }
            return lastCanonical;
        }

        private FunctionCounts counts(String function) {
            if (function != lastFunction) {
                lastCounts = counts.computeIfAbsent(function, f -> new FunctionCounts());
                lastFunction = function;
            }
            return lastCounts;
        }
    }

    /** One string for all equal key names, so the ring keeps no string per task (up to a bound). */
    private String canonical(String name) {
        String known = canonicalNames.get(name);
        if (known != null) {
            return known;
        }
        if (canonicalNames.size() >= CANONICAL_NAMES) {
            return name;
        }
        known = canonicalNames.putIfAbsent(name, name);
        return known != null ? known : name;
    }

    private void record(String name, long tokenHigh, long tokenLow, boolean tokenized, String function,
            String thread, long start, long duration, boolean ok, Key[] inputs) {
        long sequence = next.getAndIncrement();
        int i = (int) (sequence & MASK);
        SEQUENCE.setOpaque(sequences, i, -1L);
        VarHandle.storeStoreFence();
        names[i] = name;
        tokensHigh[i] = tokenHigh;
        tokensLow[i] = tokenLow;
        flags[i] = (byte) ((ok ? OK : 0) | (tokenized ? TOKENIZED : 0));
        functions[i] = function;
        threads[i] = thread;
        starts[i] = start;
        durations[i] = duration;
        SEQUENCE.setRelease(sequences, i, sequence);
        if (inputs != null && inputs.length > 0) {
            int g = (int) (sequence & GRAPH_MASK);
            SEQUENCE.setOpaque(graphSequences, g, -1L);
            VarHandle.storeStoreFence();
            graphInputs[g] = inputs;
            SEQUENCE.setRelease(graphSequences, g, sequence);
        }
    }

    // ------------------------------------------------------------------ reading

    /** The consistent id of the node this record belongs to. */
    public String node() {
        return node;
    }

    /** Tasks recorded so far (including those no longer kept). */
    public long recorded() {
        return next.get();
    }

    /**
     * The newest events (at most {@code limit}) of tasks that stopped at or after {@code sinceMillis},
     * oldest first, with their inputs if {@code withInputs} (known for the newest
     * {@value #GRAPH_CAPACITY}). Events may repeat across calls near the boundary: tell them apart
     * by {@link #id(TaskEvent)}.
     */
    public List<TaskEvent> finishedSince(double sinceMillis, int limit, boolean withInputs) {
        List<TaskEvent> out = new ArrayList<>();
        long newest = next.get() - 1;
        long oldest = Math.max(0, newest - CAPACITY + 1);
        for (long s = newest; s >= oldest && out.size() < limit; s--) {
            TaskEvent e = read(s, withInputs);
            if (e == null) {
                continue;
            }
            if (e.stopMillis() >= sinceMillis) {
                out.add(e);
            } else if (e.stopMillis() < sinceMillis - 1000) {
                break;
            }
        }
        Collections.reverse(out);
        return out;
    }

    /** The event of sequence {@code s}, or null if its slot holds another (or is being written). */
    private TaskEvent read(long s, boolean withInputs) {
        int i = (int) (s & MASK);
        if ((long) SEQUENCE.getAcquire(sequences, i) != s) {
            return null;
        }
        String name = names[i];
        long tokenHigh = tokensHigh[i];
        long tokenLow = tokensLow[i];
        byte flag = flags[i];
        String function = functions[i];
        String thread = threads[i];
        long start = starts[i];
        long duration = durations[i];
        VarHandle.loadLoadFence();
        if ((long) SEQUENCE.getAcquire(sequences, i) != s) {
            return null;
        }
        Key[] inputs = null;
        if (withInputs) {
            int g = (int) (s & GRAPH_MASK);
            if ((long) SEQUENCE.getAcquire(graphSequences, g) == s) {
                inputs = graphInputs[g];
                VarHandle.loadLoadFence();
                if ((long) SEQUENCE.getAcquire(graphSequences, g) != s) {
                    inputs = null;
                }
            }
        }
        Key key = (flag & TOKENIZED) != 0 ? Key.of(name, tokenHigh, tokenLow) : Key.of(name);
        return new TaskEvent(key, function, node, thread, start, duration, (flag & OK) != 0, inputs, s);
    }

    /** An id unique to an event within a cluster: node and sequence. */
    public static String id(TaskEvent e) {
        return e.node() + "/" + e.sequence();
    }

    /** The tasks running now, one per busy thread. */
    public List<TaskEvent> running() {
        List<TaskEvent> out = new ArrayList<>();
        for (Recorder r : recorders) {
            TaskEvent e = r.current;
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    /** Per function (in order of name): tasks done, erred, total nanoseconds, last start millis. */
    public Map<String, long[]> functionCounts() {
        Map<String, long[]> out = new LinkedHashMap<>();
        counts.keySet().stream().sorted().forEach(f -> {
            FunctionCounts c = counts.get(f);
            out.put(f, new long[] {c.done.sum(), c.erred.sum(), c.nanos.sum(), c.lastMillis});
        });
        return out;
    }
}
