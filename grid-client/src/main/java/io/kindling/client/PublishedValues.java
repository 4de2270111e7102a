package io.kindling.client;

import io.kindling.Delayed;
import io.kindling.graph.Task;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a published value is kept ({@link Datasets}): Java serialization with each {@link Future}
 * (and each persisted {@link Delayed}'s task reading one) left out as its index, so that a
 * fetching client puts its own futures back in their places; and the dataset records themselves.
 */
final class PublishedValues {
    private PublishedValues() {
    }

    /** Where the published value had a future (or a persisted Delayed's task reading one): the future's index. */
    private record Slot(int index, boolean asTask) implements Serializable {
    }

    /** A {@link Delayed} in a published value (not serializable itself): its task and dependencies. */
    private record DelayedForm(Task task, List<Delayed<?>> dependencies) implements Serializable {
    }

    static byte[] write(String name, Object value, List<Future<?>> futures) {
        Map<Future<?>, Integer> index = new IdentityHashMap<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes) {
            {
                enableReplaceObject(true);
            }

            @Override
            protected Object replaceObject(Object o) {
                if (o instanceof Future<?> f) {
                    return new Slot(slot(f), false);
                }
                if (o instanceof FutureValue<?> v && v.future() != null) {
                    return new Slot(slot(v.future()), true);
                }
                if (o instanceof Delayed<?> d) {
                    return new DelayedForm(d.task(), d.dependencies());
                }
                return o;
            }

            private int slot(Future<?> f) {
                return index.computeIfAbsent(f, x -> {
                    futures.add(x);
                    return futures.size() - 1;
                });
            }
        }) {
            out.writeObject(value);
        } catch (NotSerializableException e) {
            throw new DatasetException("cannot publish '" + name + "': it holds an object of class " + e.getMessage()
                    + ", which is not Serializable; publish futures, collections of them, persisted Delayed values "
                    + "and Serializable values", e);
        } catch (IOException e) {
            throw new DatasetException("cannot publish '" + name + "': " + e, e);
        }
        return bytes.toByteArray();
    }

    static Object read(byte[] shape, List<Future<?>> futures) {
        try (ObjectInputStream in = new Input(new ByteArrayInputStream(shape)) {
            {
                enableResolveObject(true);
            }

            @Override
            protected Object resolveObject(Object o) {
                if (o instanceof Slot s) {
                    Future<?> f = futures.get(s.index());
                    return s.asTask() ? new FutureValue<>(f) : f;
                }
                if (o instanceof DelayedForm d) {
                    return Delayed.ofTask(d.task(), d.dependencies());
                }
                return o;
            }
        }) {
            return in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new DatasetException("cannot read a dataset: " + e + " (is every class it holds on this client's "
                    + "class path?)", e);
        }
    }

    static byte[] toBytes(Datasets.Record record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(record);
        } catch (IOException e) {
            throw new DatasetException("cannot write a dataset's record: " + e, e);
        }
        return bytes.toByteArray();
    }

    static Datasets.Record record(byte[] bytes) {
        try (ObjectInputStream in = new Input(new ByteArrayInputStream(bytes))) {
            return (Datasets.Record) in.readObject();
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            throw new DatasetException("cannot read a dataset's record: " + e + " (was it written by another version "
                    + "of Kindling?)", e);
        }
    }

    /** Reads classes through this thread's context class loader first, as an application server expects. */
    private static class Input extends ObjectInputStream {
        Input(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader != null) {
                try {
                    return Class.forName(desc.getName(), false, loader);
                } catch (ClassNotFoundException e) {
                    // fall back to the default resolution
                }
            }
            return super.resolveClass(desc);
        }
    }
}
