package io.kindling.client;

import io.kindling.graph.Key;

import java.time.Instant;

/**
 * One step in the life of a key on a client, as {@link Client#story} lists them (Dask's
 * {@code Client.story}): the state it left and the one it reached ({@code waiting},
 * {@code ready}, {@code processing}, {@code memory}, {@code released}, {@code erred},
 * {@code cancelled}, {@code lost}, {@code forgotten}), why, the node it concerned (null if none),
 * and when.
 */
public record Transition(Key key, String from, String to, String why, String node, Instant at) {
    @Override
    public String toString() {
        return at + " '" + key + "' " + from + " -> " + to + " (" + why + (node == null ? "" : ", node " + node) + ")";
    }
}
