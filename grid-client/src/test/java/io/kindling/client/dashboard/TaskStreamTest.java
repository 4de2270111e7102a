package io.kindling.client.dashboard;

import io.kindling.client.Client;
import io.kindling.client.Future;
import io.kindling.client.LocalCluster;
import io.kindling.client.TaskStream;
import io.kindling.client.TaskStreamFeed;
import io.kindling.grid.internal.Outcome;
import io.kindling.grid.dashboard.TaskEvent;
import io.kindling.testing.Ops;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TaskStream}: recording a scope's task stream and saving it as one self-contained HTML file. */
class TaskStreamTest {
    private static LocalCluster cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        cluster = LocalCluster.builder().nodes(2).threads(2).start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void record_keepsEveryOutcomeObservedWhileOpen_withKeyFunctionNodeThreadStartAndStop() {
        List<List<Outcome>> batches = RealOutcomes.run(cluster.ignite(), 10);
        List<Outcome> all = batches.stream().flatMap(List::stream).toList();
        TaskStream stream;
        try (TaskStream s = TaskStream.record()) {
            stream = s;
            batches.forEach(TaskStreamFeed::observe);
        }
        TaskStreamFeed.observe(batches.get(0));

        assertFalse(stream.recording());
        List<TaskEvent> events = stream.events();
        assertEquals(20, events.size());
        assertEquals(all.stream().map(Outcome::key).collect(Collectors.toSet()),
                events.stream().map(TaskEvent::key).collect(Collectors.toSet()));
        Set<String> nodes = cluster.ignite().cluster().forServers().nodes().stream()
                .map(n -> String.valueOf(n.consistentId())).collect(Collectors.toSet());
        assertEquals(nodes, events.stream().map(TaskEvent::node).collect(Collectors.toSet()));
        for (TaskEvent e : events) {
            assertEquals("inc", e.function());
            assertTrue(!e.thread().isEmpty() && e.ok(), e::toString);
            assertTrue(e.startMillis() <= e.stopMillis(), e::toString);
        }
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i - 1).startMillis() <= events.get(i).startMillis(), "events in order of start");
        }
    }

    @Test
    void scopes_nestAndEachSeesWhatArrivesWhileItIsOpen() {
        List<List<Outcome>> batches = RealOutcomes.run(cluster.ignite(), 3);
        try (TaskStream outer = TaskStream.record()) {
            TaskStreamFeed.observe(batches.get(0));
            try (TaskStream inner = TaskStream.record()) {
                TaskStreamFeed.observe(batches.get(1));
                assertEquals(3, inner.events().size());
            }
            assertEquals(6, outer.events().size());
        }
    }

    @Test
    void saveHtml_writesOneSelfContainedFile_withEveryKeyAndAFunctionTable() throws IOException {
        List<List<Outcome>> batches = RealOutcomes.run(cluster.ignite(), 5);
        Path report = dir.resolve("reports/stream.html");
        try (TaskStream stream = TaskStream.record()) {
            batches.forEach(TaskStreamFeed::observe);
            stream.saveHtml(report, "A <test> report");
        }
        String html = Files.readString(report, StandardCharsets.UTF_8);
        for (List<Outcome> batch : batches) {
            for (Outcome o : batch) {
                assertTrue(html.contains("\"" + o.key() + "\""), "the report names " + o.key());
            }
        }
        assertTrue(html.contains("<title>A &lt;test&gt; report</title>"), "the title, escaped");
        assertTrue(html.contains("<tr data-function=\"inc\">"), "a row of the function table");
        assertFalse(Pattern.compile("<script[^>]*\\bsrc=|<link[^>]*\\bhref=|@import", Pattern.CASE_INSENSITIVE)
                .matcher(html).find(), "no script, style or import from elsewhere");
        Matcher urls = Pattern.compile("https?://[^\\s\"')]*").matcher(html);
        while (urls.find()) {
            assertEquals("http://www.w3.org/2000/svg", urls.group(), "the only URL is the SVG namespace");
        }
    }

    @Test
    void observe_withNoScopeOpen_doesNothing() {
        TaskStreamFeed.observe(RealOutcomes.run(cluster.ignite(), 1).get(0));
        TaskStreamFeed.observe(null);
    }

    @Test
    void record_seesTheTasksOfARealClient() {
        try (Client client = Client.of(cluster); TaskStream stream = TaskStream.record()) {
            List<Future<Integer>> futures = client.pure(false).map(Ops::inc, List.of(1, 2, 3, 4));
            client.gather(futures);
            assertEquals(futures.stream().map(Future::key).collect(Collectors.toSet()),
                    stream.events().stream().map(TaskEvent::key).collect(Collectors.toSet()));
            futures.forEach(Future::release);
        }
    }

    @Test
    void clientTaskStream_seesThatClientsTasksOnly_untilClosed() {
        try (Client mine = Client.of(cluster); Client other = Client.of(cluster)) {
            List<Future<Integer>> own;
            try (TaskStream stream = mine.taskStream()) {
                own = mine.pure(false).map(Ops::inc, List.of(1, 2, 3));
                List<Future<Integer>> theirs = other.pure(false).map(Ops::inc, List.of(10, 20));
                mine.gather(own);
                other.gather(theirs);
                assertEquals(own.stream().map(Future::key).collect(Collectors.toSet()),
                        stream.events().stream().map(TaskEvent::key).collect(Collectors.toSet()));
                theirs.forEach(Future::release);
            }
            TaskStream closed;
            try (TaskStream s = mine.taskStream()) {
                closed = s;
            }
            mine.gather(mine.pure(false).map(Ops::inc, List.of(5)));
            assertEquals(0, closed.size(), "a closed scope records nothing more");
            own.forEach(Future::release);
        }
    }
}
