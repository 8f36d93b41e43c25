package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.vitals.server.config.VitalsConfig;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard page in a real headless Chromium, against a real server with live traffic on two
 * simulated models: every chart draws data, the model selector filters, the controls are reachable by
 * keyboard, a narrow window has one column and no horizontal scrolling, and the browser logs no error.
 * Screenshots: {@code target/dashboard.png}, {@code target/dashboard-narrow.png} (480 px),
 * and {@code target/dashboard-dark.png}; {@link DashboardDemoBrowserTest} draws real anomalies, bands and quality.
 *
 * <p>Needs Chromium and its driver (Debian: {@code apt-get install chromium chromium-driver}) at
 * {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver}, or where {@code VITALS_CHROMIUM} and
 * {@code VITALS_CHROMEDRIVER} say. With {@code CI=true} their absence fails the test; elsewhere it skips.
 * Selenium Manager is never used: the driver's path is explicit, so nothing is downloaded.
 */
class DashboardBrowserTest {
    private static final String MODEL_A = "mock-llm-v1";
    private static final String MODEL_B = "gpt-4o-mini";
    /** A classifier served elsewhere whose ground truth arrives late. */
    private static final String LABELLED = "churn-v2";
    private static final List<String> DATA_CHARTS = List.of("traffic", "latency", "tokens", "cost");
    private static final List<String> QUALITY_CHARTS = List.of("quality-ratio", "quality-scale", "quality-error");

