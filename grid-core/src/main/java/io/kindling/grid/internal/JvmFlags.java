package io.kindling.grid.internal;

import io.kindling.grid.MissingJvmFlagsException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM flags a node needs: the {@code --add-opens} list of {@code config/jvm.options}, which the
 * build copies into the grid-core jar as {@code kindling/jvm.options}. Without them Ignite fails at
 * start with an {@code ExceptionInInitializerError} deep in its own code; {@link #require} says
 * instead which flags are missing and where they are listed.
 */
public final class JvmFlags {
    private JvmFlags() {
    }

    /**
     * Throws {@link MissingJvmFlagsException} if this JVM lacks flags of the list; {@code what}
     * names what was about to start ("the local cluster", "this server node").
     */
    public static void require(String what) {
        List<String> flags = addOpens();
        List<String> missing = missing(flags);
        if (!missing.isEmpty()) {
            throw new MissingJvmFlagsException("Ignite needs " + flags.size() + " JVM flags on Java 17 and later, "
                    + "and this JVM lacks " + missing.size() + " of them (the first: " + missing.get(0) + "), so "
                    + what + " cannot start. Start java with @config/jvm.options (the list, in Kindling's "
                    + "directory; also in the grid-core jar as kindling/jvm.options), or put its lines in the "
                    + "environment variable JDK_JAVA_OPTIONS; under Maven, in Surefire's argLine for tests or in "
                    + "MAVEN_OPTS for exec:java", missing);
        }
    }

    /** The flags of {@code flags} not in effect: the packages they open are not open to Kindling's code. */
    public static List<String> missing(List<String> flags) {
        Module kindling = JvmFlags.class.getModule();
        List<String> out = new ArrayList<>();
        for (String flag : flags) {
            // --add-opens=MODULE/PACKAGE=TARGETS
            String spec = flag.startsWith("--add-opens=") ? flag.substring("--add-opens=".length()) : null;
            int slash = spec == null ? -1 : spec.indexOf('/');
            int equals = spec == null ? -1 : spec.indexOf('=', slash + 1);
            if (slash < 0 || equals < 0) {
                continue;
            }
            String module = spec.substring(0, slash);
            String pkg = spec.substring(slash + 1, equals);
            boolean open = ModuleLayer.boot().findModule(module).map(m -> m.isOpen(pkg, kindling)).orElse(true);
            if (!open) {
                out.add(flag);
            }
        }
        return out;
    }

    /**
     * The garbage collector's setting of a node JVM ({@code bin/kindling-server} passes the same):
     * G1 may spend up to a fifth of its time collecting (its default is 1/13) before it grows the
     * heap. A node's large values arrive and leave as objects of tens of megabytes, each collection
     * of which takes a few milliseconds; under the default, G1 grew a node's heap to 550-960 MB
     * holding one 100 MB value, and with this to 400 MB (peak resident 550-660 MiB against
     * 740-1,220 in the same hour), scatters as fast. {@code ExplicitGCInvokesConcurrent}: a node
     * asks for a young collection once large objects it let go of add up ({@link LargeGarbage}),
     * which this makes a pause of milliseconds rather than a full collection.
     */
    public static final List<String> NODE_GC = List.of("-XX:GCTimeRatio=4", "-XX:+ExplicitGCInvokesConcurrent");

    /**
     * The compiler's setting of a node JVM ({@code bin/kindling-server} passes the same): a method
     * is compiled by C2 after three times the invocations and loops it takes by default. Most of
     * what a node runs while it starts (Ignite's start, its join, the first exchanges) runs a few
     * thousand times and never again, and C2 compiling it took about a second of the two cores of
     * a two-node start. With this, two child nodes were ready in 2.7-3.1 s against 3.8-4.4 s (and
     * used 2.5-3.0 s of processor each against 3.6-4.4); what runs for every task still reaches C2
     * within its first tens of thousands of calls.
     */
    public static final List<String> NODE_JIT = List.of("-XX:Tier4InvocationThreshold=15000",
            "-XX:Tier4MinInvocationThreshold=2000", "-XX:Tier4CompileThreshold=45000", "-XX:Tier4BackEdgeThreshold=120000");

    /** The flags of the list, one per line of the file. */
    public static List<String> addOpens() {
        try (InputStream in = JvmFlags.class.getClassLoader().getResourceAsStream("kindling/jvm.options")) {
            if (in == null) {
                throw new IllegalStateException("kindling/jvm.options is missing from the class path: "
                        + "grid-core was not built with its resources");
            }
            List<String> out = new ArrayList<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.add(line.trim());
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
