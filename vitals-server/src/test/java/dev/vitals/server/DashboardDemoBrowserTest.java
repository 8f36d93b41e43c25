package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.server.cli.LoadgenCommand;
import dev.vitals.server.cli.VitalsCli;
import dev.vitals.server.config.VitalsConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import picocli.CommandLine;

/**
 * After a real (accelerated) demo run and real quality data, the dashboard in a real Chromium draws
 * the server's own anomalies, the latency band as it was at each interval, one quality chart per unit
 * family with single points visible, currency axes with their {@code $}, tiles coloured against their
 * baselines and the SLO, the SLO panel, spend by API key, and lets evaluation-only models be picked.
 * Nothing is injected into the page. Screenshots: {@code target/dashboard-demo.png},
 * {@code target/dashboard-demo-fraud.png} and {@code target/drift-report.png} (the HTML drift report).
 */
// a demo run, then a browser: minutes on a loaded 2-core machine, seconds on an idle one
@org.junit.jupiter.api.Timeout(value = 180, unit = java.util.concurrent.TimeUnit.SECONDS)
class DashboardDemoBrowserTest {
    private static final String KEY = "vk-demo-secret-0123456789abcdef";
    private static final String ADMIN = "demo-admin-token-0123456789";

    private static void demoServer(VitalsConfig cfg) {
        cfg.dashboard.stepMillis = 400;
        cfg.anomalies.warmUp = 8;
        cfg.anomalies.consecutive = 2;
        cfg.anomalies.minVolume = 1;
        cfg.drift.evaluateSeconds = 1;
        cfg.server.adminToken = ADMIN;
        cfg.auth.enabled = true;
        VitalsConfig.ConfiguredKey k = new VitalsConfig.ConfiguredKey();
        k.name = "team-demo";
        k.keyEnv = "DEMO_KEY";
        k.budgetUsd = 50.0;
        cfg.auth.keys.add(k);
        cfg.quality.binaryModels.put("fraud-v3", List.of("legit", "fraud"));
        ServerFixture.sim(cfg).latencyMin = 0.001;
        ServerFixture.sim(cfg).latencyMax = 0.01;
        ServerFixture.sim(cfg).interTokenDelay = 0.0;
        ServerFixture.sim(cfg).timeToFirstToken = 0.001;
    }

