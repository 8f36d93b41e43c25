package dev.vitals.server;

import static dev.vitals.server.QualityHttp.error;
import static dev.vitals.server.QualityHttp.sample;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Delayed ground truth through the real server: predictions stored durably, actuals joined later —
 * a day later, after a restart, or before their prediction — into the quality window of the
 * prediction's time; idempotent; bad batches refused whole.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class GroundTruthTest {
    private static final String MODEL = "fraud-v3";
    private static final long DAY = 86_400_000L;

    private static JsonObject prediction(String id, String predicted, double score, long time) {
        return new JsonObject().put("model", MODEL).put("id", id).put("predicted", predicted).put("score", score)
                .put("time", time).put("features", new JsonObject().put("amount", 12.5).put("country", "FR"));
    }

    private static JsonObject actual(String id, Object actual) {
        return new JsonObject().put("model", MODEL).put("id", id).put("actual", actual);
    }

    private static HttpResponse<String> post(ServerFixture f, String path, JsonObject... records) throws Exception {
        JsonArray a = new JsonArray();
        for (JsonObject r : records) {
            a.add(r);
        }
        return f.post(path, new JsonObject().put("records", a).encode());
    }

    private static JsonObject ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    private static JsonObject classification(ServerFixture f, String window) throws Exception {
        HttpResponse<String> r = f.get("/v1/quality?model=" + MODEL + "&window=" + window);
        return r.statusCode() == 200 ? new JsonObject(r.body()).getJsonObject("classification") : null;
    }

    private static JsonObject awaitCount(ServerFixture f, String window, long count) throws Exception {
        long end = System.currentTimeMillis() + 15_000;
        JsonObject c = null;
        while (System.currentTimeMillis() < end) {
            c = classification(f, window);
            if (c != null && c.getLong("count", 0L) == count) {
                return c;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("classification count did not reach " + count + ": " + c);
    }

    private static void setup(dev.vitals.server.config.VitalsConfig cfg, Path db) {
        QualityHttp.fast(cfg);
        cfg.store.path = db.toString();
        cfg.quality.binaryModels.put(MODEL, java.util.List.of("legit", "fraud"));
        cfg.quality.windows = java.util.List.of("5m", "2d");
    }

    @Test
    void actualsJoinPredictionsADayLaterAcrossARestartIdempotently() throws Exception {
        Path db = Files.createTempDirectory("vitals-gt").resolve("vitals.db");
        long yesterday = System.currentTimeMillis() - DAY + 60_000;
        try (ServerFixture f = ServerFixture.start(cfg -> setup(cfg, db))) {
            JsonObject r = ok(post(f, "/v1/predictions", prediction("t1", "fraud", 0.9, yesterday),
                    prediction("t2", "legit", 0.2, yesterday), prediction("t3", "fraud", 0.7, yesterday),
                    prediction("t4", "legit", 0.4, yesterday)));
            assertThat(r.getInteger("stored")).isEqualTo(4);
            assertThat(ok(post(f, "/v1/predictions", prediction("t1", "fraud", 0.9, yesterday))).getInteger("duplicates")).isEqualTo(1);
            // the features and the predictions feed drift
            assertThat(f.get("/v1/drift?model=" + MODEL).body()).contains("amount").contains("prediction");
        }
        // a new process on the same store: the predictions are there
        try (ServerFixture f = ServerFixture.start(cfg -> setup(cfg, db))) {
            JsonObject r = ok(post(f, "/v1/actuals", actual("t1", "fraud"), actual("t2", "legit"), actual("t3", "legit"),
                    actual("t4", "legit")));
            assertThat(r.getInteger("joined")).isEqualTo(4);
            JsonObject c = awaitCount(f, "2d", 4);
            assertThat(c.getDouble("accuracy")).isEqualTo(0.75);
            // the pairs land in the window of the prediction's time (yesterday): the 2d window holds them,
            // the 5m window of now does not
            JsonObject now5m = classification(f, "5m");
            assertThat(now5m == null ? 0L : now5m.getLong("count", 0L)).as(String.valueOf(now5m)).isZero();
            // the same actuals again: duplicates, nothing counted twice
            JsonObject again = ok(post(f, "/v1/actuals", actual("t1", "fraud"), actual("t2", "legit")));
            assertThat(again.getInteger("duplicates")).isEqualTo(2);
            // another actual for a joined prediction: the whole batch is refused
            error(post(f, "/v1/actuals", actual("t9", "fraud"), actual("t1", "legit")), 409);
            Thread.sleep(300);
            assertThat(awaitCount(f, "2d", 4).getDouble("accuracy")).isEqualTo(0.75);
            PromText m = f.metrics();
            assertThat(sample(m, "vitals_actuals_total", "outcome", "joined")).isEqualTo(4.0);
            assertThat(sample(m, "vitals_actuals_total", "outcome", "duplicate")).isEqualTo(2.0);
            assertThat(sample(m, "vitals_label_delay_seconds_count", "model", MODEL)).isEqualTo(4.0);
            // the one fraud scored above every legit transaction
            assertThat(sample(m, "vitals_quality_roc_auc", "model", MODEL, "window", "2d")).isEqualTo(1.0);
            assertThat(sample(m, "vitals_label_delay_seconds_bucket", "model", MODEL, "le", "43200.0")).isEqualTo(0.0);
        }
    }

    @Test
    void anActualBeforeItsPredictionWaitsAndJoinsWhenThePredictionArrives() throws Exception {
        Path db = Files.createTempDirectory("vitals-gt").resolve("vitals.db");
        try (ServerFixture f = ServerFixture.start(cfg -> setup(cfg, db))) {
            JsonObject r = ok(post(f, "/v1/actuals", actual("early", "fraud")));
            assertThat(r.getInteger("pending")).isEqualTo(1);
            assertThat(ok(post(f, "/v1/actuals", actual("early", "fraud"))).getInteger("duplicates")).isEqualTo(1);
            ok(post(f, "/v1/predictions", prediction("early", "fraud", 0.8, System.currentTimeMillis())));
            JsonObject c = awaitCount(f, "5m", 1);
            assertThat(c.getDouble("accuracy")).isEqualTo(1.0);
            PromText m = f.metrics();
            assertThat(sample(m, "vitals_actuals_total", "outcome", "pending")).isEqualTo(1.0);
            assertThat(sample(m, "vitals_actuals_total", "outcome", "joined")).isEqualTo(1.0);
        }
    }

    @Test
    void badBatchesAreRefusedWholeNamingTheRecord() throws Exception {
        Path db = Files.createTempDirectory("vitals-gt").resolve("vitals.db");
        try (ServerFixture f = ServerFixture.start(cfg -> setup(cfg, db))) {
            long now = System.currentTimeMillis();
            JsonObject good = prediction("g1", "fraud", 0.9, now);
            Object[][] cases = {
                    {new JsonObject().put("model", MODEL).put("id", "x").put("predicted", new JsonObject()), "records[1].predicted"},
                    {new JsonObject().put("model", MODEL).put("id", "x"), "records[1].predicted is required"},
                    {new JsonObject().put("id", "x").put("predicted", "a"), "records[1].model"},
                    {new JsonObject().put("model", MODEL).put("id", "x".repeat(300)).put("predicted", "a"), "records[1].id"},
                    {new JsonObject().put("model", MODEL).put("id", "x").put("predicted", "a").put("score", 1.5), "records[1].score"},
                    {new JsonObject().put("model", MODEL).put("id", "x").put("predicted", "a").put("extra", 1), "unknown field 'extra'"},
                    {new JsonObject().put("model", MODEL).put("id", "x").put("predicted", "a").put("time", now + DAY), "records[1].time"},
                    {new JsonObject().put("model", MODEL).put("id", "g1").put("predicted", "a"), "appear twice"},
                    {new JsonObject().put("model", "not-binary").put("id", "x").put("predicted", "a").put("score", 0.5),
                            "records[1].score needs the model's two labels in quality.binaryModels.not-binary"},
            };
            for (Object[] c : cases) {
                JsonObject e = error(post(f, "/v1/predictions", good, (JsonObject) c[0]), 400);
                assertThat(e.getString("message")).as(c[0].toString()).contains((String) c[1]);
            }
            error(f.post("/v1/predictions", "{\"records\": []}"), 400);
            error(f.post("/v1/predictions", "{\"records\": 5}"), 400);
            error(f.post("/v1/predictions", "[1]"), 400);
            error(f.post("/v1/predictions", "not json"), 400);
            JsonArray many = new JsonArray();
            for (int i = 0; i < 10_001; i++) {
                many.add(new JsonObject().put("model", MODEL).put("id", "m" + i).put("predicted", "a"));
            }
            error(f.post("/v1/predictions", new JsonObject().put("records", many).encode()), 413);
            error(post(f, "/v1/actuals", actual("g1", new JsonArray())), 400);
            error(post(f, "/v1/actuals", new JsonObject().put("model", MODEL).put("id", "g1")), 400);
            // nothing of the refused batches was stored: g1's actual waits for a prediction
            assertThat(ok(post(f, "/v1/actuals", actual("g1", "fraud"))).getInteger("pending")).isEqualTo(1);
            assertThat(sample(f.metrics(), "vitals_predictions_total", "outcome", "stored")).as("no series for what never happened").isNull();
            // a numeric prediction needs a numeric actual
            ok(post(f, "/v1/predictions", new JsonObject().put("model", "price").put("id", "p1").put("predicted", 12.5)));
            JsonObject e = error(post(f, "/v1/actuals", new JsonObject().put("model", "price").put("id", "p1").put("actual", "high")), 400);
            assertThat(e.getString("message")).contains("records[0].actual must be a number");
        }
    }
}
