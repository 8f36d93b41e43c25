package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.server.config.ConfigException;
import dev.vitals.server.config.ConfigLoader;
import dev.vitals.server.config.VitalsConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The dashboard's JSON API, the /ui page's files and headers, and the dashboard.stepMillis setting. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardApiTest {
    static final List<String> KEYS = List.of("request_rate", "error_ratio", "latency_p50", "latency_p95", "latency_p99",
            "ttft_p95", "input_tokens_rate", "output_tokens_rate", "tokens_per_request", "cost_per_hour", "cost_per_query");

    private ServerFixture f;

    @BeforeAll
    void start() throws Exception {
        f = ServerFixture.start(cfg -> {
            cfg.dashboard.stepMillis = 200;
            ServerFixture.sim(cfg).latencyMin = 0.005;
            ServerFixture.sim(cfg).latencyMax = 0.02;
            ServerFixture.sim(cfg).seed = 3L;
        });
    }

    @AfterAll
    void stop() throws Exception {
        f.close();
    }

    private JsonObject json(String path) throws Exception {
        HttpResponse<String> r = f.get(path);
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        return new JsonObject(r.body());
    }

    @Test
    void seriesHasOneArrayPerSignalAlignedWithTheTimestamps() throws Exception {
        JsonObject s = json("/v1/dashboard/series");
        assertThat(s.getString("model")).isEqualTo("*");
        assertThat(s.getString("range")).isEqualTo("1h");
        assertThat(s.getLong("step_ms")).isPositive();
        JsonArray ts = s.getJsonArray("timestamps");
        assertThat(s.getJsonArray("volume")).hasSize(ts.size());
        assertThat(s.getJsonObject("series").fieldNames()).containsExactlyInAnyOrderElementsOf(KEYS);
        assertThat(s.getJsonObject("units").fieldNames()).containsExactlyInAnyOrderElementsOf(KEYS);
        for (String k : KEYS) {
            JsonArray a = s.getJsonObject("series").getJsonArray(k);
            assertThat(a).as(k).hasSize(ts.size());
            a.forEach(v -> assertThat(v == null || v instanceof Number).as(k + " holds numbers or null").isTrue());
        }
        assertThat(s.getJsonObject("units").getString("latency_p95")).isEqualTo("s");
        assertThat(s.getJsonObject("units").getString("cost_per_hour")).isEqualTo("USD/h");
        assertThat(s.getJsonArray("models")).isNotNull();
    }

    @Test
    void everyRangeAnswersWithAtMostTheRequestedPoints() throws Exception {
        for (String range : List.of("15m", "1h", "6h", "24h")) {
            JsonObject s = json("/v1/dashboard/series?range=" + range + "&points=10");
            assertThat(s.getString("range")).isEqualTo(range);
            assertThat(s.getJsonArray("timestamps").size()).as(range).isBetween(1, 10);
            JsonArray ts = s.getJsonArray("timestamps");
            for (int i = 1; i < ts.size(); i++) {
                assertThat(ts.getLong(i) - ts.getLong(i - 1)).isEqualTo(s.getLong("step_ms"));
            }
            // the newest point is at most a step (plus the tick period) old
            assertThat(System.currentTimeMillis() - ts.getLong(ts.size() - 1)).isLessThan(s.getLong("step_ms") + 2_000);
        }
        assertThat(json("/v1/dashboard/series?range=15m&points=2000").getJsonArray("timestamps").size()).isLessThanOrEqualTo(2000);
    }

    @Test
    void badInputIsA400OrA404WithTheJsonErrorShape() throws Exception {
        HttpResponse<String> r = f.get("/v1/dashboard/series?range=2d");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonObject e = new JsonObject(r.body()).getJsonObject("error");
        assertThat(e.getString("code")).isEqualTo("invalid_range");
        assertThat(e.getString("message")).contains("15m", "1h", "6h", "24h").contains("2d");
        for (String p : List.of("9", "2001", "-1", "abc", "")) {
            r = f.get("/v1/dashboard/series?points=" + p);
            assertThat(r.statusCode()).as("points=" + p).isEqualTo(400);
            assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("invalid_points");
        }
        for (String path : List.of("/v1/dashboard/series?model=no-such-model", "/v1/dashboard/overview?model=no-such-model")) {
            r = f.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("unknown_model");
        }
        r = f.get("/v1/dashboard/series?model=" + "x".repeat(300));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).doesNotContain("x".repeat(101)); // the echoed name is cut
    }

    @Test
    void overviewHasEveryTileAndSaysWhichOptionalEndpointsExist() throws Exception {
        JsonObject o = json("/v1/dashboard/overview");
        assertThat(o.getString("model")).isEqualTo("*");
        assertThat(o.getInteger("window_seconds")).isEqualTo(300);
        assertThat(o.getJsonObject("tiles").fieldNames()).containsExactlyInAnyOrderElementsOf(KEYS);
        assertThat(o.getLong("step_ms")).isEqualTo(200);
        assertThat(o.getJsonObject("features").getMap()).containsEntry("quality", true).containsEntry("drift", true);
        // the page relies on the features: the endpoints exist
        assertThat(f.get("/v1/quality").statusCode()).isEqualTo(400); // it needs a model
    }

    @Test
    void trafficShowsUpInTheOverviewAndTheSeriesAfterTheSamplerTicks() throws Exception {
        int ok = 12;
        int failed = 4;
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < ok + failed; i++) {
            String prompt = i < failed ? "please fail with an error" : "hello number " + i;
            calls.add(f.http.sendAsync(HttpRequest.newBuilder(f.uri("/generate")).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("prompt", prompt).encode())).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (var c : calls) {
            c.get(10, TimeUnit.SECONDS);
        }
        // two steps of 200 ms and a tick later the intervals are closed
        JsonObject o = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            o = json("/v1/dashboard/overview");
            if (o.getLong("requests") >= ok + failed) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(o.getLong("requests")).isEqualTo(ok + failed);
        assertThat(o.getJsonArray("models").getList()).containsExactly("mock-llm-v1");
        JsonObject tiles = o.getJsonObject("tiles");
        assertThat(tiles.getDouble("request_rate")).isPositive();
        assertThat(tiles.getDouble("error_ratio")).isBetween(0.2, 0.3); // 4 of 16
        assertThat(tiles.getDouble("latency_p95")).isBetween(0.001, 1.0);
        assertThat(tiles.getDouble("input_tokens_rate")).isPositive();
        assertThat(tiles.getDouble("cost_per_hour")).isNotNull();

        JsonObject s = json("/v1/dashboard/series?model=mock-llm-v1&range=15m&points=2000");
        assertThat(s.getString("model")).isEqualTo("mock-llm-v1");
        long volume = s.getJsonArray("volume").stream().mapToLong(v -> ((Number) v).longValue()).sum();
        assertThat(volume).isEqualTo(ok + failed);
        JsonArray rate = s.getJsonObject("series").getJsonArray("request_rate");
        assertThat(rate.stream().filter(v -> v != null && ((Number) v).doubleValue() > 0)).isNotEmpty();
        JsonArray errors = s.getJsonObject("series").getJsonArray("error_ratio");
        assertThat(errors.stream().filter(v -> v != null && ((Number) v).doubleValue() > 0)).isNotEmpty();
        JsonObject mo = json("/v1/dashboard/overview?model=mock-llm-v1");
        assertThat(mo.getString("model")).isEqualTo("mock-llm-v1");
        assertThat(mo.getLong("requests")).isEqualTo(ok + failed);
    }

    @Test
    void theUiIsServedFromTheClasspathWithAStrictPolicy() throws Exception {
        HttpResponse<String> redirect = f.get("/ui");
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("location")).hasValue("ui/");
        HttpResponse<String> page = f.get("/ui/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type").orElse("")).startsWith("text/html");
        String csp = page.headers().firstValue("content-security-policy").orElse("");
        assertThat(csp).startsWith("default-src 'self'").contains("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe", "http:", "https:");
        assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(page.body()).contains("vendor/uplot/uPlot.iife.min.js", "dashboard.js", "<select id=\"model\"")
                .doesNotContain("<script>", "style=", "http://", "https://");
        for (String file : List.of("dashboard.js", "dashboard.css", "favicon.svg", "vendor/uplot/uPlot.iife.min.js",
                "vendor/uplot/uPlot.min.css")) {
            HttpResponse<String> r = f.get("/ui/" + file);
            assertThat(r.statusCode()).as(file).isEqualTo(200);
            assertThat(r.body()).as(file).isNotEmpty();
            assertThat(r.headers().firstValue("content-security-policy")).as(file).isPresent();
        }
        assertThat(f.get("/ui/vendor/uplot/uPlot.iife.min.js").headers().firstValue("content-type").orElse(""))
                .contains("javascript");
        assertThat(f.send("HEAD", "/ui/dashboard.css", null).statusCode()).isEqualTo(200);
        assertThat(f.send("POST", "/ui/dashboard.css", "x").statusCode()).isEqualTo(405);
        HttpResponse<String> missing = f.get("/ui/no-such-file.js");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(missing.body()).getString("status")).isEqualTo("error");
        assertThat(f.get("/ui/vendor/uplot/").statusCode()).isEqualTo(404); // no directory listing
        assertThat(f.get("/ui/../pom.xml").statusCode()).isEqualTo(404);
        // all of it under one bounded route label
        assertThat(f.get("/metrics").body()).contains("route=\"/ui\"").doesNotContain("route=\"/ui/dashboard.js\"");
    }

    @Test
    void rootIsTextForCurlAndLinksTheDashboardForBrowsers() throws Exception {
        HttpResponse<String> text = f.http.send(HttpRequest.newBuilder(f.uri("/")).header("accept", "*/*").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(text.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        assertThat(text.body()).startsWith("Vitals is running.").contains("/ui/").doesNotContain("AI Metrics App");
        HttpResponse<String> html = f.http.send(HttpRequest.newBuilder(f.uri("/"))
                .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(html.headers().firstValue("content-type").orElse("")).startsWith("text/html");
        assertThat(html.body()).contains("Vitals is running.", "href=\"ui/\"").doesNotContain("AI Metrics App");
    }

    @Test
    void withMetricsCredentialsThePageAndItsDataNeedThem() throws Exception {
        try (ServerFixture g = ServerFixture.start(cfg -> {
            cfg.metrics.auth.basicUser = "viewer";
            cfg.metrics.auth.basicPasswordEnv = "VIEWER_PASSWORD";
        }, Map.of("VIEWER_PASSWORD", "dashboard-pass"))) {
            String good = "Basic " + java.util.Base64.getEncoder().encodeToString(
                    "viewer:dashboard-pass".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            for (String path : List.of("/ui/", "/ui/dashboard.js", "/ui/vendor/uplot/uPlot.iife.min.js", "/v1/dashboard/series",
                    "/v1/dashboard/overview")) {
                HttpResponse<String> none = g.get(path);
                assertThat(none.statusCode()).as(path).isEqualTo(401);
                // the browser asks once for the page; its requests for the data then carry the credentials
                assertThat(none.headers().firstValue("www-authenticate")).as(path).hasValue("Basic realm=\"vitals-metrics\"");
                HttpResponse<String> ok = g.http.send(HttpRequest.newBuilder(g.uri(path)).header("authorization", good).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(ok.statusCode()).as(path).isEqualTo(200);
            }
        }
    }

    @Test
    void stepMillisIsValidatedAndDefaultsToTenSeconds() throws Exception {
        VitalsConfig c = ConfigLoader.load(new ConfigLoader.Overrides(), Map.of());
        assertThat(c.dashboard.stepMillis).isEqualTo(10_000);
        for (long bad : new long[] {99, 0, -5, 600_001}) {
            c.dashboard.stepMillis = bad;
            VitalsConfig cc = c;
            assertThatThrownBy(() -> ConfigLoader.validate(cc)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("dashboard.stepMillis").hasMessageContaining(Long.toString(bad));
        }
        java.nio.file.Path yaml = java.nio.file.Files.createTempFile("vitals-dash", ".yaml");
        java.nio.file.Files.writeString(yaml, "dashboard:\n  stepMillis: 1000\n");
        assertThat(ConfigLoader.readYaml(yaml).dashboard.stepMillis).isEqualTo(1000);
        java.nio.file.Files.writeString(yaml, "dashboard:\n");
        assertThat(ConfigLoader.readYaml(yaml).dashboard.stepMillis).isEqualTo(10_000);
        assertThat(f.server.sampler().stepMillis()).isEqualTo(200);
    }
}
