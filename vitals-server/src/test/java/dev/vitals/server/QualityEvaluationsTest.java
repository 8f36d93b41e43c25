package dev.vitals.server;

import static dev.vitals.server.QualityHttp.evaluations;
import static dev.vitals.server.QualityHttp.report;
import static dev.vitals.server.QualityHttp.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * POST /v1/evaluations with batches for models served elsewhere, and GET /v1/quality against
 * scikit-learn: src/test/resources/quality-api/golden.json, written by
 * src/test/python/gen_quality_api_golden.py.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QualityEvaluationsTest {
    private static final double TOL = 1e-9;
    private static JsonObject golden;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = QualityEvaluationsTest.class.getResourceAsStream("/quality-api/golden.json")) {
            assertThat(in).as("quality-api/golden.json on the test classpath").isNotNull();
            golden = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static ServerFixture server() throws Exception {
        JsonObject b = golden.getJsonObject("binary");
        return ServerFixture.start(cfg -> {
            QualityHttp.fast(cfg);
            cfg.quality.binaryModels.put(b.getString("model"), List.of(b.getString("negative"), b.getString("positive")));
        });
    }

    private static void post(ServerFixture f, JsonArray records) throws Exception {
        HttpResponse<String> r = evaluations(f, records);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(new JsonObject(r.body())).isEqualTo(new JsonObject().put("status", "ok").put("applied", records.size()).put("late", 0));
    }

    @Test
    void classificationAndRegressionMatchScikitLearn() throws Exception {
        try (ServerFixture f = server()) {
            JsonObject bin = golden.getJsonObject("binary");
            JsonObject multi = golden.getJsonObject("multiclass");
            JsonObject reg = golden.getJsonObject("regression");
            // the binary batch in two requests, to check batches add up; the others in one
            JsonArray binRecords = bin.getJsonArray("records");
            post(f, new JsonArray(binRecords.getList().subList(0, 50)));
            post(f, new JsonArray(binRecords.getList().subList(50, binRecords.size())));
            post(f, multi.getJsonArray("records"));
            post(f, reg.getJsonArray("records"));

            for (String window : List.of("5m", "1h", "24h")) {
                JsonObject rb = report(f, bin.getString("model"), window);
                assertThat(rb.getString("task")).isEqualTo("classification");
                checkClassification(rb.getJsonObject("classification"), bin.getJsonObject("expected"));
                JsonObject rm = report(f, multi.getString("model"), window);
                assertThat(rm.getString("task")).isEqualTo("classification");
                checkClassification(rm.getJsonObject("classification"), multi.getJsonObject("expected"));
                JsonObject rr = report(f, reg.getString("model"), window);
                assertThat(rr.getString("task")).isEqualTo("regression");
                JsonObject e = reg.getJsonObject("expected");
                JsonObject a = rr.getJsonObject("regression");
                assertThat(a.getLong("count")).isEqualTo(e.getLong("count"));
                for (String k : List.of("rmse", "mae", "mape", "r2")) {
                    assertThat(a.getDouble(k)).as(k).isCloseTo(e.getDouble(k), within(TOL));
                }
                assertThat(rr.getJsonObject("classification").getLong("count")).isZero();
            }

            // the same numbers on /metrics
            PromText m = f.metrics();
            JsonObject be = bin.getJsonObject("expected");
            String bm = bin.getString("model");
            assertThat(sample(m, "vitals_quality_accuracy", "model", bm, "window", "1h")).isCloseTo(be.getDouble("accuracy"), within(TOL));
            assertThat(sample(m, "vitals_quality_f1_macro", "model", bm, "window", "1h"))
                    .isCloseTo(be.getJsonObject("macro").getDouble("f1"), within(TOL));
            assertThat(sample(m, "vitals_quality_f1_weighted", "model", bm, "window", "1h"))
                    .isCloseTo(be.getJsonObject("weighted").getDouble("f1"), within(TOL));
            assertThat(sample(m, "vitals_quality_precision_macro", "model", bm, "window", "1h"))
                    .isCloseTo(be.getJsonObject("macro").getDouble("precision"), within(TOL));
            assertThat(sample(m, "vitals_quality_recall_macro", "model", bm, "window", "1h"))
                    .isCloseTo(be.getJsonObject("macro").getDouble("recall"), within(TOL));
            assertThat(sample(m, "vitals_quality_log_loss", "model", bm, "window", "1h")).isCloseTo(be.getDouble("log_loss"), within(TOL));
            double bound = report(f, bm, "1h").getJsonObject("classification").getDouble("roc_auc_error_bound");
            assertThat(sample(m, "vitals_quality_roc_auc", "model", bm, "window", "1h"))
                    .isCloseTo(be.getDouble("roc_auc"), within(bound + 1e-12));
            JsonObject me = multi.getJsonObject("expected");
            assertThat(sample(m, "vitals_quality_log_loss", "model", multi.getString("model"), "window", "5m"))
                    .isCloseTo(me.getDouble("log_loss"), within(TOL));
            JsonObject re = reg.getJsonObject("expected");
            String rm = reg.getString("model");
            assertThat(sample(m, "vitals_quality_rmse", "model", rm, "window", "24h")).isCloseTo(re.getDouble("rmse"), within(TOL));
            assertThat(sample(m, "vitals_quality_mae", "model", rm, "window", "24h")).isCloseTo(re.getDouble("mae"), within(TOL));
            assertThat(sample(m, "vitals_quality_mape", "model", rm, "window", "24h")).isCloseTo(re.getDouble("mape"), within(TOL));
            assertThat(sample(m, "vitals_quality_r2", "model", rm, "window", "24h")).isCloseTo(re.getDouble("r2"), within(TOL));
            // a regression model has no classification gauges
            assertThat(sample(m, "vitals_quality_accuracy", "model", rm, "window", "24h")).isNull();
        }
    }

    private static void checkClassification(JsonObject a, JsonObject e) {
        assertThat(a.getLong("count")).isEqualTo(e.getLong("count"));
        assertThat(a.getDouble("accuracy")).isCloseTo(e.getDouble("accuracy"), within(TOL));
        JsonArray labels = e.getJsonArray("labels");
        JsonArray classes = a.getJsonArray("classes");
        assertThat(classes.size()).isEqualTo(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            JsonObject c = classes.getJsonObject(i);
            assertThat(c.getString("label")).isEqualTo(labels.getString(i));
            assertThat(c.getDouble("precision")).as("precision " + i).isCloseTo(e.getJsonArray("precision").getDouble(i), within(TOL));
            assertThat(c.getDouble("recall")).as("recall " + i).isCloseTo(e.getJsonArray("recall").getDouble(i), within(TOL));
            assertThat(c.getDouble("f1")).as("f1 " + i).isCloseTo(e.getJsonArray("f1").getDouble(i), within(TOL));
            assertThat(c.getLong("support")).isEqualTo(e.getJsonArray("support").getLong(i));
        }
        for (String avg : List.of("macro", "micro", "weighted")) {
            for (String k : List.of("precision", "recall", "f1")) {
                assertThat(a.getJsonObject(avg).getDouble(k)).as(avg + " " + k)
                        .isCloseTo(e.getJsonObject(avg).getDouble(k), within(TOL));
            }
        }
        assertThat(a.getJsonObject("confusion").getJsonArray("labels")).isEqualTo(labels);
        assertThat(a.getJsonObject("confusion").getJsonArray("counts")).isEqualTo(e.getJsonArray("confusion"));
        assertThat(a.getString("positive_label")).isEqualTo(e.getString("positive_label"));
        assertThat(a.getLong("scored_count")).isEqualTo(e.getLong("scored_count"));
        assertThat(a.getDouble("log_loss")).isCloseTo(e.getDouble("log_loss"), within(TOL));
        double bound = a.getDouble("roc_auc_error_bound");
        // the binned AUC is within the bound the report states, and the bound is small
        assertThat(bound).isBetween(0.0, 5e-3);
        assertThat(a.getDouble("roc_auc")).isCloseTo(e.getDouble("roc_auc"), within(bound + 1e-12));
    }

    @Test
    void textRecordsGiveBleuAndRouge() throws Exception {
        try (ServerFixture f = server()) {
            JsonObject text = golden.getJsonObject("text");
            post(f, text.getJsonArray("records"));
            // a second model whose candidates equal their references: BLEU and ROUGE are exactly 1
            post(f, new JsonArray()
                    .add(new JsonObject().put("model", "echo").put("candidate", "the cat sat on the mat today")
                            .put("references", new JsonArray().add("the cat sat on the mat today")))
                    .add(new JsonObject().put("model", "echo").put("candidate", "a dog runs in the park at noon")
                            .put("references", new JsonArray().add("a dog runs in the park at noon").add("something else"))));

            JsonObject r = report(f, text.getString("model"), "1h");
            assertThat(r.getString("task")).isEqualTo("llm");
            JsonObject t = r.getJsonObject("text");
            assertThat(t.getLong("pairs")).isEqualTo(text.getJsonObject("expected").getLong("pairs"));
            // corpus BLEU as NLTK's corpus_bleu on str.split() tokens
            assertThat(t.getDouble("bleu")).isCloseTo(text.getJsonObject("expected").getDouble("bleu"), within(TOL));
            JsonObject rouge = t.getJsonObject("rouge");
            for (String k : List.of("rouge1", "rouge2", "rouge_l")) {
                assertThat(rouge.getDouble(k)).as(k).isStrictlyBetween(0.0, 1.0);
            }
            assertThat(rouge.getDouble("rouge1")).isGreaterThanOrEqualTo(rouge.getDouble("rouge2"));

            JsonObject echo = report(f, "echo", "5m").getJsonObject("text");
            assertThat(echo.getLong("pairs")).isEqualTo(2);
            assertThat(echo.getDouble("bleu")).isEqualTo(1.0);
            assertThat(echo.getJsonObject("rouge")).isEqualTo(new JsonObject().put("rouge1", 1.0).put("rouge2", 1.0).put("rouge_l", 1.0));

            PromText m = f.metrics();
            assertThat(sample(m, "vitals_quality_bleu", "model", text.getString("model"), "window", "1h"))
                    .isCloseTo(text.getJsonObject("expected").getDouble("bleu"), within(TOL));
            assertThat(sample(m, "vitals_quality_bleu", "model", "echo", "window", "1h")).isEqualTo(1.0);
        }
    }
}