    @Test
    void afterTheDemoTheDashboardShowsRealAnomaliesBandsQualitySloAndSpend() throws Exception {
        String chromium = DashboardBrowserTest.tool("VITALS_CHROMIUM", "/usr/bin/chromium");
        String chromedriver = DashboardBrowserTest.tool("VITALS_CHROMEDRIVER", "/usr/bin/chromedriver");
        DashboardBrowserTest.requireBrowser(chromium, chromedriver);
        Path target = Path.of("target");
        Files.createDirectories(target);
        Path profile = Files.createTempDirectory("vitals-chromium");
        try (ServerFixture f = ServerFixture.start(DashboardDemoBrowserTest::demoServer, Map.of("DEMO_KEY", KEY))) {
            LoadgenCommand gen = new LoadgenCommand();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            new CommandLine(gen).parseArgs("--rps", "50", "--api-key", KEY, "--admin-token", ADMIN, "--spike-latency", "0.6",
                    "--summary-wait", "30", "--quiet");
            gen.output(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            LoadgenCommand.Summary demo = gen.run(f.uri("/"));
            assertThat(demo.anomalySignals()).as(String.join("\n", demo.lines())).contains("error_ratio");
            quality(f);
            f.server.quality().sampleHistory(System.currentTimeMillis()); // one point of history: drawn as a point

            WebDriver driver = DashboardBrowserTest.driver(chromium, chromedriver, profile);
            try {
                // auth is on: the page and its data need a key (or the metrics credentials); the browser sends the
                // team's key on every request, as a reverse proxy in front of the dashboard would
                ((org.openqa.selenium.chromium.ChromiumDriver) driver).executeCdpCommand("Network.enable", Map.of());
                ((org.openqa.selenium.chromium.ChromiumDriver) driver).executeCdpCommand("Network.setExtraHTTPHeaders",
                        Map.of("headers", Map.of("authorization", "Bearer " + KEY)));
                JavascriptExecutor js = (JavascriptExecutor) driver;
                driver.manage().window().setSize(new Dimension(1280, 2400));
                driver.get(f.uri("/ui/?model=mock-llm-v1&range=15m&refresh=2").toString());
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(40), Duration.ofMillis(200));
                wait.withMessage(() -> "the dashboard never drew the demo: " + DashboardBrowserTest.chartStates(js))
                        .until(x -> DashboardBrowserTest.points(js, "latency") > 2 && DashboardBrowserTest.seriesCount(js, "latency") == 1 + 6);

                // the server's own anomalies: counted, coloured, listed and shaded
                int open = Integer.parseInt(DashboardBrowserTest.text(driver, "tile-anomalies_open"));
                List<?> listed = (List<?>) js.executeScript("return Array.from(document.querySelectorAll('#anomaly-list li')).map(l => l.textContent)");
                assertThat(String.join("\n", listed.stream().map(String::valueOf).toList())).contains("error_ratio", "mock-llm-v1");
                assertThat(driver.findElement(By.id("tile-anomalies_open")).findElement(By.xpath("..")).getDomAttribute("data-level"))
                        .isEqualTo(open > 0 ? "bad" : "ok");
                // the band as it was at each interval: real values that move, none before the warm-up ended
                List<?> high = (List<?>) js.executeScript("const u = window.vitalsCharts.latency;"
                        + "const i = u.series.findIndex(s => s.label === 'p95 baseline high'); return u.data[i];");
                List<Double> band = high.stream().filter(v -> v != null).map(v -> ((Number) v).doubleValue()).toList();
                assertThat(band).hasSizeGreaterThan(3);
                assertThat(band.stream().distinct().count()).as("a band that follows the baseline").isGreaterThan(1);
                assertThat(high.get(0)).as("no band before the server knew a baseline").isNull();
                // tiles against their baseline: the change is written out
                assertThat(DashboardBrowserTest.text(driver, "delta-latency_p95")).containsPattern("[+−][0-9.]+% vs baseline");
                // the error ratio in points against its baseline and against the SLO's allowed 0.1%
                assertThat(DashboardBrowserTest.text(driver, "delta-error_ratio")).containsPattern("[+−][0-9.]+ pts vs baseline")
                        .contains("the SLO (0.1%)");
                // currency axes keep their sign, and the axis is wide enough for the longest label
                List<?> costLabels = (List<?>) js.executeScript("return window.vitalsCharts.cost.axes[1]._values");
                assertThat(costLabels).isNotEmpty().allSatisfy(v -> assertThat(String.valueOf(v)).startsWith("$"));
                Boolean fits = (Boolean) js.executeScript("const u = window.vitalsCharts.cost; const a = u.axes[1];"
                        + "u.ctx.font = '12px system-ui, sans-serif';"
                        + "return a._values.every(v => u.ctx.measureText(String(v)).width + 8 <= a._size);");
                assertThat(fits).as("cost axis labels fit").isTrue();
                // SLO panel: the error burst shows in the availability objective
                wait.until(x -> "1".equals(js.executeScript("return document.getElementById('slo').getAttribute('data-filled')")));
                String slo = (String) js.executeScript("return document.getElementById('slo').textContent");
                assertThat(slo).contains("Availability", "99.90%", "Latency", "99.00%", "×");
                assertThat((Long) js.executeScript("return document.querySelectorAll('#slo td.bad').length")).isPositive();
                // spend by API key
                String spend = (String) js.executeScript("return document.getElementById('spend').textContent");
                assertThat(spend).contains("team-demo", "$50.00");
                // the LLM score of this model: its own chart, with model and score name, a single point drawn
                wait.until(x -> DashboardBrowserTest.points(js, "quality-scale") > 0);
                assertThat(DashboardBrowserTest.seriesLabels(js, "quality-scale")).containsExactly("mock-llm-v1 helpfulness (human)");
                // the code evaluators' scores of the demo's calls (0 to 1) are ratios, beside accuracy and rates
                wait.until(x -> DashboardBrowserTest.seriesLabels(js, "quality-ratio").stream().anyMatch(l -> l.endsWith("(code)")));
                assertThat((Long) js.executeScript("const u = window.vitalsCharts['quality-scale'];"
                        + "return u.series[1].points.filter(u, 1).length")).as("a lone point is drawn").isEqualTo(1L);
                Number span = (Number) js.executeScript("const u = window.vitalsCharts['quality-scale']; return u.scales.x.max - u.scales.x.min");
                assertThat(span.doubleValue()).as("a lone point keeps the dashboard's range on its time axis").isBetween(800.0, 1000.0);
                DashboardBrowserTest.save(driver, target.resolve("dashboard-demo.png"));

                // every model the server knows can be picked, evaluation-only ones included
                Select model = new Select(driver.findElement(By.id("model")));
                assertThat(model.getOptions().stream().map(o -> o.getDomProperty("value")).toList())
                        .contains("*", "mock-llm-v1", "fraud-v3", "price");
                model.selectByValue("*");
                wait.until(x -> DashboardBrowserTest.points(js, "quality-ratio") > 0 && DashboardBrowserTest.points(js, "quality-error") > 0
                        && "*".equals(DashboardBrowserTest.attr(js, "quality-ratio", "data-model")));
                assertThat(DashboardBrowserTest.seriesLabels(js, "quality-ratio")).contains("fraud-v3 accuracy", "fraud-v3 roc_auc")
                        .noneMatch(l -> l.contains("rmse") || l.contains("helpfulness"));
                assertThat(DashboardBrowserTest.seriesLabels(js, "quality-error")).containsExactly("price rmse");
                model.selectByValue("fraud-v3");
                wait.until(x -> "fraud-v3".equals(DashboardBrowserTest.attr(js, "quality-ratio", "data-model"))
                        && DashboardBrowserTest.points(js, "quality-ratio") > 0);
                assertThat(DashboardBrowserTest.text(driver, "problem")).isEmpty(); // no silent fall back to all models
                assertThat(DashboardBrowserTest.attr(js, "traffic", "data-model")).isEqualTo("fraud-v3");
                DashboardBrowserTest.save(driver, target.resolve("dashboard-demo-fraud.png"));
                DashboardBrowserTest.assertNoBrowserErrors(driver, "the dashboard after the demo");

                // the drift report of the CLI, in the same browser
                Path report = driftReport(target);
                driver.get(report.toUri().toString());
                // per-column statistics of both files, the new category flagged, p-values apart from distances
                assertThat(driver.getPageSource()).contains("<th class=\"num\">p-value</th><th class=\"num\">Distance</th>")
                        .contains("<th class=\"num\">Median</th>").contains("<b>New in current:</b> <code>IT</code>");
                assertThat((Long) js.executeScript("return document.querySelectorAll('table.stats').length")).isEqualTo(3L);
                DashboardBrowserTest.save(driver, target.resolve("drift-report.png"));
            } finally {
                driver.quit();
                DashboardBrowserTest.deleteTree(profile);
            }
        }
    }

