package io.kindling.graph.internal;

/**
 * An argument that travels packed and is unpacked where its task runs, just before it runs (in
 * the task's thread, so that what unpacking needs of the node, such as its client, is at hand).
 * The client packs an argument that holds futures inside an object it does not look into.
 */
public interface Packed {
    /** The argument itself, its classes resolved through {@code loader} first (the task function's). */
    Object unpack(ClassLoader loader) throws Exception;
}
