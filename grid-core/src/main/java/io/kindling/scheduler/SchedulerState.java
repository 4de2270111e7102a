package io.kindling.scheduler;

import io.kindling.graph.Graph;

import java.util.ArrayList;
import java.util.List;

/**
 * The state of one computation of a graph: which tasks wait, which are ready, running, done or
 * erred, and the results that are still needed. Every executor is driven from this one class.
 *
 * <p>Design. This is a state machine without threads, clocks or I/O: events come in
 * ({@link #taskFinished}, {@link #taskFailed}) and commands go out ({@link #takeReady} hands over
 * tasks to run). The caller serialises calls (the driver holds a lock), so nothing here is
 * synchronised. Tests drive it by hand and call {@link #validate()} after every step.
 *
 * <p>Task states: {@code WAITING} (some dependency unfinished), {@code READY} (on the ready
 * stack), {@code RUNNING} (handed to an executor), {@code DONE} (result held),
 * {@code RELEASED} (done, and its result dropped because no remaining task needs it and nobody
 * asked for it), {@code ERRED}. Transitions are only waiting→ready→running→done→released and
 * running→erred.
 *
 * <p>Ordering policy ({@link ReadyOrder}): ready tasks sit on a stack; a task that becomes ready
 * is pushed on top, so the computation finishes what it started before starting new branches,
 * which keeps few intermediate results alive (Dask's local scheduler does the same). Ties are
 * broken by a depth-first post-order of the graph from the wanted keys.
 *
 * <p>Memory: about 21 bytes per task (five arrays), so a million-task graph costs about 21 MB
 * here beyond the graph itself.
 */
final class SchedulerState {
    static final byte WAITING = 0;
    static final byte READY = 1;
    static final byte RUNNING = 2;
    static final byte DONE = 3;
    static final byte RELEASED = 4;
    static final byte ERRED = 5;
    private static final String[] STATE_NAMES = {"waiting", "ready", "running", "done", "released", "erred"};

    private final Graph graph;
    private final byte[] state;
    private final boolean[] wanted;
    /** Per task: dependencies not yet done. */
    private final int[] unfinishedDependencies;
    /** Per task: dependents not yet done; at 0 an unwanted result is released. */
    private final int[] unfinishedDependents;
    private final Object[] results;
    private final ReadyOrder ready;
    private int running;
    private int unfinished;
    private Throwable error;
    private int erredTask = -1;

    /**
     * Starts the computation of {@code wanted} (task indexes of {@code graph}); every task of the
     * graph is computed, so pass a culled graph.
     */
    public SchedulerState(Graph graph, int[] wanted) {
        this.graph = graph;
        int n = graph.size();
        this.state = new byte[n];
        this.wanted = new boolean[n];
        this.unfinishedDependencies = new int[n];
        this.unfinishedDependents = new int[n];
        this.results = new Object[n];
        for (int w : wanted) {
            this.wanted[w] = true;
        }
        for (int i = 0; i < n; i++) {
            unfinishedDependencies[i] = graph.dependencyCount(i);
            unfinishedDependents[i] = graph.dependentCount(i);
        }
        this.unfinished = n;
        this.ready = new ReadyOrder(graph, wanted);
        for (int i : ready.contents()) {
            state[i] = READY;
        }
    }

    /**
     * Moves up to {@code max} ready tasks to running, writing their indexes into {@code into};
     * returns how many. Hands out nothing once a task has failed.
     */
    public int takeReady(int[] into, int max) {
        if (error != null) {
            return 0;
        }
        int taken = 0;
        while (taken < max && ready.size() > 0) {
            int i = ready.pop();
            state[i] = RUNNING;
            into[taken++] = i;
        }
        running += taken;
        return taken;
    }

    /** Task {@code index} finished with {@code result}: ready its dependents, release what is no longer needed. */
    public void taskFinished(int index, Object result) {
        requireState(index, RUNNING, "finish");
        state[index] = DONE;
        results[index] = result;
        running--;
        unfinished--;
        ready.beginPush();
        for (int e = 0, n = graph.dependentCount(index); e < n; e++) {
            int dependent = graph.dependentAt(index, e);
            if (--unfinishedDependencies[dependent] == 0 && error == null) {
                state[dependent] = READY;
                ready.push(dependent);
            }
        }
        ready.endPush();
        for (int e = 0, n = graph.dependencyCount(index); e < n; e++) {
            int dependency = graph.dependencyAt(index, e);
            if (--unfinishedDependents[dependency] == 0 && !wanted[dependency]) {
                state[dependency] = RELEASED;
                results[dependency] = null;
            }
        }
        if (unfinishedDependents[index] == 0 && !wanted[index]) {
            state[index] = RELEASED;
            results[index] = null;
        }
    }

    /** Task {@code index} failed: the computation stops handing out work; the first failure is kept. */
    public void taskFailed(int index, Throwable cause) {
        requireState(index, RUNNING, "fail");
        state[index] = ERRED;
        running--;
        if (error == null) {
            error = cause;
            erredTask = index;
        }
    }

