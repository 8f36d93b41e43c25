package dev.vitals.server;

import static dev.vitals.server.QualityHttp.sample;
import static dev.vitals.server.QualityHttp.summary;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The out-of-the-box evaluators through the real server: chat calls (plain, streamed, JSON mode)
 * get code scores and simulated judge scores in GET /v1/quality and /metrics, without touching the
 * responses; the judge's own calls are recorded apart (their own model, operation "evaluation").
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EvaluatorsServerTest {
    private static final String MODEL = "mock-llm-v1";

    private static void defaults(dev.vitals.server.config.VitalsConfig cfg) {
        QualityHttp.fast(cfg);
        cfg.evaluators.enabled = true;
        cfg.evaluators.judge.enabled = null; // the default: on, simulated
        cfg.evaluators.judge.seed = 7L;
        cfg.backends.get(0).interTokenDelay = 0;
        cfg.backends.get(0).timeToFirstToken = 0;
    }

    private static HttpResponse<String> chat(ServerFixture f, JsonObject extra) throws Exception {
        JsonObject body = new JsonObject().put("model", MODEL).put("messages", new JsonArray()
                .add(new JsonObject().put("role", "user").put("content", "Tell me about Paris, please.")));
        extra.forEach(e -> body.put(e.getKey(), e.getValue()));
        HttpResponse<String> r = f.post("/v1/chat/completions", body.encode());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r;
    }

    @Test
    void chatCallsGetCodeAndSimulatedJudgeScores() throws Exception {
        try (ServerFixture f = ServerFixture.start(EvaluatorsServerTest::defaults)) {
            HttpResponse<String> plain = chat(f, new JsonObject());
            assertThat(new JsonObject(plain.body()).getJsonArray("choices").getJsonObject(0).getValue("logprobs"))
                    .as("the response is the backend's, unchanged").isNull();
            chat(f, new JsonObject().put("stream", true));
            chat(f, new JsonObject().put("response_format", new JsonObject().put("type", "json_object")));

            JsonObject rep = awaitReport(f, 3, 15);
            assertThat(summary(rep, "conciseness", "code").getLong("count")).isEqualTo(3);
            assertThat(summary(rep, "refusal", "code").getLong("count")).isEqualTo(3);
            assertThat(summary(rep, "pii", "code").getLong("count")).isEqualTo(3);
            assertThat(summary(rep, "repetition", "code").getLong("count")).isEqualTo(3);
            assertThat(summary(rep, "safety", "code").getLong("count")).isEqualTo(3);
            // only the JSON-mode call asked for JSON, and the simulated model does not answer in JSON
            JsonObject json = summary(rep, "json_valid", "code");
            assertThat(json.getLong("count")).isEqualTo(1);
            for (String rubric : new String[] {"helpfulness", "coherence", "conciseness", "safety", "hallucination"}) {
                assertThat(summary(rep, rubric, "llm_judge").getLong("count")).as(rubric).isEqualTo(3);
            }

            PromText m = f.metrics();
            assertThat(sample(m, "vitals_evaluations_total", "outcome", "evaluated")).isEqualTo(3.0);
            assertThat(sample(m, "vitals_evaluations_total", "outcome", "dropped")).as("no series for what never happened").isNull();
            assertThat(sample(m, "vitals_judge_samples_total", "outcome", "sampled")).isEqualTo(3.0);
            assertThat(sample(m, "vitals_judge_requests_total", "rubric", "helpfulness", "outcome", "scored")).isEqualTo(3.0);
            assertThat(sample(m, "vitals_quality_score_mean", "model", MODEL, "window", "5m", "name", "conciseness", "source", "code"))
                    .isEqualTo(1.0);
            assertThat(sample(m, "vitals_quality_score_mean", "model", MODEL, "window", "5m", "name", "helpfulness",
                    "source", "llm_judge")).isBetween(1.0, 5.0);
            // judge calls are calls: their own model and operation, never the product's
            assertThat(m.samples.keySet()).anyMatch(k -> k.startsWith("gen_ai_client_operation_duration_seconds_count")
                    && k.contains("gen_ai_operation_name=\"evaluation\"") && k.contains("vitals-simulated-judge"));
            assertThat(m.samples.keySet()).noneMatch(k -> k.contains("gen_ai_operation_name=\"evaluation\"") && k.contains(MODEL));
        }
    }

    @Test
    void evaluatorsOffMeansNoScoresAndNoCounters() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> {
            defaults(cfg);
            cfg.evaluators.enabled = false;
            cfg.evaluators.judge.enabled = false;
        })) {
            chat(f, new JsonObject());
            Thread.sleep(300);
            HttpResponse<String> r = f.get("/v1/quality?model=" + MODEL + "&window=5m");
            assertThat(r.body()).doesNotContain("\"source\":\"code\"").doesNotContain("llm_judge");
            assertThat(sample(f.metrics(), "vitals_evaluations_total", "outcome", "evaluated")).as("no series for what never happened").isNull();
        }
    }

    @Test
    void aModelCanTurnTheEvaluatorsOffAndShortenTheBudget() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> {
            QualityHttp.fast(cfg, "other");
            cfg.evaluators.enabled = true;
            cfg.evaluators.judge.enabled = false;
            var off = new dev.vitals.server.config.EvaluatorsConfig.ModelOverride();
            off.enabled = false;
            cfg.evaluators.models.put("other", off);
            var terse = new dev.vitals.server.config.EvaluatorsConfig.ModelOverride();
            terse.maxWords = 2;
            cfg.evaluators.models.put(MODEL, terse);
        })) {
            chat(f, new JsonObject());
            HttpResponse<String> r = f.post("/v1/chat/completions", new JsonObject().put("model", "other").put("messages",
                    new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi"))).encode());
            assertThat(r.statusCode()).isEqualTo(200);
            JsonObject rep = awaitReport(f, 1, 0);
            assertThat(summary(rep, "conciseness", "code").getDouble("mean")).isLessThan(0.5);
            Thread.sleep(200);
            assertThat(f.get("/v1/quality?model=other&window=5m").body()).doesNotContain("\"source\":\"code\"");
            assertThat(sample(f.metrics(), "vitals_evaluations_total", "outcome", "evaluated")).isEqualTo(1.0);
        }
    }

    @Test
    void aFullQueueDropsEvaluationsAndCountsEveryCallExactlyOnce() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> {
            defaults(cfg);
            cfg.evaluators.judge.enabled = false;
            cfg.evaluators.queueSize = 1;
        })) {
            int n = 40;
            java.util.List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> fs = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                JsonObject body = new JsonObject().put("model", MODEL).put("stream", i % 2 == 0).put("messages", new JsonArray()
                        .add(new JsonObject().put("role", "user").put("content", "call " + i)));
                fs.add(f.http.sendAsync(java.net.http.HttpRequest.newBuilder(f.uri("/v1/chat/completions"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.encode())).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (var cf : fs) {
                assertThat(cf.get().statusCode()).isEqualTo(200);
            }
            long end = System.currentTimeMillis() + 15_000;
            double counted = 0;
            while (System.currentTimeMillis() < end) {
                PromText m = f.metrics();
                counted = sample(m, "vitals_evaluations_total", "outcome", "evaluated")
                        + sample(m, "vitals_evaluations_total", "outcome", "dropped");
                if (counted == n) {
                    break;
                }
                Thread.sleep(50);
            }
            assertThat(counted).isEqualTo(n);
            assertThat(sample(f.metrics(), "vitals_evaluations_total", "outcome", "failed")).as("no series for what never happened").isNull();
        }
    }

    /** Polls the 5m report until every code score has {@code calls} values and every judge rubric {@code judged}. */
    private static JsonObject awaitReport(ServerFixture f, int calls, int judged) throws Exception {
        long end = System.currentTimeMillis() + 20_000;
        while (true) {
            f.server.quality(); // reports are cached for 5 s; new scores reset the cache
            HttpResponse<String> r = f.get("/v1/quality?model=" + MODEL + "&window=5m");
            if (r.statusCode() == 200) {
                JsonObject rep = new JsonObject(r.body());
                if (counts(rep, "conciseness", "code") == calls && (judged == 0 || counts(rep, "hallucination", "llm_judge") == calls
                        && counts(rep, "helpfulness", "llm_judge") == calls && counts(rep, "coherence", "llm_judge") == calls
                        && counts(rep, "conciseness", "llm_judge") == calls && counts(rep, "safety", "llm_judge") == calls)) {
                    return rep;
                }
                if (System.currentTimeMillis() > end) {
                    throw new AssertionError("scores did not arrive: " + rep.encodePrettily());
                }
            } else if (System.currentTimeMillis() > end) {
                throw new AssertionError(r.body());
            }
            Thread.sleep(50);
        }
    }

    private static long counts(JsonObject rep, String name, String source) {
        JsonObject scores = rep.getJsonObject("scores");
        if (scores == null) {
            return 0;
        }
        for (Object o : scores.getJsonArray("scores")) {
            JsonObject s = (JsonObject) o;
            if (s.getString("name").equals(name) && s.getString("source").equals(source)) {
                return s.getLong("count");
            }
        }
        return 0;
    }
}