    /** Evaluations of a binary classifier and a regressor, and a human score of one gateway call. */
    private static void quality(ServerFixture f) throws Exception {
        JsonArray records = new JsonArray();
        for (int i = 0; i < 40; i++) {
            boolean fraud = i % 4 == 0;
            records.add(new JsonObject().put("model", "fraud-v3").put("actual", fraud ? "fraud" : "legit")
                    .put("predicted", i % 5 == 0 ? "fraud" : "legit").put("score", fraud ? 0.7 : 0.2 + (i % 3) * 0.1));
            records.add(new JsonObject().put("model", "price").put("actual", 10.0 + i).put("predicted", 10.5 + i));
        }
        HttpResponse<String> ev = post(f, "/v1/evaluations", new JsonObject().put("records", records));
        assertThat(ev.statusCode()).as(ev.body()).isEqualTo(200);
        HttpResponse<String> call = post(f, "/v1/chat/completions", new JsonObject().put("model", "mock-llm-v1")
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hello"))));
        String id = call.headers().firstValue("x-request-id").orElseThrow();
        JsonObject fb = new JsonObject().put("request_id", id).put("feedback_id", "fb-1")
                .put("scores", new JsonArray().add(new JsonObject().put("name", "helpfulness").put("value", 4).put("source", "human")));
        long deadline = System.nanoTime() + 10_000_000_000L;
        HttpResponse<String> r = post(f, "/v1/feedback", fb);
        while (r.statusCode() == 404 && System.nanoTime() < deadline) { // the call reaches the store within 500 ms
            Thread.sleep(200);
            r = post(f, "/v1/feedback", fb);
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static HttpResponse<String> post(ServerFixture f, String path, JsonObject body) throws Exception {
        return f.http.send(HttpRequest.newBuilder(f.uri(path)).header("content-type", "application/json")
                .header("authorization", "Bearer " + KEY).POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code vitals drift --html} on two small files with a shifted numeric column and a new category. */
    private static Path driftReport(Path target) throws Exception {
        Path dir = Files.createTempDirectory("vitals-drift");
        StringBuilder ref = new StringBuilder("age,country,income\n");
        StringBuilder cur = new StringBuilder("age,country,income\n");
        for (int i = 0; i < 400; i++) {
            ref.append(30 + i % 20).append(',').append(i % 2 == 0 ? "FR" : "DE").append(',').append(i % 7 == 0 ? "" : 1000 + i).append('\n');
            cur.append(38 + i % 25).append(',').append(i % 3 == 0 ? "IT" : i % 2 == 0 ? "FR" : "DE").append(',').append(1000 + i).append('\n');
        }
        Files.writeString(dir.resolve("reference.csv"), ref);
        Files.writeString(dir.resolve("current.csv"), cur);
        Path html = target.toAbsolutePath().resolve("drift-report.html");
        int code = new CommandLine(new VitalsCli()).execute("drift", dir.resolve("reference.csv").toString(),
                dir.resolve("current.csv").toString(), "--html", html.toString());
        assertThat(code).isZero();
        return html;
    }
}
