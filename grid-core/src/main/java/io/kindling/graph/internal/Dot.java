package io.kindling.graph.internal;

import io.kindling.graph.Graph;
import io.kindling.graph.Key;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Draws a graph with Graphviz: DOT text always, SVG when the {@code dot} program is on the PATH.
 * Tasks are boxes labelled with their function; each edge points from a dependency to its reader.
 */
public final class Dot {
    private Dot() {
    }

    /** The graph as DOT text. */
    public static String toDot(Graph graph) {
        StringBuilder sb = new StringBuilder("digraph kindling {\n  rankdir=BT;\n  node [shape=box, style=rounded];\n");
        for (int i = 0; i < graph.size(); i++) {
            Key key = graph.taskAt(i).key();
            sb.append("  \"").append(escape(key.toString())).append("\" [label=\"")
                    .append(escape(Tokens.functionName(graph.taskAt(i).function()))).append("\", tooltip=\"")
                    .append(escape(key.toString())).append("\"];\n");
        }
        for (int i = 0; i < graph.size(); i++) {
            for (int d = 0; d < graph.dependencyCount(i); d++) {
                sb.append("  \"").append(escape(graph.taskAt(graph.dependencyAt(i, d)).key().toString()))
                        .append("\" -> \"").append(escape(graph.taskAt(i).key().toString())).append("\";\n");
            }
        }
        return sb.append("}\n").toString();
    }

    /**
     * Writes {@code graph} to {@code file} as DOT and, when Graphviz's {@code dot} is on the
     * PATH, beside it as SVG (the same name ending in {@code .svg}). Returns the SVG file if one
     * was written, else the DOT file.
     */
    public static Path write(Graph graph, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, toDot(graph), StandardCharsets.UTF_8);
            String name = file.getFileName().toString();
            Path svg = file.resolveSibling((name.endsWith(".dot") ? name.substring(0, name.length() - 4) : name) + ".svg");
            return renderSvg(file, svg) ? svg : file;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the graph to " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean renderSvg(Path dotFile, Path svg) {
        try {
            Process p = new ProcessBuilder(List.of("dot", "-Tsvg", "-o", svg.toString(), dotFile.toString()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false; // no dot on the PATH: DOT alone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