    /** Task {@code index} was handed out but never started (the computation was stopped): back to ready. */
    public void taskSkipped(int index) {
        requireState(index, RUNNING, "skip");
        state[index] = READY;
        running--;
        ready.beginPush();
        ready.push(index);
        ready.endPush();
    }

    /**
     * Stops the computation for a reason other than a task's failure (the caller was interrupted,
     * say): nothing more is handed out, and {@link #error()} reports {@code reason} unless a task
     * failed first.
     */
    public void abort(Throwable reason) {
        if (error == null) {
            error = reason;
        }
    }

    /** The value of a task for a task that reads it; unchecked, for executors' hot paths. */
    Object value(int index) {
        return results[index];
    }

    /** True when every task is done, or a task failed and nothing runs any more. */
    public boolean isComplete() {
        return running == 0 && (unfinished == 0 || error != null);
    }

    public Throwable error() {
        return error;
    }

    /** The index of the first task that failed, or -1. */
    public int erredTask() {
        return erredTask;
    }

    /** The result of a done task that has not been released. */
    public Object result(int index) {
        byte s = state[index];
        if (s != DONE) {
            throw new IllegalStateException("task '" + graph.taskAt(index).key() + "' is " + STATE_NAMES[s]
                    + ", not done");
        }
        return results[index];
    }

    public int running() {
        return running;
    }

    public int readyCount() {
        return ready.size();
    }

    public Graph graph() {
        return graph;
    }

    /** The state of a task, by name: waiting, ready, running, done, released or erred. */
    public String stateOf(int index) {
        return STATE_NAMES[state[index]];
    }

    private void requireState(int index, byte expected, String event) {
        if (state[index] != expected) {
            throw new IllegalStateException("cannot " + event + " task '" + graph.taskAt(index).key() + "': it is "
                    + STATE_NAMES[state[index]] + ", not " + STATE_NAMES[expected]);
        }
    }

    /**
     * Checks every invariant that ties the arrays together; throws {@link AssertionError} naming
     * the first broken one. For tests: cost is linear in the graph.
     */
    public void validate() {
        int n = graph.size();
        int countRunning = 0;
        int countUnfinished = 0;
        List<String> broken = new ArrayList<>();
        boolean[] onStack = new boolean[n];
        for (int i : ready.contents()) {
            if (onStack[i]) {
                broken.add("task " + i + " is on the ready stack twice");
            }
            onStack[i] = true;
        }
        for (int i = 0; i < n; i++) {
            byte s = state[i];
            int undone = 0;
            int undoneDependents = 0;
            for (int e = 0; e < graph.dependencyCount(i); e++) {
                byte d = state[graph.dependencyAt(i, e)];
                if (d != DONE && d != RELEASED) {
                    undone++;
                }
            }
            for (int e = 0; e < graph.dependentCount(i); e++) {
                byte d = state[graph.dependentAt(i, e)];
                if (d != DONE && d != RELEASED) {
                    undoneDependents++;
                }
            }
            if (undone != unfinishedDependencies[i]) {
                broken.add("task " + i + " counts " + unfinishedDependencies[i] + " unfinished dependencies, has " + undone);
            }
            if (undoneDependents != unfinishedDependents[i]) {
                broken.add("task " + i + " counts " + unfinishedDependents[i] + " unfinished dependents, has "
                        + undoneDependents);
            }
            if ((s == READY) != onStack[i]) {
                broken.add("task " + i + " is " + STATE_NAMES[s] + (onStack[i] ? " but on" : " but not on")
                        + " the ready stack");
            }
            if ((s == READY || s == RUNNING) && undone != 0) {
                broken.add("task " + i + " is " + STATE_NAMES[s] + " with unfinished dependencies");
            }
            if (s == WAITING && undone == 0 && error == null) {
                broken.add("task " + i + " waits with every dependency done");
            }
            if (s == RELEASED && (wanted[i] || undoneDependents != 0 || results[i] != null)) {
                broken.add("task " + i + " was released while still needed or holding data");
            }
            if (s != DONE && results[i] != null) {
                broken.add("task " + i + " holds a result while " + STATE_NAMES[s]);
            }
            countRunning += s == RUNNING ? 1 : 0;
            countUnfinished += (s == DONE || s == RELEASED) ? 0 : 1;
        }
        if (countRunning != running) {
            broken.add("running is " + running + ", tasks running " + countRunning);
        }
        if (countUnfinished != unfinished) {
            broken.add("unfinished is " + unfinished + ", tasks unfinished " + countUnfinished);
        }
        if (!broken.isEmpty()) {
            throw new AssertionError("scheduler state is inconsistent: " + broken.subList(0, Math.min(5, broken.size()))
                    + (broken.size() > 5 ? " and " + (broken.size() - 5) + " more" : ""));
        }
    }

    @Override
    public String toString() {
        int[] counts = new int[STATE_NAMES.length];
        for (byte s : state) {
            counts[s]++;
        }
        StringBuilder sb = new StringBuilder("SchedulerState(");
        for (int s = 0; s < counts.length; s++) {
            sb.append(s == 0 ? "" : ", ").append(STATE_NAMES[s]).append('=').append(counts[s]);
        }
        return sb.append(')').toString();
    }
}
