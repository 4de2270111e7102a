package io.kindling;

import io.kindling.graph.internal.Dot;
import io.kindling.graph.Fn0;
import io.kindling.graph.Fn1;
import io.kindling.graph.Fn2;
import io.kindling.graph.Fn3;
import io.kindling.graph.Fn4;
import io.kindling.graph.Fn5;
import io.kindling.graph.Graph;
import io.kindling.graph.GraphBuilder;
import io.kindling.graph.Key;
import io.kindling.graph.Task;
import io.kindling.scheduler.Scheduler;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A value not computed yet: a task, and the tasks it needs, as Dask's {@code dask.delayed}.
 *
 * <pre>{@code
 * import static io.kindling.Delayed.delayed;
 *
 * Delayed<Integer> total = delayed(Ops::add, delayed(Ops::inc, 1), delayed(Ops::inc, 2));
 * int five = total.compute();              // on the current scheduler
 * int same = total.compute(Scheduler.SYNC);
 * }</pre>
 *
 * <p>Arguments are plain values, other {@code Delayed} values, a client's {@code Future}s
 * ({@link DelayedSource}), or Lists, Sets, Maps (their values) and object arrays holding them,
 * nested up to {@value io.kindling.graph.internal.Containers#MAX_DEPTH} deep; the task receives computed
 * values in their place.
 * Functions are serializable lambdas or method references ({@link Fn0} to {@link Fn5}).
 *
 * <p>Keys: {@code delayed(...)} gives each call a unique key; {@link #pure()} gives a key that is
 * a hash of function and arguments, so the same pure call twice is one task;
 * {@link #key(String)} sets the key.
 *
 * <p>A {@code Delayed} is immutable and thread-safe. It holds the values it was given, so a long
 * chain of them is a linked structure; nothing in this class recurses over it.
 */
public final class Delayed<T> {
    private final Task task;
    /** What the task reads directly: null, one {@code Delayed}, or a {@code Delayed[]}. */
    private final Object parents;

    Delayed(Task task, Object parents) {
        this.task = task;
        this.parents = parents;
    }

    // ------------------------------------------------------------------ making them

    /** A delayed call of {@code fn()}. */
    public static <R> Delayed<R> delayed(Fn0<R> fn) {
        return DelayedCall.DEFAULT.delayed(fn);
    }

    /** A delayed call of {@code fn(a)}; {@code a} may be a value or a {@code Delayed} (also inside collections). */
    public static <A, R> Delayed<R> delayed(Fn1<A, R> fn, Object a) {
        return DelayedCall.DEFAULT.delayed(fn, a);
    }

    /** A delayed call of {@code fn(a, b)}. */
    public static <A, B, R> Delayed<R> delayed(Fn2<A, B, R> fn, Object a, Object b) {
        return DelayedCall.DEFAULT.delayed(fn, a, b);
    }

    /** A delayed call of {@code fn(a, b, c)}. */
    public static <A, B, C, R> Delayed<R> delayed(Fn3<A, B, C, R> fn, Object a, Object b, Object c) {
        return DelayedCall.DEFAULT.delayed(fn, a, b, c);
    }

    /** A delayed call of {@code fn(a, b, c, d)}. */
    public static <A, B, C, D, R> Delayed<R> delayed(Fn4<A, B, C, D, R> fn, Object a, Object b, Object c, Object d) {
        return DelayedCall.DEFAULT.delayed(fn, a, b, c, d);
    }

    /** A delayed call of {@code fn(a, b, c, d, e)}. */
    public static <A, B, C, D, E, R> Delayed<R> delayed(Fn5<A, B, C, D, E, R> fn, Object a, Object b, Object c,
            Object d, Object e) {
        return DelayedCall.DEFAULT.delayed(fn, a, b, c, d, e);
    }

    /**
     * A value as a {@code Delayed}, as {@code dask.delayed(value)}: its key is a hash of the
     * value's contents. A collection holding {@code Delayed} values becomes a task that collects
     * their results.
     */
    public static <T> Delayed<T> value(T value) {
        return DelayedCall.DEFAULT.value(value);
    }

    /** Calls whose keys are hashes of function and arguments: the same pure call twice is one task. */
    public static DelayedCall pure() {
        return DelayedCall.DEFAULT.pure(true);
    }

    /** Calls whose key is exactly {@code key}. */
    public static DelayedCall key(String key) {
        return DelayedCall.DEFAULT.key(key);
    }

    /** Calls whose keys are {@code name-token} rather than named after the function. */
    public static DelayedCall name(String name) {
        return DelayedCall.DEFAULT.name(name);
    }

    // ------------------------------------------------------------------ using them

    /**
     * A {@code Delayed} for a task whose arguments already hold keys rather than {@code Delayed}
     * values, reading {@code dependencies}: for schedulers that hand out values already computed
     * (a client's {@code persist}).
     */
    public static <T> Delayed<T> ofTask(Task task, List<Delayed<?>> dependencies) {
        Objects.requireNonNull(task, "task");
        Object parents = dependencies.isEmpty() ? null
                : dependencies.size() == 1 ? dependencies.get(0) : dependencies.toArray(new Delayed<?>[0]);
        return new Delayed<>(task, parents);
    }

    /** The key of this value's task. */
    public Key key() {
        return task.key();
    }

    /** This value's own task (its arguments refer to the keys of the values it reads). */
    public Task task() {
        return task;
    }

    /** The values this task reads directly. */
    public List<Delayed<?>> dependencies() {
        List<Delayed<?>> out = new ArrayList<>();
        forEachParent(parents, out::add);
        return out;
    }

    /** The graph of this value: its task and every task it needs. */
    public Graph graph() {
        return graphOf(List.of(this));
    }

    /** Computes this value on the current scheduler (see {@link Scheduler} for which that is). */
    public T compute() {
        return compute(Scheduler.current());
    }

    /** Computes this value on {@code scheduler}. */
    @SuppressWarnings("unchecked")
    public T compute(Scheduler scheduler) {
        Objects.requireNonNull(scheduler, "scheduler");
        return (T) scheduler.get(graph(), List.of(key())).get(0);
    }

    /**
     * Computes several values at once, on the current scheduler: their graphs are merged, so a
     * task they share runs once. Returns the values in the order given.
     */
    public static List<Object> computeAll(Delayed<?>... values) {
        return computeAll(Scheduler.current(), values);
    }

    /** As {@link #computeAll(Delayed[])}, on {@code scheduler}. */
    public static List<Object> computeAll(Scheduler scheduler, Delayed<?>... values) {
        List<Key> keys = new ArrayList<>(values.length);
        for (Delayed<?> d : values) {
            keys.add(d.key());
        }
        return scheduler.get(graphOf(List.of(values)), keys);
    }

    /** The merged graph of several values. */
    public static Graph graphOf(List<? extends Delayed<?>> values) {
        GraphBuilder builder = new GraphBuilder();
        ArrayDeque<Delayed<?>> stack = new ArrayDeque<>();
        for (int i = values.size() - 1; i >= 0; i--) {
            stack.push(values.get(i));
        }
        while (!stack.isEmpty()) {
            Delayed<?> d = stack.pop();
            if (builder.add(d.task)) {
                forEachParent(d.parents, stack::push);
            }
        }
        return builder.build();
    }

    /**
     * Writes the graph as Graphviz DOT to {@code file}, and as SVG beside it when the {@code dot}
     * program is on the PATH. Returns the SVG file if one was written, else the DOT file.
     */
    public Path visualize(Path file) {
        return Dot.write(graph(), file);
    }

    private static void forEachParent(Object parents, java.util.function.Consumer<Delayed<?>> action) {
        if (parents instanceof Delayed<?> single) {
            action.accept(single);
        } else if (parents instanceof Delayed<?>[] many) {
            for (Delayed<?> d : many) {
                action.accept(d);
            }
        }
    }

    @Override
    public String toString() {
        return "Delayed('" + task.key() + "')";
    }
}
