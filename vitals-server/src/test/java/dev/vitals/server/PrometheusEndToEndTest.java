package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.vitals.server.config.VitalsConfig;
import dev.vitals.server.rules.DashboardPanel;
import dev.vitals.server.rules.GrafanaDashboard;
import dev.vitals.server.rules.Rule;
import dev.vitals.server.rules.RuleGroup;
import dev.vitals.server.rules.RulesParams;
import dev.vitals.server.rules.VitalsRules;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * A real Prometheus scrapes a real Vitals server every second and evaluates the generated rules:
 * the counts it stores equal the traffic sent, the latency median lies in the simulated range,
 * every rule evaluates without error, and every dashboard query returns data: the test also feeds
 * evaluation records (quality), a drift reference and shifted features (drift), a baseline series
 * that warms up and then jumps (anomalies) and a fake {@code nvidia-smi} (GPU). Needs the prometheus
 * binary: fails in CI without it, skips elsewhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PrometheusEndToEndTest {
    static final double LATENCY_MIN = 0.05;
    static final double LATENCY_MAX = 0.2;
    static final int SUCCESSES = 30;
    static final int FAILURES = 8;
    static final String KEY = "sk-e2e-0123456789abcdef0123456789abcdef";
    static final double KEY_BUDGET = 100;
    static final String ADMIN = "admin-token-e2e-0123456789abcdef";
    static final String MODEL = "mock-llm-v1";
    /** A classifier served elsewhere: the gateway's own model is an LLM, whose records are scores. */
    static final String CLASSIFIER = "e2e-classifier";
    static final String LABELLED = "e2e-labelled";
    /** Client features of a model served elsewhere. */
    static final String FEATURES = "e2e-features";

    private ServerFixture f;
    private Process prometheus;
    private Path dir;
    private URI prom;
    private int successes;
    private int failures;
    private long inputTokens;
    private long outputTokens;

    /** Each test reports the missing binary (skipped, or failed in CI); a class-level abort would hide them. */
    @BeforeEach
    void needsPrometheus() {
        Promtools.require("prometheus");
    }

    @BeforeAll
    void start() throws Exception {
        if (Promtools.find("prometheus").isEmpty() && !Promtools.inCi()) {
            return; // every test is skipped by needsPrometheus
        }
        Path binary = Promtools.require("prometheus");
        dir = Files.createTempDirectory("vitals-prometheus");
        Path smi = dir.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\necho '0, NVIDIA H200, GPU-1111, 87, 40960, 143771, 61, 412.5, 700.0, 3, 0'\n");
        Files.setPosixFilePermissions(smi, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        f = ServerFixture.start(cfg -> {
            cfg.gpu.executable = smi.toString();
            cfg.gpu.intervalSeconds = 1;
            ServerFixture.sim(cfg).latencyMin = LATENCY_MIN;
            ServerFixture.sim(cfg).latencyMax = LATENCY_MAX;
            ServerFixture.sim(cfg).seed = 42L;
            ServerFixture.sim(cfg).timeToFirstToken = LATENCY_MIN;
            ServerFixture.sim(cfg).interTokenDelay = 0.0;
            cfg.system.intervalSeconds = 1; // CPU utilization needs two samples
            cfg.auth.enabled = true;
            VitalsConfig.ConfiguredKey k = new VitalsConfig.ConfiguredKey();
            k.name = "e2e";
            k.keyEnv = "E2E_KEY";
            k.budgetUsd = KEY_BUDGET;
            cfg.auth.keys = List.of(k);
        }, Map.of("E2E_KEY", KEY, "VITALS_ADMIN_TOKEN", ADMIN));
        Files.writeString(dir.resolve(VitalsRules.FILE_NAME), VitalsRules.yaml(RulesParams.defaults()));
        Files.writeString(dir.resolve("prometheus.yml"), String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  scrape_timeout: 1s",
                "  evaluation_interval: 1s",
                "rule_files:",
                "  - " + dir.resolve(VitalsRules.FILE_NAME),
                "scrape_configs:",
                "  - job_name: vitals",
                "    metrics_path: /metrics",
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + f.server.port() + "']",
                ""));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        prom = URI.create("http://127.0.0.1:" + port);
        prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        waitFor("Prometheus ready", () -> get("/-/ready").statusCode() == 200);

        // one call of each outcome, scraped, so that rate() sees the rest of the traffic as an increase:
        // series are created on first use, and rate() cannot count the sample that creates a series
        send("{\"prompt\": \"warm up\"}");
        send("{\"prompt\": \"please raise an error (warm up)\"}");
        account(f.http.send(auth(HttpRequest.newBuilder(f.uri("/v1/chat/completions")))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"mock-llm-v1\",\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"stream me\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString()));
        waitFor("the first scrape with a call", () -> value("sum(llm_requests_total)") == 3);

        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 2; i < SUCCESSES - 1; i++) { // the warm-up stream took one success's place
            calls.add(sendAsync("{\"prompt\": \"" + "word ".repeat(i % 7 + 1).trim() + "\"}"));
        }
        for (int i = 1; i < FAILURES; i++) {
            calls.add(sendAsync("{\"prompt\": \"please raise an error " + i + "\"}"));
        }
        calls.add(f.http.sendAsync(auth(HttpRequest.newBuilder(f.uri("/v1/chat/completions")))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"mock-llm-v1\",\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"stream me\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString()));
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            account(c.get(20, TimeUnit.SECONDS));
        }
        assertThat(successes).isEqualTo(SUCCESSES);
        assertThat(failures).isEqualTo(FAILURES);
        waitFor("a scrape with all calls", () -> value("sum(llm_requests_total)") == SUCCESSES + FAILURES);
        // rules evaluated on that scrape: the error ratio over 5m sees the failures
        waitFor("rules evaluated", () -> value("sum(model_name:llm_request_errors:ratio_rate5m)") > 0
                && value("count(model_name:llm_signal:zscore_1w)") >= 5);
        feedQualityDriftAndAnomalies();
        waitFor("quality, drift, anomaly and GPU metrics scraped", () -> value("count(vitals_quality_accuracy)") >= 3
                && value("count(vitals_drift_detected)") >= 1 && value("sum(vitals_anomaly_active)") >= 1
                && value("count(vitals_gpu_utilization_ratio)") == 1
                // the classifier's and the labelled model's (its joined pair is a classification record)
                && value("count(" + "model:vitals_quality_accuracy_1h:avg_over_time_1w)") == 2
                && value("count(vitals_label_coverage_ratio)") == 1);
    }

    /** Through the server's own APIs: evaluation records, a drift reference and shifted features, a baseline that jumps. */
    private void feedQualityDriftAndAnomalies() throws Exception {
        JsonArray records = new JsonArray();
        for (int i = 0; i < 40; i++) {
            records.add(new JsonObject().put("model", CLASSIFIER).put("actual", i % 2 == 0 ? "yes" : "no")
                    .put("predicted", i % 5 == 0 ? "maybe" : i % 2 == 0 ? "yes" : "no"));
        }
        HttpResponse<String> ev = f.http.send(auth(HttpRequest.newBuilder(f.uri("/v1/evaluations")))
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("records", records).encode())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ev.statusCode()).as(ev.body()).isEqualTo(200);
        // delayed ground truth: two predictions, one actual so far: label coverage 0.5
        JsonArray predictions = new JsonArray().add(new JsonObject().put("model", LABELLED).put("id", "p1").put("predicted", "yes"))
                .add(new JsonObject().put("model", LABELLED).put("id", "p2").put("predicted", "no"));
        for (String[] post : new String[][] {{"/v1/predictions", new JsonObject().put("records", predictions).encode()},
                {"/v1/actuals", new JsonObject().put("records", new JsonArray().add(new JsonObject().put("model", LABELLED)
                        .put("id", "p1").put("actual", "yes"))).encode()}}) {
            HttpResponse<String> r = f.http.send(auth(HttpRequest.newBuilder(f.uri(post[0])))
                    .POST(HttpRequest.BodyPublishers.ofString(post[1])).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }

        StringBuilder csv = new StringBuilder("amount\n");
        JsonArray features = new JsonArray();
        for (int i = 0; i < 200; i++) {
            csv.append(10 + i % 20).append('\n');
            features.add(new JsonObject().put("amount", 50 + i % 20));
        }
        HttpResponse<String> ref = f.http.send(HttpRequest.newBuilder(f.uri("/admin/drift/reference?model=" + FEATURES))
                .header("authorization", "Bearer " + ADMIN).POST(HttpRequest.BodyPublishers.ofString(csv.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ref.statusCode()).as(ref.body()).isEqualTo(200);
        HttpResponse<String> fe = f.http.send(auth(HttpRequest.newBuilder(f.uri("/v1/features")))
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("model", FEATURES).put("records", features).encode()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(fe.statusCode()).as(fe.body()).isEqualTo(200);
        f.server.drift().evaluate();

        // the baselines' warm-up (30 samples), then a jump that stays: an open anomaly with finite z-scores
        for (int i = 0; i < 40; i++) {
            f.server.baselines().judgeScores(Map.of(MODEL, Map.of("e2e:steady", 1.0 + (i % 3) * 0.01)));
        }
        for (int i = 0; i < 3; i++) {
            f.server.baselines().judgeScores(Map.of(MODEL, Map.of("e2e:steady", 5.0)));
        }
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (prometheus != null) {
                prometheus.destroy();
                if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } finally {
            if (f != null) {
                f.close();
            }
            if (dir != null) {
                try (Stream<Path> s = Files.walk(dir)) {
                    s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private HttpRequest.Builder auth(HttpRequest.Builder b) {
        return b.header("authorization", "Bearer " + KEY).header("content-type", "application/json");
    }

    private void send(String body) throws Exception {
        account(f.http.send(auth(HttpRequest.newBuilder(f.uri("/generate"))).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    private CompletableFuture<HttpResponse<String>> sendAsync(String body) {
        return f.http.sendAsync(auth(HttpRequest.newBuilder(f.uri("/generate"))).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Counts a response and adds the tokens it reports. */
    private void account(HttpResponse<String> r) {
        if (r.statusCode() == 500) {
            failures++;
            return;
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        successes++;
        if (r.uri().getPath().equals("/generate")) {
            JsonObject tokens = new JsonObject(r.body()).getJsonObject("tokens");
            inputTokens += tokens.getLong("input");
            outputTokens += tokens.getLong("output");
            return;
        }
        JsonObject usage = null;
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data: {")) {
                JsonObject chunk = new JsonObject(line.substring(6));
                if (chunk.getJsonObject("usage") != null) {
                    usage = chunk.getJsonObject("usage");
                }
            }
        }
        assertThat(usage).as("the stream's usage chunk").isNotNull();
        inputTokens += usage.getLong("prompt_tokens");
        outputTokens += usage.getLong("completion_tokens");
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return f.http.send(HttpRequest.newBuilder(prom.resolve(pathAndQuery)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The result vector of an instant query; fails the test when Prometheus rejects the query. */
    private JsonArray query(String promql) throws IOException, InterruptedException {
        HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        JsonObject body = new JsonObject(r.body());
        if (!"success".equals(body.getString("status"))) {
            fail("Prometheus rejected " + promql + ": " + r.body());
        }
        return body.getJsonObject("data").getJsonArray("result");
    }

    /** The single value of a query, NaN when it has none. */
    private double value(String promql) throws IOException, InterruptedException {
        JsonArray res = query(promql);
        return res.size() == 1 ? Double.parseDouble(res.getJsonObject(0).getJsonArray("value").getString(1)) : Double.NaN;
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private void waitFor(String what, Check c) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                if (c.ok()) {
                    return;
                }
            } catch (IOException e) {
                // Prometheus not listening yet
            }
            if (System.nanoTime() > deadline || !prometheus.isAlive()) {
                fail("timed out waiting for " + what + "; Prometheus log:\n" + Files.readString(dir.resolve("prometheus.log")));
            }
            Thread.sleep(200);
        }
    }

    @Test
    void countsEqualTheTrafficSent() throws Exception {
        assertThat(value("sum(llm_requests_total{status=\"success\"})")).isEqualTo(SUCCESSES);
        assertThat(value("sum(llm_requests_total{status=\"failure\"})")).isEqualTo(FAILURES);
        JsonArray byStatus = query("sum by (status) (llm_requests_total)");
        assertThat(byStatus).hasSize(2);
        assertThat(value("sum(llm_errors_total{error_type=\"model_error\"})")).isEqualTo(FAILURES);
        assertThat(value("sum(llm_input_tokens_total)")).isEqualTo(inputTokens);
        assertThat(value("sum(llm_output_tokens_total)")).isEqualTo(outputTokens);
        assertThat(value("sum(llm_request_latency_seconds_count)")).isEqualTo(SUCCESSES + FAILURES);
    }

    @Test
    void latencyMedianLiesInTheSimulatedRange() throws Exception {
        double p50 = value("histogram_quantile(0.5, sum by (le) (llm_request_latency_seconds_bucket))");
        assertThat(p50).isBetween(LATENCY_MIN, LATENCY_MAX);
        // nothing was faster than the simulated minimum
        assertThat(value("sum(llm_request_latency_seconds_bucket{le=\"0.025\"})")).isZero();
    }

    @Test
    void everyRuleEvaluatesWithoutError() throws Exception {
        waitFor("every rule evaluated", () -> {
            JsonArray groups = new JsonObject(get("/api/v1/rules").body()).getJsonObject("data").getJsonArray("groups");
            return groups.size() == VitalsRules.groups(RulesParams.defaults()).size() && groups.stream()
                    .flatMap(g -> ((JsonObject) g).getJsonArray("rules").stream()).map(JsonObject.class::cast)
                    .allMatch(r -> !r.getString("lastEvaluation", "0001").startsWith("0001"));
        });
        JsonArray groups = new JsonObject(get("/api/v1/rules").body()).getJsonObject("data").getJsonArray("groups");
        int rules = 0;
        for (Object g : groups) {
            for (Object o : ((JsonObject) g).getJsonArray("rules")) {
                JsonObject r = (JsonObject) o;
                rules++;
                assertThat(r.getString("health")).as(r.getString("name") + ": " + r.getString("lastError")).isEqualTo("ok");
            }
        }
        assertThat(rules).isEqualTo(VitalsRules.groups(RulesParams.defaults()).stream().mapToInt(g -> g.rules().size()).sum());
    }

    @Test
    void alertsEvaluateOnRealData() throws Exception {
        // 8 failures in 38 calls burn a 99.9% budget 200x: the ticket (no traffic guard, long
        // windows) goes pending at once; the page does not, as the hour-long traffic guard is not met
        waitFor("VitalsAvailabilityBudgetSlowBurn pending", () -> alerts().stream()
                .anyMatch(a -> a.getJsonObject("labels").getString("alertname").equals("VitalsAvailabilityBudgetSlowBurn")));
        for (JsonObject a : alerts()) {
            JsonObject labels = a.getJsonObject("labels");
            assertThat(labels.getString("alertname")).isNotIn("VitalsAvailabilityBudgetFastBurn", "VitalsLatencyBudgetFastBurn",
                    "VitalsLatencyBudgetSlowBurn", "VitalsDown", "VitalsTargetDown", "VitalsCostBudgetFastBurn");
            if (labels.getString("alertname").equals("VitalsAvailabilityBudgetSlowBurn")) {
                assertThat(a.getString("state")).isEqualTo("pending");
                assertThat(labels.getString("model_name")).isEqualTo("mock-llm-v1");
                assertThat(labels.getString("severity")).isEqualTo("ticket");
                assertThat(a.getJsonObject("annotations").getString("description")).startsWith("Failed calls of mock-llm-v1 burn");
            }
        }
    }

    private List<JsonObject> alerts() throws IOException, InterruptedException {
        return new JsonObject(get("/api/v1/alerts").body()).getJsonObject("data").getJsonArray("alerts").stream()
                .map(JsonObject.class::cast).toList();
    }

    @Test
    void recordingRulesOnLlmMetricsHaveValues() throws Exception {
        // rule groups are evaluated every few seconds: on a busy machine the first round can be late
        long deadline = System.nanoTime() + 30_000_000_000L;
        List<String> missing = missingRecordings();
        while (!missing.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(500);
            missing = missingRecordings();
        }
        assertThat(missing).as("recording rules without a finite value").isEmpty();
        assertThat(value("sum(model_name:llm_request_errors:ratio_rate5m)")).isBetween(0.05, 0.5);
        assertThat(value("sum(model_name:llm_request_latency_seconds:p50_rate5m)")).isBetween(LATENCY_MIN, LATENCY_MAX);
        assertThat(value("sum(model_name:llm_request_slow:ratio_rate5m)")).isZero();
    }

    private List<String> missingRecordings() throws Exception {
        List<String> missing = new ArrayList<>();
        for (RuleGroup g : VitalsRules.groups(RulesParams.defaults())) {
            for (Rule r : g.rules()) {
                if (r.isAlert() || r.record().startsWith("model:") && !r.record().contains("accuracy")
                        && !r.record().contains("f1_macro")) {
                    continue; // the quality families this test does not feed (scores, regression, LLM scores)
                }
                JsonArray res = query(r.record() + (r.labels().isEmpty() ? "" : "{signal=\"" + r.labels().get("signal") + "\"}"));
                if (res.isEmpty() || res.stream().map(JsonObject.class::cast).anyMatch(NAN)) {
                    missing.add(r.record() + r.labels() + " = " + res);
                }
            }
        }
        return missing;
    }

    private static final Predicate<JsonObject> NAN = s -> {
        String v = s.getJsonArray("value").getString(1);
        return v.equals("NaN") || v.contains("Inf");
    };

    @Test
    void everyDashboardQueryReturnsData() throws Exception {
        List<String> empty = new ArrayList<>();
        for (DashboardPanel p : GrafanaDashboard.panels()) {
            assertThat(p.needs()).as("%s waits for metrics Vitals does not export", p.title()).isNull();
            for (DashboardPanel.Target t : p.targets()) {
                String q = t.expr().replace("$model", ".*").replace("$instance", ".*")
                        .replace("$__rate_interval", "1m").replace("$__range", "5m");
                JsonArray res = query(q);
                boolean data = !res.isEmpty() && res.stream().map(JsonObject.class::cast).noneMatch(NAN);
                // series are made on first use: every call here is priced, so there is no unpriced series
                // at all, and "no data" is the true answer for that panel
                boolean trueAbsence = p.title().equals("Unpriced requests") && res.isEmpty();
                if (!data && !trueAbsence) {
                    empty.add(p.title() + ": " + q + " = " + res);
                }
            }
        }
        assertThat(empty).as("dashboard queries without data").isEmpty();
        // the fed families carry the values fed: 40 records, 8 predicted "maybe"; the drift of the shifted feature; the GPU
        assertThat(value("vitals_quality_accuracy{model=\"" + CLASSIFIER + "\",window=\"5m\"}")).isEqualTo(32.0 / 40);
        assertThat(value("max(vitals_label_coverage_ratio{model=\"" + LABELLED + "\"})")).isEqualTo(0.5);
        assertThat(value("max(vitals_drift_detected{model=\"" + FEATURES + "\",feature=\"amount\"})")).isEqualTo(1.0);
        assertThat(value("max(vitals_anomaly_active{model=\"" + MODEL + "\",signal=\"e2e:steady\"})")).isEqualTo(1.0);
        assertThat(value("max(vitals_gpu_utilization_ratio)")).isEqualTo(0.87);
        // the dashboard's variables
        JsonArray models = new JsonObject(get("/api/v1/label/model_name/values?match[]=llm_requests_total").body()).getJsonArray("data");
        assertThat(models.getList()).containsExactly("mock-llm-v1");
        JsonArray instances = new JsonObject(get("/api/v1/label/instance/values?match[]=llm_requests_total").body()).getJsonArray("data");
        assertThat(instances.getList()).containsExactly("127.0.0.1:" + f.server.port());
    }
}
