package io.kindling.client;

import io.kindling.graph.internal.Packed;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;

/**
 * A task's argument that holds futures inside an object Kindling does not look into (a field of
 * a class of the application, say), as Dask lets a future travel to a worker inside any object:
 * the argument travels serialized, each future in it as where its finished value is
 * ({@link Travelling}), and it is unpacked on the node just before the task runs, each
 * future arriving as a future of the node's client ({@link Client#current()}), which holds the
 * value through its holder list. A future given directly, or in a List, Set, Map or array, is
 * not one of these: the task gets its value.
 */
final class PackedArgument implements Packed, Serializable {
    private static final long serialVersionUID = 1L;
    private final byte[] bytes;

    private PackedArgument(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * Serializes {@code argument} as it will travel, to {@code out}; returns whether it holds a
     * future (then it must travel packed). A future in it must be finished.
     */
    static boolean write(Object argument, OutputStream out) throws IOException {
        Output o = new Output(out);
        o.writeObject(argument);
        o.flush();
        return o.futures;
    }

    /** {@code argument} packed (it holds futures: {@link #write} said so). */
    static PackedArgument of(Object argument) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        write(argument, bytes);
        return new PackedArgument(bytes.toByteArray());
    }

    @Override
    public Object unpack(ClassLoader loader) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new io.kindling.grid.internal.LoaderInputStream(new ByteArrayInputStream(bytes), loader)) {
            return in.readObject();
        }
    }

    /**
     * A finished future as it travels inside a packed argument: where its value is, and whose it
     * is; read back, it is a future of the client at hand ({@link Client#current()}: inside a
     * task, its node's), which holds the value through its holder list from then on, as a client
     * that fetched it from a dataset does.
     */
    static final class Travelling implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Datasets.Item item;
        private final String owner;

        private Travelling(Datasets.Item item, String owner) {
            this.item = item;
            this.owner = owner;
        }

        /** The form {@code f} travels in; it must be finished (its value is then on the cluster). */
        static Travelling of(Future<?> f) {
            if (!f.released() && !f.done()) {
                throw new DatasetException("a future inside a task's argument must be finished, and '" + f.key()
                        + "' is " + f.status() + ", not finished: wait for it first (result() or Futures.wait), or "
                        + "pass it to the task directly, or in a List, Set, Map or array, and the task gets its value "
                        + "once it is there");
            }
            ClientCore owner = f.client();
            return new Travelling(owner.datasets.item("a future inside a task's argument", f), owner.clientId);
        }

        private Object readResolve() {
            return Client.current().core().datasets.arrive(item, owner);
        }
    }

    /** Writes each future as where its value is. */
    private static final class Output extends ObjectOutputStream {
        boolean futures;

        Output(OutputStream out) throws IOException {
            super(out);
            enableReplaceObject(true);
        }

        @Override
        protected Object replaceObject(Object obj) {
            if (obj instanceof Future<?> f) {
                futures = true;
                return Travelling.of(f);
            }
            return obj;
        }
    }
}
