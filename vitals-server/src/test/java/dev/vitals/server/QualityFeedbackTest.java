package dev.vitals.server;

import static dev.vitals.server.QualityHttp.chat;
import static dev.vitals.server.QualityHttp.error;
import static dev.vitals.server.QualityHttp.feedback;
import static dev.vitals.server.QualityHttp.feedbackBody;
import static dev.vitals.server.QualityHttp.report;
import static dev.vitals.server.QualityHttp.sample;
import static dev.vitals.server.QualityHttp.score;
import static dev.vitals.server.QualityHttp.summary;
import static dev.vitals.server.QualityHttp.timeless;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delayed feedback through the real server: calls go through the gateway, their x-request-id
 * comes back with scores on POST /v1/feedback, and GET /v1/quality and /metrics show the result.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QualityFeedbackTest {
    private static final String MODEL = "mock-llm-v1";

    @TempDir
    Path dir;

    @Test
    void feedbackJoinsCallsAndShowsInReportAndMetrics() throws Exception {
        try (ServerFixture f = ServerFixture.start(QualityHttp::fast)) {
            String c0 = chat(f, MODEL);
            String c1 = chat(f, MODEL);
            String c2 = chat(f, MODEL);
            assertThat(List.of(c0, c1, c2)).doesNotHaveDuplicates();

            JsonObject fb1 = feedbackBody(c0, "fb-1", score("helpfulness", 4, "human"),
                    score("hallucination", false, "llm_judge"), score("tone", "formal", "code"), score("safety", true, "llm_judge"));
            JsonObject fb2 = feedbackBody(c1, "fb-2", score("helpfulness", 2, "human"),
                    score("hallucination", true, "llm_judge"), score("tone", "casual", "code"), score("safety_flag", true, "code"));
            // the single-score form
            JsonObject fb3 = new JsonObject().put("request_id", c2).put("feedback_id", "fb-3")
                    .put("score", score("helpfulness", 5, "human"));
            JsonObject fb4 = feedbackBody(c2, "fb-4", score("hallucination", false, "llm_judge"),
                    score("safety", false, "llm_judge"), score("tone", "formal", "code"));
            for (JsonObject fb : List.of(fb1, fb2, fb3, fb4)) {
                HttpResponse<String> r = feedback(f, fb);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(new JsonObject(r.body())).isEqualTo(new JsonObject().put("status", "ok").put("model", MODEL)
                        .put("duplicate", false).put("late", false));
            }

            for (String window : List.of("5m", "1h", "24h")) {
                JsonObject rep = report(f, MODEL, window);
                assertThat(rep.getString("model")).isEqualTo(MODEL);
                assertThat(rep.getString("window")).isEqualTo(window);
                assertThat(rep.getString("task")).isEqualTo("llm");
                JsonObject scores = rep.getJsonObject("scores");
                // ordered by name, then source
                assertThat(scores.getJsonArray("scores").stream().map(o -> ((JsonObject) o).getString("name")))
                        .containsExactly("hallucination", "helpfulness", "safety", "safety_flag", "tone");

                JsonObject help = summary(rep, "helpfulness", "human");
                assertThat(help.getString("kind")).isEqualTo("numeric");
                assertThat(help.getLong("count")).isEqualTo(3);
                assertThat(help.getDouble("mean")).isCloseTo(11.0 / 3, within(1e-12));
                assertThat(help.getDouble("min")).isEqualTo(2.0);
                assertThat(help.getDouble("max")).isEqualTo(5.0);

                JsonObject hal = summary(rep, "hallucination", "llm_judge");
                assertThat(hal.getString("kind")).isEqualTo("boolean");
                assertThat(hal.getLong("count")).isEqualTo(3);
                assertThat(hal.getLong("trueCount")).isEqualTo(1);
                assertThat(hal.getDouble("trueRate")).isCloseTo(1.0 / 3, within(1e-12));

                JsonObject tone = summary(rep, "tone", "code");
                assertThat(tone.getString("kind")).isEqualTo("categorical");
                assertThat(tone.getLong("count")).isEqualTo(3);
                assertThat(tone.getJsonObject("categories")).isEqualTo(new JsonObject().put("casual", 1).put("formal", 2));

                assertThat(summary(rep, "safety", "llm_judge").getLong("trueCount")).isEqualTo(1);
                assertThat(summary(rep, "safety_flag", "code").getLong("trueCount")).isEqualTo(1);
                // one hallucination among three judged responses
                assertThat(scores.getJsonObject("hallucination")).isEqualTo(new JsonObject()
                        .put("count", 1).put("total", 3).put("value", 1.0 / 3));
                // flagged: safety_flag=true once, safety=false once, out of three safety scores
                assertThat(scores.getJsonObject("safetyFlag")).isEqualTo(new JsonObject()
                        .put("count", 2).put("total", 3).put("value", 2.0 / 3));
                // no classification, regression or text data: empty parts, no NaN strings
                assertThat(rep.getJsonObject("classification").getLong("count")).isZero();
                assertThat(rep.getJsonObject("classification").getValue("accuracy")).isNull();
                assertThat(rep.getJsonObject("regression").getLong("count")).isZero();
            }

            PromText m = f.metrics();
            for (String w : List.of("5m", "1h", "24h")) {
                assertThat(sample(m, "vitals_quality_hallucination_rate", "model", MODEL, "window", w)).isCloseTo(1.0 / 3, within(1e-12));
                assertThat(sample(m, "vitals_quality_safety_flag_rate", "model", MODEL, "window", w)).isCloseTo(2.0 / 3, within(1e-12));
                assertThat(sample(m, "vitals_quality_score_mean", "model", MODEL, "window", w, "name", "helpfulness", "source", "human"))
                        .isCloseTo(11.0 / 3, within(1e-12));
                assertThat(sample(m, "vitals_quality_score_mean", "model", MODEL, "window", w, "name", "hallucination",
                        "source", "llm_judge")).isCloseTo(1.0 / 3, within(1e-12));
                // categorical scores have no mean; no classification gauges without classification data
                assertThat(sample(m, "vitals_quality_score_mean", "model", MODEL, "window", w, "name", "tone", "source", "code")).isNull();
                assertThat(sample(m, "vitals_quality_accuracy", "model", MODEL, "window", w)).isNull();
            }
            assertThat(sample(m, "vitals_quality_score_count", "model", MODEL, "name", "helpfulness", "source", "human")).isEqualTo(3.0);
            assertThat(sample(m, "vitals_quality_score_sum", "model", MODEL, "name", "helpfulness", "source", "human")).isEqualTo(11.0);
            assertThat(sample(m, "vitals_quality_score_bucket", "model", MODEL, "name", "helpfulness", "source", "human", "le", "2.0"))
                    .isEqualTo(1.0);
            assertThat(sample(m, "vitals_feedback_total", "outcome", "joined")).isEqualTo(4.0);
            assertThat(m.types.get("vitals_quality_score")).isEqualTo("histogram");

            // idempotency: the same feedback again is acknowledged as a duplicate and applied once
            JsonObject before = timeless(report(f, MODEL, "1h"));
            HttpResponse<String> again = feedback(f, fb1);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            assertThat(new JsonObject(again.body()).getBoolean("duplicate")).isTrue();
            // the same JSON written another way (fields in another order, other spacing) is the same feedback
            JsonObject reordered = new JsonObject();
            java.util.List<String> names = new java.util.ArrayList<>(fb1.fieldNames());
            java.util.Collections.reverse(names);
            names.forEach(n -> reordered.put(n, fb1.getValue(n)));
            HttpResponse<String> rewritten = f.post("/v1/feedback", reordered.encodePrettily());
            assertThat(rewritten.statusCode()).as(rewritten.body()).isEqualTo(200);
            assertThat(new JsonObject(rewritten.body()).getBoolean("duplicate")).isTrue();
            assertThat(timeless(report(f, MODEL, "1h"))).isEqualTo(before);
            assertThat(summary(report(f, MODEL, "1h"), "helpfulness", "human").getLong("count")).isEqualTo(3);

            // the same feedback id with another body: a conflict, nothing applied
            JsonObject changed = feedbackBody(c0, "fb-1", score("helpfulness", 1, "human"));
            JsonObject conflict = error(feedback(f, changed), 409);
            assertThat(conflict.getString("code")).isEqualTo("feedback_id_conflict");
            assertThat(conflict.getString("message")).contains("fb-1").contains("different body");
            assertThat(timeless(report(f, MODEL, "1h"))).isEqualTo(before);

            // a request id the server never saw: stored, waiting for its call's row (202), nothing applied yet
            HttpResponse<String> unknown = feedback(f, feedbackBody("no-such-call-42", "fb-9", score("helpfulness", 3, "human")));
            assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(202);
            assertThat(new JsonObject(unknown.body()).getString("status")).isEqualTo("pending");
            assertThat(timeless(report(f, MODEL, "1h"))).isEqualTo(before);

            m = f.metrics();
            assertThat(sample(m, "vitals_feedback_total", "outcome", "joined")).isEqualTo(4.0);
            assertThat(sample(m, "vitals_feedback_total", "outcome", "duplicate")).isEqualTo(2.0);
            assertThat(sample(m, "vitals_feedback_total", "outcome", "pending")).isEqualTo(1.0);
            assertThat(sample(m, "vitals_feedback_total", "outcome", "rejected")).isEqualTo(1.0);
            assertThat(sample(m, "vitals_quality_score_count", "model", MODEL, "name", "helpfulness", "source", "human")).isEqualTo(3.0);
        }
    }

    @Test
    void feedbackJoinsCallsWrittenToTheStore() throws Exception {
        // past the 500 ms flush the call is read back from SQLite, not the pending map
        try (ServerFixture f = ServerFixture.start(QualityHttp::fast)) {
            String id = chat(f, MODEL);
            Thread.sleep(1_200);
            HttpResponse<String> r = feedback(f, feedbackBody(id, "fb-stored", score("helpfulness", 4, "human")));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(summary(report(f, MODEL, "5m"), "helpfulness", "human").getLong("count")).isEqualTo(1);
        }
    }

    @Test
    void scoresForAClassificationModelAreTheWrongTask() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> QualityHttp.fast(cfg, "clf-model"))) {
            // the model's first data is classification...
            HttpResponse<String> ev = QualityHttp.evaluations(f, new JsonArray()
                    .add(new JsonObject().put("model", "clf-model").put("predicted", "a").put("actual", "a"))
                    .add(new JsonObject().put("model", "clf-model").put("predicted", "b").put("actual", "a")));
            assertThat(ev.statusCode()).as(ev.body()).isEqualTo(200);
            // ...then a call to it goes through the gateway and someone scores it
            String id = chat(f, "clf-model");
            JsonObject before = timeless(report(f, "clf-model", "5m"));
            assertThat(before.getString("task")).isEqualTo("classification");
            JsonObject e = error(feedback(f, feedbackBody(id, "fb-clf", score("helpfulness", 4, "human"))), 422);
            assertThat(e.getString("code")).isEqualTo("wrong_task");
            assertThat(e.getString("message")).isEqualTo("model 'clf-model' is a classification model; scores are for LLM calls");
            assertThat(timeless(report(f, "clf-model", "5m"))).isEqualTo(before);
            assertThat(sample(f.metrics(), "vitals_feedback_total", "outcome", "rejected")).isEqualTo(1.0);
            assertThat(sample(f.metrics(), "vitals_feedback_total", "outcome", "joined")).isNull();
        }
    }

    @Test
    void feedbackSurvivesARestart() throws Exception {
        String store = dir.resolve("state").resolve("vitals.db").toString();
        String before;
        String after;
        JsonObject fb1;
        try (ServerFixture f = ServerFixture.start(cfg -> {
            QualityHttp.fast(cfg);
            cfg.store.path = store;
        })) {
            before = chat(f, MODEL);
            after = chat(f, MODEL);
            fb1 = feedbackBody(before, "fb-before", score("helpfulness", 3, "human"), score("hallucination", true, "llm_judge"));
            assertThat(feedback(f, fb1).statusCode()).isEqualTo(200);
        }
        // a new server on the same store: the windows were saved on close and are restored
        try (ServerFixture f = ServerFixture.start(cfg -> {
            QualityHttp.fast(cfg);
            cfg.store.path = store;
        })) {
            JsonObject rep = report(f, MODEL, "1h");
            assertThat(summary(rep, "helpfulness", "human").getLong("count")).isEqualTo(1);
            assertThat(summary(rep, "helpfulness", "human").getDouble("mean")).isEqualTo(3.0);
            assertThat(rep.getJsonObject("scores").getJsonObject("hallucination").getLong("count")).isEqualTo(1);
            assertThat(sample(f.metrics(), "vitals_quality_hallucination_rate", "model", MODEL, "window", "1h")).isEqualTo(1.0);

            // feedback for a call made before the restart still joins: the call is in the store
            HttpResponse<String> r = feedback(f, feedbackBody(after, "fb-after", score("helpfulness", 5, "human"),
                    score("hallucination", false, "llm_judge")));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(new JsonObject(r.body()).getString("model")).isEqualTo(MODEL);
            rep = report(f, MODEL, "1h");
            assertThat(summary(rep, "helpfulness", "human").getLong("count")).isEqualTo(2);
            assertThat(summary(rep, "helpfulness", "human").getDouble("mean")).isEqualTo(4.0);
            assertThat(rep.getJsonObject("scores").getJsonObject("hallucination").getDouble("value")).isEqualTo(0.5);

            // and the feedback ids are remembered: the one sent before the restart is a duplicate
            HttpResponse<String> dup = feedback(f, fb1);
            assertThat(dup.statusCode()).as(dup.body()).isEqualTo(200);
            assertThat(new JsonObject(dup.body()).getBoolean("duplicate")).isTrue();
            assertThat(summary(report(f, MODEL, "1h"), "helpfulness", "human").getLong("count")).isEqualTo(2);
            PromText m = f.metrics();
            assertThat(sample(m, "vitals_feedback_total", "outcome", "joined")).isEqualTo(1.0);
            assertThat(sample(m, "vitals_feedback_total", "outcome", "duplicate")).isEqualTo(1.0);
        }
    }

    @Test
    void feedbackForAnOldCallIsLateButApplied() throws Exception {
        // a call from 30 hours ago, as an earlier server run would have left it in the store
        Path store = dir.resolve("late.db");
        long old = System.currentTimeMillis() - 30 * 3_600_000L;
        try (dev.vitals.server.store.JdbcStateStore s = dev.vitals.server.store.JdbcStateStore.sqlite(store)) {
            s.insertCalls(List.of(new dev.vitals.server.store.CallRow("old-call-1", MODEL, old, null, Double.NaN)));
        }
        try (ServerFixture f = ServerFixture.start(cfg -> {
            QualityHttp.fast(cfg);
            cfg.store.path = store.toString();
            cfg.quality.lateAfterHours = 24;
        })) {
            String fresh = chat(f, MODEL);
            HttpResponse<String> r = feedback(f, feedbackBody("old-call-1", "late-1", score("helpfulness", 1, "human")));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(new JsonObject(r.body())).isEqualTo(new JsonObject().put("status", "ok").put("model", MODEL)
                    .put("duplicate", false).put("late", true));
            r = feedback(f, feedbackBody(fresh, "late-2", score("helpfulness", 5, "human")));
            assertThat(new JsonObject(r.body()).getBoolean("late")).isFalse();
            // applied when it arrives: in the shortest window too
            assertThat(summary(report(f, MODEL, "5m"), "helpfulness", "human").getDouble("mean")).isEqualTo(3.0);
            PromText m = f.metrics();
            assertThat(sample(m, "vitals_feedback_total", "outcome", "late")).isEqualTo(1.0);
            assertThat(sample(m, "vitals_feedback_total", "outcome", "joined")).isEqualTo(1.0);
        }
    }

    @Test
    void concurrentFeedbackFromManyClientsIsCountedExactly() throws Exception {
        try (ServerFixture f = ServerFixture.start(QualityHttp::fast)) {
            List<String> calls = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                calls.add(chat(f, MODEL));
            }
            // 200 feedbacks (4 per call) and 40 retries of some of them, from 16 client threads at once
            List<JsonObject> bodies = new ArrayList<>();
            double sum = 0;
            int hallucinations = 0;
            for (int i = 0; i < 200; i++) {
                int value = 1 + i % 5;
                boolean hal = i % 4 == 0;
                sum += value;
                hallucinations += hal ? 1 : 0;
                bodies.add(feedbackBody(calls.get(i % 50), "c-" + i, score("helpfulness", value, "human"),
                        score("hallucination", hal, "llm_judge")));
            }
            List<JsonObject> all = new ArrayList<>(bodies);
            for (int i = 0; i < 40; i++) {
                all.add(bodies.get(i * 5));
            }
            java.util.Collections.shuffle(all, new java.util.Random(7));
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                for (JsonObject b : all) {
                    answers.add(pool.submit(() -> feedback(f, b)));
                }
                int duplicates = 0;
                for (Future<HttpResponse<String>> a : answers) {
                    HttpResponse<String> r = a.get(20, TimeUnit.SECONDS);
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    duplicates += new JsonObject(r.body()).getBoolean("duplicate") ? 1 : 0;
                }
                assertThat(duplicates).isEqualTo(40);
            } finally {
                pool.shutdownNow();
            }
            JsonObject rep = report(f, MODEL, "5m");
            JsonObject help = summary(rep, "helpfulness", "human");
            assertThat(help.getLong("count")).isEqualTo(200);
            assertThat(help.getDouble("mean")).isCloseTo(sum / 200, within(1e-12));
            assertThat(rep.getJsonObject("scores").getJsonObject("hallucination"))
                    .isEqualTo(new JsonObject().put("count", hallucinations).put("total", 200).put("value", hallucinations / 200.0));
            PromText m = f.metrics();
            assertThat(sample(m, "vitals_feedback_total", "outcome", "joined")).isEqualTo(200.0);
            assertThat(sample(m, "vitals_feedback_total", "outcome", "duplicate")).isEqualTo(40.0);
            assertThat(sample(m, "vitals_feedback_total", "outcome", "rejected")).isNull();
            assertThat(sample(m, "vitals_quality_score_count", "model", MODEL, "name", "helpfulness", "source", "human")).isEqualTo(200.0);
            assertThat(sample(m, "vitals_quality_score_mean", "model", MODEL, "window", "5m", "name", "helpfulness", "source", "human"))
                    .isCloseTo(sum / 200, within(1e-12));
            assertThat(hallucinations).isEqualTo(50);
        }
    }
}
