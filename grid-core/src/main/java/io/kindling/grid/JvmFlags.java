package io.kindling.grid;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM flags a child node needs: the {@code --add-opens} list of {@code config/jvm.options},
 * which the build copies into the grid-core jar as {@code kindling/jvm.options}.
 */
public final class JvmFlags {
    private JvmFlags() {
    }

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
