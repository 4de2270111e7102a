package io.kindling.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.PreInterruptCallback;
import org.junit.jupiter.api.extension.PreInterruptContext;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * When a test outlives its timeout (the build sets one for every test), writes the stacks of every
 * thread of the test JVM to {@code target/hang-dumps/} before JUnit interrupts it, so that a hang in
 * CI shows where it waited: {@code bin/kindling-test} prints these files when the build fails.
 * Registered for every test through {@code META-INF/services}.
 */
public final class HangDump implements PreInterruptCallback {
    @Override
    public void beforeThreadInterrupt(PreInterruptContext interrupt, ExtensionContext context) throws IOException {
        StringBuilder out = new StringBuilder();
        out.append("Timeout of ").append(context.getUniqueId()).append("; stacks before interrupting ")
                .append(interrupt.getThreadToInterrupt().getName()).append(":\n\n");
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            out.append('"').append(t.getThreadName()).append("\" ").append(t.getThreadState());
            if (t.getLockName() != null) {
                out.append(" on ").append(t.getLockName());
            }
            if (t.getLockOwnerName() != null) {
                out.append(" owned by \"").append(t.getLockOwnerName()).append('"');
            }
            out.append('\n');
            for (StackTraceElement e : t.getStackTrace()) {
                out.append("    at ").append(e).append('\n');
            }
            out.append('\n');
        }
        Path dir = Path.of("target", "hang-dumps");
        Files.createDirectories(dir);
        String name = context.getRequiredTestClass().getSimpleName() + "." + context.getTestMethod().map(m -> m.getName()).orElse("class");
        Files.writeString(dir.resolve(name + "-" + System.currentTimeMillis() + ".txt"), out, StandardCharsets.UTF_8);
        System.out.print(out);
    }
}
