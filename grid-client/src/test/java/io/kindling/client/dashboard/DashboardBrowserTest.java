package io.kindling.client.dashboard;

import io.kindling.Delayed;
import io.kindling.client.Client;
import io.kindling.client.Future;
import io.kindling.client.LocalCluster;
import io.kindling.client.TaskStream;
import io.kindling.client.TaskStreamFeed;
import io.kindling.grid.internal.Outcome;
import io.kindling.grid.internal.Ports;
import io.kindling.grid.dashboard.Dashboard;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import static io.kindling.Delayed.delayed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard in a real browser: headless Chromium, driven by chromedriver through Selenium,
 * watches {@code /status} while a graph runs on a two-node cluster, and must show a task-stream
 * bar for every task and a workers row for every node. Screenshots go to {@code target/} for
 * people to look at. Needs Debian's {@code chromium} and {@code chromium-driver}, which
 * {@code bin/kindling-test} installs; without them this test fails rather than skips.
 */
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final int LEAVES = 48;

    /** Selenium warns that it has no DevTools protocol for this Chromium; nothing here uses it. */
    private static final Logger SELENIUM_LOG = Logger.getLogger("org.openqa.selenium");

    @TempDir
    static Path profile;

    private static LocalCluster cluster;
    private static Client client;
    private static Dashboard dashboard;
    private static ChromeDriverService service;
    private static WebDriver browser;
    private static WebDriverWait wait;

    /** A task that takes a visible while: 30 ms. */
    public static int slowInc(int x) throws InterruptedException {
        Thread.sleep(30);
        return x + 1;
    }

    /** 20 ms. */
    public static int slowAdd(int a, int b) throws InterruptedException {
        Thread.sleep(20);
        return a + b;
    }

    @BeforeAll
    static void start() throws IOException {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "this test needs " + CHROMIUM
                + " and " + CHROMEDRIVER + ": apt-get install chromium chromium-driver (bin/kindling-test does)");
        SELENIUM_LOG.setLevel(Level.SEVERE);
        cluster = LocalCluster.builder().nodes(2).threads(2).dashboard(false).start();
        client = Client.of(cluster);
        dashboard = Dashboard.start(cluster.ignite(), "127.0.0.1", Ports.freeBlock(20));
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options());
        wait = new WebDriverWait(browser, Duration.ofSeconds(60), Duration.ofMillis(200));
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.quit();
            }
            if (service != null) {
                service.stop();
            }
        } finally {
            if (dashboard != null) {
                dashboard.close();
            }
            if (client != null) {
                client.close();
            }
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    void status_showsABarForEveryTaskAndARowForEveryNode_whileAGraphRuns() throws IOException {
        browser.get(dashboard.url());
        List<Delayed<Integer>> level = new ArrayList<>();
        for (int i = 0; i < LEAVES; i++) {
            level.add(delayed(DashboardBrowserTest::slowInc, i));
        }
        Set<String> keys = new HashSet<>();
        Delayed<Integer> total = tree(level, keys);
        Future<Integer> result = client.compute(total);

        wait.withMessage(() -> "bars for all " + keys.size() + " tasks; the page shows " + barKeys().size())
                .until(b -> barKeys().containsAll(keys));
        assertEquals(LEAVES * (LEAVES + 1) / 2, result.result());
        Set<String> nodes = Set.copyOf(client.nodes());
        wait.withMessage(() -> "a workers row for each of " + nodes).until(b -> rowNodes().equals(nodes));
        assertTrue(barFunctions().containsAll(Set.of("slowInc", "slowAdd")), barFunctions()::toString);
        String hovered = total.key().toString();
        wait.withMessage(() -> "a tooltip naming the key, function, duration and node of the bar under the pointer")
                .ignoring(StaleElementReferenceException.class).until(b -> {
                    new Actions(b).moveToElement(b.findElement(By.cssSelector("rect.bar[data-key='" + hovered + "']")))
                            .perform();
                    String tip = b.findElement(By.cssSelector("#stream .tip")).getText();
                    return tip.contains(hovered) && tip.contains("slowAdd") && tip.contains(" ms")
                            && nodes.stream().anyMatch(tip::contains);
                });
        screenshot("dashboard-status.png");

        browser.get(dashboard.url().replace("/status", "/graph"));
        wait.withMessage(() -> "the graph of the recent tasks")
                .until(b -> count("#tasks g.task") >= keys.size() && count("#functions g.fn[data-function='slowInc']") == 1
                        && count("#functions g.fn[data-function='slowAdd']") == 1);
        screenshot("dashboard-graph.png");

        browser.get(dashboard.url().replace("/status", "/tasks"));
        wait.withMessage(() -> "the longer task stream").until(b -> barKeys().containsAll(keys));
        screenshot("dashboard-tasks.png");

        browser.get(dashboard.url().replace("/status", "/workers"));
        wait.withMessage(() -> "the workers page").until(b -> rowNodes().equals(nodes));
        screenshot("dashboard-workers.png");
        result.release();
    }

    @Test
    void taskStreamReport_drawsABarForEveryRecordedTask_withoutANetwork() throws IOException {
        Path report = Path.of("target", "task-stream-report.html").toAbsolutePath();
        Set<String> keys = new HashSet<>();
        try (TaskStream stream = TaskStream.record()) {
            for (List<Outcome> batch : RealOutcomes.run(cluster.ignite(), 25)) {
                TaskStreamFeed.observe(batch);
                batch.forEach(o -> keys.add(o.key().toString()));
            }
            stream.saveHtml(report, "Kindling task stream (DashboardBrowserTest)");
        }
        browser.get(report.toUri().toString());
        wait.withMessage(() -> "a bar for each of the " + keys.size() + " tasks in the report")
                .until(b -> barKeys().equals(keys));
        assertEquals(1, count("table.grid tr[data-function='inc']"));
        screenshot("task-stream-report.png");
    }

    /** A binary tree of slowAdd over {@code level}; every key goes to {@code keys}. */
    private static Delayed<Integer> tree(List<Delayed<Integer>> level, Set<String> keys) {
        level.forEach(d -> keys.add(d.key().toString()));
        while (level.size() > 1) {
            List<Delayed<Integer>> next = new ArrayList<>();
            for (int i = 0; i + 1 < level.size(); i += 2) {
                Delayed<Integer> sum = delayed(DashboardBrowserTest::slowAdd, level.get(i), level.get(i + 1));
                keys.add(sum.key().toString());
                next.add(sum);
            }
            if (level.size() % 2 == 1) {
                next.add(level.get(level.size() - 1));
            }
            level = next;
        }
        return level.get(0);
    }

    private static ChromeOptions options() throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1440,1000",
                "--user-data-dir=" + Files.createDirectories(profile.resolve("chromium")));
        return options;
    }

    private static Set<String> barKeys() {
        return strings("return Array.from(document.querySelectorAll('rect.bar[data-key]'), r => r.dataset.key)");
    }

    private static Set<String> barFunctions() {
        return strings("return Array.from(document.querySelectorAll('rect.bar'), r => r.dataset.function)");
    }

    private static Set<String> rowNodes() {
        return strings("return Array.from(document.querySelectorAll('table.workers tr[data-node]'), r => r.dataset.node)");
    }

    private static long count(String selector) {
        return ((Number) ((JavascriptExecutor) browser).executeScript(
                "return document.querySelectorAll(arguments[0]).length", selector)).longValue();
    }

    private static Set<String> strings(String script) {
        Set<String> out = new HashSet<>();
        for (Object o : (List<?>) ((JavascriptExecutor) browser).executeScript(script)) {
            out.add(String.valueOf(o));
        }
        return out;
    }

    private static void screenshot(String name) throws IOException {
        File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
