package io.kindling.dist;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/kindling-multihost} of the distribution: three hosts in network namespaces of their
 * own, the tutorial from a fourth with the thick and the thin client, everything torn down after.
 * Skipped, saying why, where the machine cannot create namespaces (no root).
 */
class MultiHostTest {
    private static final String SUBNET = "10.77.0";

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void threeHostsInNamespaces_runTheTutorialThickAndThin_andLeaveNothing() throws Exception {
        Path script = Path.of(System.getProperty("kindling.dist")).resolve("bin/kindling-multihost");
        assertTrue(Files.isExecutable(script), "no " + script);
        Run check = run(List.of(script.toString(), "--check"), 60);
        Assumptions.assumeTrue(check.status != 3, () -> "skipped: this machine cannot run network namespaces: " + check.out);
        assertEquals(0, check.status, check.out);

        Run run;
        List<String> left;
        try {
            run = run(List.of(script.toString(), "--subnet", SUBNET), 360);
        } finally {
            left = removeLeftovers("kindling-" + lastPid + "-");
        }
        String out = run.out;
        assertEquals(0, run.status, out);
        assertTrue(out.contains("host1: bin/kindling-server -Dkindling.host=" + SUBNET + ".1 -Dkindling.discovery.addresses="
                + SUBNET + ".1:47500..47502," + SUBNET + ".2:47500..47502," + SUBNET + ".3:47500..47502"), out);
        for (int host = 1; host <= 3; host++) {
            assertTrue(out.contains("thin client    " + SUBNET + "." + host + ":10800"), out);
        }
        // Both tutorials ran on the three hosts, each printing every step's result.
        assertEquals(2, count(out, "3 workers, 6 threads, 3.0 GiB for data"), out);
        assertEquals(2, count(out, "delayed add(inc(6), dec(7)), computed: 13"), out);
        assertEquals(2, count(out, "submit(sum, those futures): 20"), out);
        assertTrue(out.contains("Client(" + SUBNET + ".1:10800," + SUBNET + ".2:10800," + SUBNET + ".3:10800: 3 workers"), out);
        assertTrue(Pattern.compile("client \\S+ joined; the cluster has 3 servers, 1 client").matcher(out).find(), out);

        // Nothing of the run is left: no namespace of its pid, no process bound to its addresses.
        assertTrue(out.contains("namespaces kindling-" + run.pid + "-host1"), out);
        assertTrue(left.isEmpty(), "the script left namespaces behind: " + left);
        assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine()
                .map(c -> c.contains("-Dkindling.host=" + SUBNET + ".")).orElse(false)), "a process of the run is left");
    }

    private record Run(long pid, int status, String out) {
    }

    /** The process {@link #run} started last, so that a run that failed can still be cleaned up after. */
    private long lastPid = -1;

    /**
     * Runs a command to its end within {@code seconds}; past that, SIGTERM (the script tears down
     * on it), then SIGKILL.
     */
    private Run run(List<String> command, long seconds) throws Exception {
        Process p = new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true).start();
        lastPid = p.pid();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output unreadable: " + e + ")";
            }
        });
        try {
            boolean ended = p.waitFor(seconds, TimeUnit.SECONDS);
            if (!ended) {
                p.destroy();
                p.waitFor(60, TimeUnit.SECONDS);
            }
            String text = out.get(30, TimeUnit.SECONDS);
            assertTrue(ended, "did not end in " + seconds + " s: " + command + "\n" + text);
            return new Run(p.pid(), p.exitValue(), text);
        } finally {
            p.destroyForcibly();
            p.onExit().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * The namespaces whose names start with {@code prefix}, which a script killed before its
     * teardown would leave: kills what runs in them and deletes them, returning their names.
     */
    private List<String> removeLeftovers(String prefix) throws Exception {
        List<String> left = new ArrayList<>();
        for (String line : run(List.of("ip", "netns", "list"), 30).out.split("\n")) {
            String name = line.split(" ")[0];
            if (name.startsWith(prefix)) {
                left.add(name);
                for (String pid : run(List.of("ip", "netns", "pids", name), 30).out.trim().split("\\s+")) {
                    if (!pid.isBlank()) {
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                run(List.of("ip", "netns", "delete", name), 30);
            }
        }
        return left;
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
