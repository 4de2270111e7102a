package io.kindling.scheduler;

import io.kindling.graph.Graph;

/**
 * The ready stack and the order it hands tasks out in.
 *
 * <p>Policy: last in, first out, so the tasks that a completion made ready run next and a branch
 * is finished before a new one starts. Each task has a priority, its position in a depth-first
 * post-order walk of the graph from the wanted keys (dependencies in argument order); among tasks
 * pushed together, and among the tasks ready at the start, the lowest priority is on top. For a
 * reduction tree this runs the leaves of the first subtree, then their sum, and so on, so at most
 * about log(n) partial sums are alive at once.
 */
final class ReadyOrder {
    private final int[] priority;
    private final int[] stack;
    private int size;
    private int pushMark;

    /** Computes the priorities and pushes the tasks without dependencies, lowest priority on top. */
    ReadyOrder(Graph graph, int[] wanted) {
        int n = graph.size();
        this.priority = new int[n];
        this.stack = new int[n];
        int[] postOrder = postOrder(graph, wanted);
        for (int p = postOrder.length - 1; p >= 0; p--) {
            int task = postOrder[p];
            priority[task] = p;
            if (graph.dependencyCount(task) == 0) {
                stack[size++] = task;
            }
        }
    }

    /**
     * Depth-first post-order from the wanted tasks, then from any task not reached (a graph that
     * was not culled), without recursion.
     */
    private static int[] postOrder(Graph graph, int[] wanted) {
        int n = graph.size();
        int[] order = new int[n];
        boolean[] seen = new boolean[n];
        int[] nodes = new int[n];
        int[] cursors = new int[n];
        int count = 0;
        for (int r = 0; r < wanted.length + n; r++) {
            int root = r < wanted.length ? wanted[r] : r - wanted.length;
            if (seen[root]) {
                continue;
            }
            seen[root] = true;
            int depth = 0;
            nodes[0] = root;
            cursors[0] = 0;
            while (depth >= 0) {
                int node = nodes[depth];
                if (cursors[depth] < graph.dependencyCount(node)) {
                    int next = graph.dependencyAt(node, cursors[depth]++);
                    if (!seen[next]) {
                        seen[next] = true;
                        depth++;
                        nodes[depth] = next;
                        cursors[depth] = 0;
                    }
                } else {
                    order[count++] = node;
                    depth--;
                }
            }
        }
        return order;
    }

    void beginPush() {
        pushMark = size;
    }

    void push(int task) {
        stack[size++] = task;
    }

    /** Orders the tasks pushed since {@link #beginPush()} so that the lowest priority is on top. */
    void endPush() {
        int count = size - pushMark;
        if (count > 32) {
            long[] keyed = new long[count];
            for (int i = 0; i < count; i++) {
                int task = stack[pushMark + i];
                keyed[i] = ((long) priority[task] << 32) | task;
            }
            java.util.Arrays.sort(keyed);
            for (int i = 0; i < count; i++) {
                stack[size - 1 - i] = (int) keyed[i];
            }
            return;
        }
        for (int i = pushMark + 1; i < size; i++) {
            int task = stack[i];
            int p = priority[task];
            int j = i - 1;
            while (j >= pushMark && priority[stack[j]] < p) {
                stack[j + 1] = stack[j];
                j--;
            }
            stack[j + 1] = task;
        }
    }

    int pop() {
        return stack[--size];
    }

    int size() {
        return size;
    }

    /** A copy of the stack, bottom first. */
    int[] contents() {
        return java.util.Arrays.copyOf(stack, size);
    }
}
