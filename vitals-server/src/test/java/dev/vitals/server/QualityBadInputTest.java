package dev.vitals.server;

import static dev.vitals.server.QualityHttp.chat;
import static dev.vitals.server.QualityHttp.error;
import static dev.vitals.server.QualityHttp.feedback;
import static dev.vitals.server.QualityHttp.feedbackBody;
import static dev.vitals.server.QualityHttp.quality;
import static dev.vitals.server.QualityHttp.qualitySamples;
import static dev.vitals.server.QualityHttp.report;
import static dev.vitals.server.QualityHttp.sample;
import static dev.vitals.server.QualityHttp.score;
import static dev.vitals.server.QualityHttp.timeless;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bad input to the quality API, each case on its own: the exact status, an error naming the
 * problem, and nothing applied (reports and /metrics unchanged).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QualityBadInputTest {
    private static final String LLM = "mock-llm-v1";
    private static final String FRAUD = "fraud-clf";
    private static final String INTENT = "intent-clf";
    private static final String REG = "price-reg";
    private static final String JUDGED = "judged-llm";
    private static final List<String> MODELS = List.of(FRAUD, INTENT, REG, JUDGED);

    private static ServerFixture server() throws Exception {
        return ServerFixture.start(cfg -> {
            QualityHttp.fast(cfg);
            cfg.quality.binaryModels.put(FRAUD, List.of("legit", "fraud"));
        });
    }

    // ---- valid records ------------------------------------------------------------------------

    private static JsonObject fraud(String predicted, String actual, double score) {
        return new JsonObject().put("model", FRAUD).put("predicted", predicted).put("actual", actual).put("score", score);
    }

    private static JsonObject intent(String predicted, String actual, double billing, double cancel, double other) {
        return new JsonObject().put("model", INTENT).put("predicted", predicted).put("actual", actual)
                .put("probabilities", new JsonObject().put("billing", billing).put("cancel", cancel).put("other", other));
    }

    private static JsonObject reg(String model, double predicted, double actual) {
        return new JsonObject().put("model", model).put("predicted", predicted).put("actual", actual);
    }

    private static JsonObject judged(Object helpfulness, boolean hallucination) {
        return new JsonObject().put("model", JUDGED).put("scores", new JsonArray()
                .add(score("helpfulness", helpfulness, "human")).add(score("hallucination", hallucination, "llm_judge")));
    }

    private static JsonArray baseline() {
        return new JsonArray()
                .add(fraud("fraud", "fraud", 0.9)).add(fraud("legit", "fraud", 0.4)).add(fraud("legit", "legit", 0.1))
                .add(fraud("fraud", "legit", 0.7))
                .add(intent("billing", "billing", 0.7, 0.2, 0.1)).add(intent("cancel", "other", 0.2, 0.5, 0.3))
                .add(intent("other", "other", 0.1, 0.1, 0.8))
                .add(reg(REG, 10.5, 10)).add(reg(REG, 19, 20)).add(reg(REG, 31, 30))
                .add(judged(4, false)).add(judged(2, true));
    }

    /** Five valid records (one for a model not seen yet), the bad one at index 5, one more valid record. */
    private static JsonArray around(JsonObject bad) {
        return new JsonArray()
                .add(reg(REG, 40, 41))
                .add(judged(5, false))
                .add(reg("fresh-model", 1, 2))
                .add(fraud("fraud", "fraud", 0.8))
                .add(intent("billing", "cancel", 0.6, 0.3, 0.1))
                .add(bad)
                .add(reg(REG, 50, 52));
    }

    // ---- state snapshots ----------------------------------------------------------------------

    private record State(Map<String, JsonObject> reports, Map<String, Double> metrics) {
    }

    private static State state(ServerFixture f) throws Exception {
        Map<String, JsonObject> reports = new LinkedHashMap<>();
        for (String m : MODELS) {
            for (String w : List.of("5m", "1h", "24h")) {
                reports.put(m + "/" + w, timeless(report(f, m, w)));
            }
        }
        Map<String, Double> metrics = qualitySamples(f.metrics());
        metrics.keySet().removeIf(k -> k.startsWith("vitals_feedback_total")); // rejected feedback is counted there
        return new State(reports, metrics);
    }

    private static void assertUnchanged(ServerFixture f, State before) throws Exception {
        State now = state(f);
        assertThat(now.reports()).isEqualTo(before.reports());
        assertThat(now.metrics()).isEqualTo(before.metrics());
        // the valid records of the rejected batch created nothing either
        assertThat(quality(f, "model=fresh-model&window=5m").statusCode()).isEqualTo(404);
    }

    private static HttpResponse<String> postRaw(ServerFixture f, String path, String body) throws Exception {
        return f.post(path, body);
    }

    // ---- evaluations --------------------------------------------------------------------------

    @Test
    void aBatchWithOneBadRecordIsRejectedWholeAndNamesTheRecord() throws Exception {
        try (ServerFixture f = server()) {
            HttpResponse<String> ok = QualityHttp.evaluations(f, baseline());
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            State before = state(f);
            assertThat(before.metrics()).containsKey("vitals_quality_score_count{model=\"judged-llm\",name=\"helpfulness\",source=\"human\"}");

            record Case(String what, JsonObject bad, int status, String code, String... message) {
            }
            JsonObject nanScore = new JsonObject().put("model", FRAUD).put("predicted", "fraud").put("actual", "fraud").put("score", "NaN");
            List<Case> cases = List.of(
                    new Case("probabilities that do not sum to 1", intent("billing", "billing", 0.5, 0.3, 0.1), 400, "invalid_values",
                            "records[5]", "must sum to 1"),
                    new Case("a probability above 1 (the row still sums to 1)", intent("billing", "billing", 1.5, -0.25, -0.25), 400,
                            "invalid_values", "records[5]", "must be in [0, 1], got 1.5"),
                    new Case("a binary score above 1", fraud("fraud", "fraud", 1.5), 400, "invalid_values",
                            "records[5]", "score must be a probability in [0, 1], got 1.5"),
                    new Case("a negative binary score", fraud("legit", "legit", -0.01), 400, "invalid_values", "records[5]", "got -0.01"),
                    new Case("a label the binary task does not know", fraud("maybe", "fraud", 0.5), 400, "invalid_values",
                            "records[5]", "\"maybe\""),
                    new Case("NaN as a string where a score goes", nanScore, 400, "invalid_record",
                            "records[5].score must be a number in [0, 1]"),
                    new Case("Infinity as a string where a probability goes", new JsonObject().put("model", INTENT)
                            .put("predicted", "billing").put("actual", "billing").put("probabilities", new JsonObject()
                                    .put("billing", "Infinity").put("cancel", 0.0).put("other", 0.0)), 400, "invalid_record",
                            "records[5].probabilities.billing must be a number"),
                    new Case("NaN as a string where a regression value goes", new JsonObject().put("model", REG)
                            .put("predicted", "NaN").put("actual", 3.0), 400, "invalid_record",
                            "records[5] needs predicted and actual"),
                    new Case("-Infinity as a string where a score value goes", judged("-Infinity", false), 400, "invalid_score",
                            "records[5].scores[0].value must be a finite number, a boolean or a category, got '-Infinity'"),
                    new Case("a classification record for a regression model", new JsonObject().put("model", REG)
                            .put("predicted", "high").put("actual", "low"), 422, "wrong_task",
                            "records[5]: model 'price-reg' is a regression model, this record is classification"),
                    new Case("a regression record for a classification model", reg(INTENT, 1, 2), 422, "wrong_task",
                            "records[5]: model 'intent-clf' is a classification model, this record is regression"),
                    new Case("scores for a classification model", new JsonObject().put("model", FRAUD).put("scores",
                            new JsonArray().add(score("helpfulness", 3, "human"))), 422, "wrong_task",
                            "records[5]: model 'fraud-clf' is a classification model, this record is llm"),
                    new Case("a score whose kind differs from the model's earlier ones", judged(true, false), 400, "invalid_values",
                            "records[5]", "score \"helpfulness\" from human is numeric, got boolean"),
                    new Case("an unknown field", reg(REG, 1, 2).put("confidence", 0.9), 400, "invalid_record",
                            "records[5]: unknown field 'confidence'"),
                    new Case("a score with an unknown field", new JsonObject().put("model", JUDGED).put("scores", new JsonArray()
                            .add(score("helpfulness", 3, "human").put("weight", 2))), 400, "invalid_score",
                            "records[5].scores[0]: unknown field 'weight'"),
                    new Case("a time far in the past", reg(REG, 1, 2).put("time", 1_000L), 400, "invalid_time", "records[5].time"),
                    new Case("no model", new JsonObject().put("predicted", 1.0).put("actual", 2.0), 400, "invalid_record",
                            "records[5].model must be a string"),
                    new Case("not an object", null, 400, "invalid_record", "records[5] must be an object"));
            for (Case c : cases) {
                JsonArray batch = around(c.bad());
                if (c.bad() == null) {
                    batch.set(5, "a string");
                }
                JsonObject e = error(QualityHttp.evaluations(f, batch), c.status());
                assertThat(e.getString("code")).as(c.what()).isEqualTo(c.code());
                for (String part : c.message()) {
                    assertThat(e.getString("message")).as(c.what()).contains(part);
                }
                assertUnchanged(f, before);
            }

            // two problems: the malformed record is reported, though the state conflict comes first (syntax before state)
            JsonArray two = new JsonArray().add(new JsonObject().put("model", REG).put("predicted", "high").put("actual", "low"))
                    .add("a string");
            JsonObject first = error(QualityHttp.evaluations(f, two), 400);
            assertThat(first.getString("code")).isEqualTo("invalid_record");
            assertThat(first.getString("message")).isEqualTo("records[1] must be an object");
            assertUnchanged(f, before);

            // a kind that only conflicts with the model's earlier data, not within the batch
            JsonArray batch = new JsonArray().add(reg(REG, 40, 41)).add(reg("fresh-model", 1, 2))
                    .add(new JsonObject().put("model", JUDGED).put("scores", new JsonArray().add(score("helpfulness", "good", "human"))));
            JsonObject e = error(QualityHttp.evaluations(f, batch), 400);
            assertThat(e.getString("code")).isEqualTo("invalid_values");
            assertThat(e.getString("message")).contains("records[2]").contains("score \"helpfulness\" from human is numeric, got categorical");
            assertUnchanged(f, before);
        }
    }

    @Test
    void numbersOutOfRangeAreRejected() throws Exception {
        try (ServerFixture f = server()) {
            String llmCall = chat(f, LLM);
            assertThat(QualityHttp.evaluations(f, baseline()).statusCode()).isEqualTo(200);
            State before = state(f);
            // 1e400 is valid JSON but no double: it reads as infinity and must be refused like one
            String big = "1e400";
            String[] bodies = {
                    "{\"records\":[{\"model\":\"price-reg\",\"predicted\":2.0,\"actual\":1.0},"
                            + "{\"model\":\"price-reg\",\"predicted\":" + big + ",\"actual\":1.0}]}",
                    "{\"records\":[{\"model\":\"price-reg\",\"predicted\":2.0,\"actual\":-" + big + "}]}",
                    "{\"records\":[{\"model\":\"fraud-clf\",\"predicted\":\"fraud\",\"actual\":\"fraud\",\"score\":" + big + "}]}",
                    "{\"records\":[{\"model\":\"judged-llm\",\"scores\":[{\"name\":\"helpfulness\",\"value\":" + big
                            + ",\"source\":\"human\"}]}]}",
            };
            String[] expected = {"records[1]: predicted and actual must be finite", "records[0]: predicted and actual must be finite",
                    "records[0]", "records[0].scores[0].value must be finite"};
            for (int i = 0; i < bodies.length; i++) {
                JsonObject e = error(postRaw(f, "/v1/evaluations", bodies[i]), 400);
                assertThat(e.getString("message")).as(bodies[i]).contains(expected[i]);
                assertUnchanged(f, before);
            }
            // the same through feedback
            JsonObject e = error(postRaw(f, "/v1/feedback", "{\"request_id\":\"" + llmCall + "\",\"feedback_id\":\"big\","
                    + "\"score\":{\"name\":\"helpfulness\",\"value\":" + big + ",\"source\":\"human\"}}"), 400);
            assertThat(e.getString("code")).isEqualTo("invalid_score");
            assertThat(e.getString("message")).isEqualTo("score.value must be finite");
            assertThat(quality(f, "model=" + LLM + "&window=5m").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void batchShapeErrors() throws Exception {
        try (ServerFixture f = server()) {
            assertThat(QualityHttp.evaluations(f, baseline()).statusCode()).isEqualTo(200);
            State before = state(f);

            // more than 10,000 records: 413, though every record is valid and the body is under the size limit
            JsonArray many = new JsonArray();
            for (int i = 0; i < 10_001; i++) {
                many.add(reg("fresh-model", i % 7, i % 5));
            }
            JsonObject e = error(QualityHttp.evaluations(f, many), 413);
            assertThat(e.getString("code")).isEqualTo("batch_too_large");
            assertThat(e.getString("message")).isEqualTo("a batch holds at most 10000 records, got 10001");
            assertUnchanged(f, before);

            Map<String, String[]> bad = new LinkedHashMap<>();
            bad.put("{\"records\": [", new String[] {"invalid_json", "request body is not valid JSON"});
            bad.put("{\"records\": [{\"model\": \"price-reg\", \"predicted\": NaN, \"actual\": 1}]}",
                    new String[] {"invalid_json", "request body is not valid JSON"});
            bad.put("", new String[] {"empty_body", "request body is empty"});
            bad.put("[{\"model\":\"price-reg\",\"predicted\":1,\"actual\":2}]", new String[] {"invalid_body", "must be a JSON object, got an array"});
            bad.put("{}", new String[] {"invalid_records", "'records' must be a non-empty array"});
            bad.put("{\"records\": []}", new String[] {"invalid_records", "'records' must be a non-empty array"});
            bad.put("{\"records\": {\"model\": \"price-reg\"}}", new String[] {"invalid_records", "'records' must be a non-empty array"});
            bad.put("{\"records\": [{\"model\":\"price-reg\",\"predicted\":1,\"actual\":2}], \"source\": \"nightly\"}",
                    new String[] {"invalid_records", "the body has only the field 'records'"});
            for (Map.Entry<String, String[]> c : bad.entrySet()) {
                e = error(postRaw(f, "/v1/evaluations", c.getKey()), 400);
                assertThat(e.getString("code")).as(c.getKey()).isEqualTo(c.getValue()[0]);
                assertThat(e.getString("message")).as(c.getKey()).contains(c.getValue()[1]);
            }
            assertUnchanged(f, before);

            // exactly 10,000 is fine
            JsonArray full = new JsonArray(many.getList().subList(0, 10_000));
            HttpResponse<String> r = QualityHttp.evaluations(f, full);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(report(f, "fresh-model", "5m").getJsonObject("regression").getLong("count")).isEqualTo(10_000);
        }
    }

    // ---- feedback -----------------------------------------------------------------------------

    @Test
    void badFeedbackIsRejectedAndCounted() throws Exception {
        try (ServerFixture f = server()) {
            String call = chat(f, LLM);
            HttpResponse<String> ok = feedback(f, feedbackBody(call, "fb-ok", score("helpfulness", 4, "human"),
                    score("hallucination", false, "llm_judge"), score("tone", "formal", "code")));
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            JsonObject before = timeless(report(f, LLM, "5m"));
            Map<String, Double> metricsBefore = qualitySamples(f.metrics());
            metricsBefore.keySet().removeIf(k -> k.startsWith("vitals_feedback_total"));

            record Case(String what, JsonObject body, String code, String message) {
            }
            List<Case> cases = List.of(
                    new Case("NaN as a string", feedbackBody(call, "b1", score("helpfulness", "NaN", "human")), "invalid_score",
                            "scores[0].value must be a finite number, a boolean or a category, got 'NaN'"),
                    new Case("Infinity as a string", feedbackBody(call, "b2", score("helpfulness", 3, "human"),
                            score("helpfulness", "Infinity", "human")), "invalid_score",
                            "scores[1].value must be a finite number, a boolean or a category, got 'Infinity'"),
                    new Case("inf as Python writes it", feedbackBody(call, "b3", score("latency_ok", "-inf", "human")), "invalid_score",
                            "scores[0].value must be a finite number, a boolean or a category, got '-inf'"),
                    new Case("an unknown field", feedbackBody(call, "b4", score("helpfulness", 3, "human")).put("comment", "meh"),
                            "unknown_field", "unknown field 'comment'; allowed: request_id, feedback_id, score, scores"),
                    new Case("a score with an unknown field", feedbackBody(call, "b5", score("helpfulness", 3, "human").put("weight", 1)),
                            "invalid_score", "scores[0]: unknown field 'weight'; allowed: name, value, source"),
                    new Case("an unknown source", feedbackBody(call, "b6", score("helpfulness", 3, "crowd")), "invalid_score",
                            "scores[0].source must be one of human, llm_judge, code"),
                    new Case("no score", new JsonObject().put("request_id", call).put("feedback_id", "b7"), "missing_score",
                            "feedback needs 'score' or 'scores'"),
                    new Case("no feedback id", new JsonObject().put("request_id", call).put("score", score("helpfulness", 3, "human")),
                            "invalid_feedback_id", "'feedback_id' must be a string of 1 to 128 characters"),
                    new Case("a value of another kind than before", feedbackBody(call, "b8", score("helpfulness", "good", "human")),
                            "invalid_values", "score \"helpfulness\" from human is numeric, got categorical"),
                    new Case("an empty scores array", new JsonObject().put("request_id", call).put("feedback_id", "b9")
                            .put("scores", new JsonArray()), "invalid_scores", "'scores' must be an array of 1 to 100 scores"));
            int rejected = 0;
            for (Case c : cases) {
                JsonObject e = error(feedback(f, c.body()), 400);
                rejected++;
                assertThat(e.getString("code")).as(c.what()).isEqualTo(c.code());
                assertThat(e.getString("message")).as(c.what()).isEqualTo(c.message());
                assertThat(timeless(report(f, LLM, "5m"))).as(c.what()).isEqualTo(before);
            }
            // a rejected feedback id was not used up: sent again, correctly, it applies
            HttpResponse<String> retry = feedback(f, feedbackBody(call, "b1", score("helpfulness", 2, "human")));
            assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
            assertThat(new JsonObject(retry.body()).getBoolean("duplicate")).isFalse();

            for (String raw : List.of("{\"request_id\": ", "[]", "")) {
                JsonObject e = error(postRaw(f, "/v1/feedback", raw), 400);
                assertThat(e.getString("code")).isIn("invalid_json", "invalid_body", "empty_body");
            }
            // an unknown request id is not bad input: the feedback waits for its call (202)
            assertThat(feedback(f, feedbackBody("never-seen", "b10", score("helpfulness", 3, "human"))).statusCode()).isEqualTo(202);

            PromText m = f.metrics();
            assertThat(sample(m, "vitals_feedback_total", "outcome", "rejected")).isEqualTo((double) rejected);
            assertThat(sample(m, "vitals_feedback_total", "outcome", "pending")).isEqualTo(1.0);
            assertThat(sample(m, "vitals_feedback_total", "outcome", "joined")).isEqualTo(2.0);
            assertThat(sample(m, "vitals_quality_score_count", "model", LLM, "name", "helpfulness", "source", "human")).isEqualTo(2.0);
            assertThat(metricsBefore).isNotEmpty();
        }
    }

    // ---- GET /v1/quality ----------------------------------------------------------------------

    @Test
    void badQueries() throws Exception {
        try (ServerFixture f = server()) {
            assertThat(QualityHttp.evaluations(f, baseline()).statusCode()).isEqualTo(200);
            JsonObject e = error(quality(f, "model=" + REG + "&window=7m"), 400);
            assertThat(e.getString("code")).isEqualTo("invalid_window");
            assertThat(e.getString("message")).isEqualTo("'window' must be one of [5m, 1h, 24h], got '7m'");
            e = error(quality(f, "range=2h"), 400);
            assertThat(e.getString("code")).isEqualTo("invalid_range");
            assertThat(e.getString("message")).isEqualTo("'range' must be one of [15m, 1h, 6h, 24h]");
            e = error(quality(f, "range=1h&window=5m&model=" + REG), 400);
            assertThat(e.getString("code")).isEqualTo("invalid_query");
            e = error(quality(f, "model=no-such-model&window=1h"), 404);
            assertThat(e.getString("code")).isEqualTo("unknown_model");
            assertThat(e.getString("message")).startsWith("no quality data for model 'no-such-model'").contains(REG);
            e = error(quality(f, "window=1h"), 400);
            assertThat(e.getString("code")).isEqualTo("missing_model");
            // a model the gateway served but nobody scored has no quality data yet
            chat(f, LLM);
            assertThat(error(quality(f, "model=" + LLM), 404).getString("code")).isEqualTo("unknown_model");
            // without a window: the first (shortest) one
            JsonObject r = report(f, REG, "5m");
            HttpResponse<String> dflt = quality(f, "model=" + REG);
            assertThat(dflt.statusCode()).isEqualTo(200);
            assertThat(timeless(new JsonObject(dflt.body()))).isEqualTo(timeless(r));
        }
    }
}
