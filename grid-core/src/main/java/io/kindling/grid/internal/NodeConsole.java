package io.kindling.grid.internal;

import org.apache.ignite.Ignite;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Where each Kindling node of this JVM says what Kindling does on its own (data reclaimed from
 * dead clients, data lost with a server); Ignite's log at info level for a node without one.
 */
public final class NodeConsole {
    private static final Map<String, Consumer<String>> CONSOLES = new ConcurrentHashMap<>();

    private NodeConsole() {
    }

    /** Makes {@code console} the place where the node named {@code igniteName} speaks, until {@link #remove}. */
    public static void register(String igniteName, Consumer<String> console) {
        CONSOLES.put(igniteName, console);
    }

    /** Forgets {@code console} as the node's, if it still is. */
    public static void remove(String igniteName, Consumer<String> console) {
        CONSOLES.remove(igniteName, console);
    }

    /** Says {@code line} on the console of the Kindling node {@code ignite}, if it is one. */
    public static void say(Ignite ignite, String line) {
        Consumer<String> console = CONSOLES.get(ignite.name());
        if (console != null) {
            console.accept(line);
        } else {
            ignite.log().info("Kindling: " + line);
        }
    }
}