    static String tool(String env, String fallback) {
        String v = System.getenv(env);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    static void requireBrowser(String chromium, String driver) {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(Path.of(chromium))) {
            missing.add("Chromium at " + chromium);
        }
        if (!Files.isExecutable(Path.of(driver))) {
            missing.add("ChromeDriver at " + driver);
        }
        if (missing.isEmpty()) {
            return;
        }
        String msg = "the dashboard browser test needs " + String.join(" and ", missing)
                + " (Debian: apt-get install chromium chromium-driver; or set VITALS_CHROMIUM / VITALS_CHROMEDRIVER)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true: " + msg);
        }
        Assumptions.assumeTrue(false, "skipped: " + msg);
    }

    @Test
    void theDashboardDrawsLiveTrafficFiltersByModelAndLogsNoErrors() throws Exception {
        String chromium = tool("VITALS_CHROMIUM", "/usr/bin/chromium");
        String chromedriver = tool("VITALS_CHROMEDRIVER", "/usr/bin/chromedriver");
        requireBrowser(chromium, chromedriver);
        Path target = Path.of("target");
        Files.createDirectories(target);
        Path profile = Files.createTempDirectory("vitals-chromium");

        try (ServerFixture f = ServerFixture.start(DashboardBrowserTest::twoModels)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger sent = new AtomicInteger();
            Thread traffic = new Thread(() -> traffic(f, stop, sent), "dashboard-traffic");
            traffic.setDaemon(true);
            traffic.start();
            WebDriver driver = null;
            try {
                waitFor("both models in the history", Duration.ofSeconds(20),
                        () -> f.server.sampler().models().containsAll(List.of(MODEL_A, MODEL_B)));
                driver = driver(chromium, chromedriver, profile);
                JavascriptExecutor js = (JavascriptExecutor) driver;
                driver.manage().window().setSize(new Dimension(1280, 1560));
                driver.get(f.uri("/ui/?range=15m&refresh=1").toString());
                WebDriver d = driver;
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(40), Duration.ofMillis(200));

                // every data chart draws points; streams give the time-to-first-token line values
                wait.withMessage(() -> "charts never drew data: " + chartStates(js))
                        .until(x -> DATA_CHARTS.stream().allMatch(id -> points(js, id) > 2)
                                && nonNull(js, "latency", 4) > 0);
                assertThat(driver.getTitle()).isEqualTo("Vitals dashboard");
                for (String id : DATA_CHARTS) {
                    assertThat(attr(js, id, "data-model")).isEqualTo("*");
                    assertThat(attr(js, id, "data-range")).isEqualTo("15m");
                }
                // the cost chart has one line per model plus the total when all models are shown
                wait.until(x -> seriesCount(js, "cost") == 1 + 2 + 1);
                assertThat(seriesLabels(js, "cost")).contains(MODEL_A, MODEL_B, "All models");
                // no quality or drift data yet: their panels say so
                for (String q : QUALITY_CHARTS) {
                    assertThat(attr(js, q, "data-points")).isEqualTo("0");
                    assertThat(panelText(js, q)).contains("No data yet.");
                }
                assertThat(js.executeScript("return document.getElementById('drift-table').getAttribute('data-rows')")).isEqualTo("0");
                // no predictions: no label coverage line
                assertThat(js.executeScript("return document.getElementById('label-coverage').hidden")).isEqualTo(true);
                assertThat((String) js.executeScript("return document.getElementById('drift-table').parentNode.textContent"))
                        .contains("No data yet.").contains("POST /admin/drift/reference"); // and how to get a reference
                // drift data arrives: a reference, then shifted current data for one of two features
                io.vertx.core.json.JsonArray ref = new io.vertx.core.json.JsonArray();
                for (int i = 0; i < 300; i++) {
                    ref.add(new io.vertx.core.json.JsonObject().put("age", 30 + (i % 10)).put("country", i % 2 == 0 ? "FR" : "DE"));
                }
                f.post("/v1/features", new io.vertx.core.json.JsonObject().put("model", MODEL_A).put("records", ref).encode());
                f.server.drift().freeze(MODEL_A);
                io.vertx.core.json.JsonArray cur = new io.vertx.core.json.JsonArray();
                for (int i = 0; i < 900; i++) {
                    cur.add(new io.vertx.core.json.JsonObject().put("age", 60 + (i % 10)).put("country", i % 2 == 0 ? "FR" : "DE"));
                }
                f.post("/v1/features", new io.vertx.core.json.JsonObject().put("model", MODEL_A).put("records", cur).encode());
                f.server.drift().evaluate();
                wait.withMessage(() -> "the drift table never filled")
                        .until(x -> !"0".equals(js.executeScript("return document.getElementById('drift-table').getAttribute('data-rows')")));
                // the drifted feature comes first, highlighted, with a sparkline
                assertThat((String) js.executeScript("return document.querySelector('#drift-table tbody tr').className")).isEqualTo("drifted");
                assertThat((String) js.executeScript("return document.querySelector('#drift-table tbody tr td').textContent"))
                        .startsWith(MODEL_A + " age");
                assertThat((Long) js.executeScript("return document.querySelectorAll('#drift-table svg path').length")).isPositive();
                // tiles show numbers; anomalies are not reported yet
                wait.until(x -> !text(d, "tile-request_rate").equals("—") && !text(d, "tile-latency_p95").equals("—"));
                assertThat(text(driver, "tile-error_ratio")).endsWith("%");
                assertThat(text(driver, "tile-latency_p95")).matches("[0-9.]+ (ms|s)");
                assertThat(text(driver, "tile-cost_per_hour")).startsWith("$");
                assertThat(text(driver, "tile-anomalies_open")).isEqualTo("0"); // the server reports open anomalies
                assertThat(driver.findElement(By.id("anomalies")).isDisplayed()).isFalse();
                // the models come from the API
                Select model = new Select(driver.findElement(By.id("model")));
                wait.until(x -> model.getOptions().size() == 3);
                assertThat(model.getOptions().stream().map(o -> o.getDomProperty("value")).toList())
                        .containsExactly("*", MODEL_B, MODEL_A);
                save(driver, target.resolve("dashboard.png"));

                // keyboard: every control is reachable with Tab and shows a visible focus ring
                List<String> reached = new ArrayList<>();
                js.executeScript("document.activeElement.blur()");
                for (int i = 0; i < 8; i++) {
                    new Actions(driver).sendKeys(Keys.TAB).perform();
                    String id = (String) js.executeScript("return document.activeElement.id");
                    reached.add(id);
                    if (List.of("model", "range", "auto", "now").contains(id)) {
                        String outline = (String) js.executeScript(
                                "return getComputedStyle(document.activeElement).outlineStyle");
                        assertThat(outline).as("focus ring of #" + id).isNotEqualTo("none");
                    }
                }
                assertThat(reached).contains("model", "range", "auto", "now");

                // pick a model: the charts reload with that model's data only
                model.selectByValue(MODEL_B);
                wait.withMessage(() -> "charts never reloaded for " + MODEL_B + ": " + chartStates(js))
                        .until(x -> DATA_CHARTS.stream().allMatch(id -> MODEL_B.equals(attr(js, id, "data-model"))
                                && points(js, id) > 0));
                assertThat((String) js.executeScript("return document.body.getAttribute('data-series-url')"))
                        .contains("model=" + MODEL_B);
                assertThat((String) js.executeScript("return location.search")).contains("model=" + MODEL_B);
                assertThat(seriesLabels(js, "cost")).containsExactly(MODEL_B);
                // the range selector too
                new Select(driver.findElement(By.id("range"))).selectByValue("1h");
                wait.until(x -> DATA_CHARTS.stream().allMatch(id -> "1h".equals(attr(js, id, "data-range"))));
                // auto refresh toggles
                driver.findElement(By.id("auto")).click();
                assertThat(driver.findElement(By.id("auto")).getDomAttribute("aria-pressed")).isEqualTo("false");
                driver.findElement(By.id("auto")).click();
                assertThat(driver.findElement(By.id("auto")).getDomAttribute("aria-pressed")).isEqualTo("true");

                // a narrow window: one column, charts as wide as the window, no horizontal scrolling
                model.selectByValue("*");
                // a 480 px viewport (desktop windows have a larger minimum width, so emulate it)
                ((ChromeDriver) driver).executeCdpCommand("Emulation.setDeviceMetricsOverride",
                        Map.of("width", 480, "height", 2900, "deviceScaleFactor", 1, "mobile", false));
                assertThat(((Number) js.executeScript("return window.innerWidth")).intValue()).isEqualTo(480);
                wait.withMessage(() -> "charts never fit the narrow window: " + chartStates(js))
                        .until(x -> DATA_CHARTS.stream().allMatch(id -> chartWidth(js, id) <= 480 - 20)
                                && "*".equals(attr(js, "traffic", "data-model")));
                assertThat(((Number) js.executeScript(
                        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")).intValue())
                        .isLessThanOrEqualTo(0);
                Number top1 = (Number) js.executeScript("return document.getElementById('chart-traffic').getBoundingClientRect().top");
                Number top2 = (Number) js.executeScript("return document.getElementById('chart-latency').getBoundingClientRect().top");
                assertThat(top2.doubleValue()).as("one column").isGreaterThan(top1.doubleValue() + 100);
                save(driver, target.resolve("dashboard-narrow.png"));
                ((ChromeDriver) driver).executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());

                assertNoBrowserErrors(driver, "the live dashboard");

                driver.get(f.uri("/ui/?range=15m&refresh=1").toString());
                wait.until(x -> DATA_CHARTS.stream().allMatch(id -> points(js, id) > 0));
                // a dark system theme: the page and the charts follow it
                js.executeScript("window.vitalsDarkProbe = window.vitalsCharts.traffic");
                ((ChromeDriver) driver).executeCdpCommand("Emulation.setEmulatedMedia",
                        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
                wait.withMessage(() -> "charts not redrawn in dark colours: " + chartStates(js))
                        .until(x -> Boolean.TRUE.equals(js.executeScript("return window.vitalsCharts.traffic != null"
                                + " && window.vitalsCharts.traffic !== window.vitalsDarkProbe"))
                                && DATA_CHARTS.stream().allMatch(id -> points(js, id) > 0));
                assertThat((String) js.executeScript("return getComputedStyle(document.body).backgroundColor"))
                        .isEqualTo("rgb(16, 19, 24)");
                save(driver, target.resolve("dashboard-dark.png"));
                assertNoBrowserErrors(driver, "the dashboard in dark mode");
                // delayed ground truth of a model served elsewhere: two predictions of a day ago, one actual so far
                long dayAgo = System.currentTimeMillis() - 86_400_000L + 120_000;
                assertThat(f.post("/v1/predictions", new io.vertx.core.json.JsonObject().put("records", new io.vertx.core.json.JsonArray()
                        .add(new io.vertx.core.json.JsonObject().put("model", LABELLED).put("id", "p1").put("predicted", "yes").put("time", dayAgo))
                        .add(new io.vertx.core.json.JsonObject().put("model", LABELLED).put("id", "p2").put("predicted", "no").put("time", dayAgo)))
                        .encode()).statusCode()).isEqualTo(200);
                assertThat(f.post("/v1/actuals", new io.vertx.core.json.JsonObject().put("records", new io.vertx.core.json.JsonArray()
                        .add(new io.vertx.core.json.JsonObject().put("model", LABELLED).put("id", "p1").put("actual", "yes"))).encode())
                        .statusCode()).isEqualTo(200);
                // the quality view shows its label coverage, with the delay
                wait.withMessage(() -> "the label coverage line never showed the actual: " + text(d, "label-coverage"))
                        .until(x -> text(d, "label-coverage").contains("(1 of 2)"));
                assertThat(js.executeScript("return document.getElementById('label-coverage').getAttribute('data-models')")).isEqualTo("1");
                assertThat(text(driver, "label-coverage")).contains(LABELLED + " 50% (1 of 2), mean delay 24 h")
                        .startsWith("Label coverage, predictions of the last 168 h");
                assertNoBrowserErrors(driver, "the label coverage line");
                assertThat(sent.get()).isPositive();
            } finally {
                stop.set(true);
                if (driver != null) {
                    driver.quit();
                }
                traffic.join(5_000);
                deleteTree(profile);
            }
        }
    }

    private static void twoModels(VitalsConfig cfg) {
        cfg.dashboard.stepMillis = 200;
        cfg.defaultModel = MODEL_A;
        List<VitalsConfig.Backend> backends = new ArrayList<>();
        String[][] names = {{"sim-a", MODEL_A}, {"sim-b", MODEL_B}};
        for (int i = 0; i < names.length; i++) {
            VitalsConfig.Backend b = new VitalsConfig.Backend();
            b.name = names[i][0];
            b.type = "simulated";
            b.models = List.of(names[i][1]);
            b.latencyMin = 0.005 + 0.02 * i;
            b.latencyMax = 0.04 + 0.06 * i;
            b.timeToFirstToken = 0.01 + 0.01 * i;
            b.interTokenDelay = 0.0005;
            b.outputTokensMin = 5;
            b.outputTokensMax = 40;
            b.seed = 11L + i;
            backends.add(b);
        }
        cfg.backends = backends;
    }

    /** Successes, failures and streams on both models until stopped, about 40 requests a second. */
    private static void traffic(ServerFixture f, AtomicBoolean stop, AtomicInteger sent) {
        int i = 0;
        while (!stop.get()) {
            try {
                int kind = i++ % 10;
                String model = kind % 2 == 0 ? MODEL_A : MODEL_B;
                String prompt = kind == 3 || kind == 7 ? "this one is an error" : "how are you doing, number " + i;
                if (kind == 0 || kind == 3) {
                    f.post("/generate", new JsonObject().put("prompt", prompt).encode());
                } else {
                    JsonObject body = new JsonObject().put("model", model).put("stream", kind % 3 == 0)
                            .put("messages", new io.vertx.core.json.JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)));
                    f.http.send(HttpRequest.newBuilder(f.uri("/v1/chat/completions")).header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.discarding());
                }
                sent.incrementAndGet();
                Thread.sleep(15);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // the server is closing; the test's own assertions report real problems
            }
        }
    }

    static WebDriver driver(String chromium, String chromedriver, Path profile) {
        System.setProperty("webdriver.chrome.driver", chromedriver);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(chromedriver)).usingAnyFreePort().build();
        ChromeOptions o = new ChromeOptions();
        o.setBinary(chromium);
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-extensions", "--hide-scrollbars", "--force-device-scale-factor=1",
                "--user-data-dir=" + profile.toAbsolutePath());
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        o.setCapability("goog:loggingPrefs", logs);
        return new ChromeDriver(service, o);
    }

    static void assertNoBrowserErrors(WebDriver driver, String what) {
        List<LogEntry> entries = driver.manage().logs().get(LogType.BROWSER).getAll();
        List<String> severe = entries.stream().filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::toString).toList();
        assertThat(severe).as("browser console errors on " + what + " (all entries: " + entries + ")").isEmpty();
    }

    static long points(JavascriptExecutor js, String id) {
        String p = attr(js, id, "data-points");
        return p == null ? 0 : Long.parseLong(p);
    }

    static String attr(JavascriptExecutor js, String id, String name) {
        return (String) js.executeScript("return document.getElementById('chart-' + arguments[0]).getAttribute(arguments[1])", id, name);
    }

    private static long nonNull(JavascriptExecutor js, String id, int series) {
        Object n = js.executeScript("const u = window.vitalsCharts[arguments[0]];"
                + "return u && u.data[arguments[1]] ? u.data[arguments[1]].filter(v => v != null).length : 0", id, series);
        return ((Number) n).longValue();
    }

    static long seriesCount(JavascriptExecutor js, String id) {
        Object n = js.executeScript("const u = window.vitalsCharts[arguments[0]]; return u ? u.series.length : 0", id);
        return ((Number) n).longValue();
    }

    @SuppressWarnings("unchecked")
    static List<String> seriesLabels(JavascriptExecutor js, String id) {
        return (List<String>) js.executeScript(
                "return window.vitalsCharts[arguments[0]].series.slice(1).map(s => s.label)", id);
    }

    private static long chartWidth(JavascriptExecutor js, String id) {
        Object n = js.executeScript("const u = window.vitalsCharts[arguments[0]]; return u ? u.width : 99999", id);
        return ((Number) n).longValue();
    }

    static String panelText(JavascriptExecutor js, String id) {
        return (String) js.executeScript("return document.getElementById('chart-' + arguments[0]).parentNode.textContent", id);
    }

    static String chartStates(JavascriptExecutor js) {
        return String.valueOf(js.executeScript("return Array.from(document.querySelectorAll('.chart')).map(c => c.id + "
                + "' points=' + c.getAttribute('data-points') + ' model=' + c.getAttribute('data-model')).join(', ') + "
                + "' | ' + document.getElementById('updated').textContent + ' ' + document.getElementById('problem').textContent"));
    }

    static String text(WebDriver d, String id) {
        return d.findElement(By.id(id)).getText().trim();
    }

    static void save(WebDriver driver, Path file) throws Exception {
        File shot = ((ChromeDriver) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void waitFor(String what, Duration timeout, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    static void deleteTree(Path root) {
        try (var s = Files.walk(root)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception e) {
            // a temporary profile; the OS cleans up what is left
        }
    }
}
