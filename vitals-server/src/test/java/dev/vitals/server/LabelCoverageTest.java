package dev.vitals.server;

import static dev.vitals.server.QualityHttp.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Label coverage of delayed ground truth through the real server and its SQLite store: predictions made a day ago (their
 * {@code time}), actuals arriving now, in halves, one before its prediction; coverage 0, then 0.5 — the same after a
 * restart, read from the store — then 1; the label delay histogram counts each joined pair in its bucket; predictions
 * older than the window do not count.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LabelCoverageTest {
    private static final String MODEL = "fraud-v3";
    private static final long DAY = 86_400_000L;

    private static JsonObject prediction(String id, String predicted, long time) {
        return new JsonObject().put("model", MODEL).put("id", id).put("predicted", predicted).put("time", time);
    }

    private static JsonObject actual(String id, Object actual) {
        return new JsonObject().put("model", MODEL).put("id", id).put("actual", actual);
    }

    private static JsonObject post(ServerFixture f, String path, JsonObject... records) throws Exception {
        JsonArray a = new JsonArray();
        for (JsonObject r : records) {
            a.add(r);
        }
        HttpResponse<String> r = f.post(path, new JsonObject().put("records", a).encode());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    /** GET /v1/quality's label_coverage for the model (200 even before any actual: no quality numbers yet). */
    private static JsonObject coverage(ServerFixture f) throws Exception {
        HttpResponse<String> r = f.get("/v1/quality?model=" + MODEL + "&window=2d");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body()).getJsonObject("label_coverage");
    }

    private static void setup(dev.vitals.server.config.VitalsConfig cfg, Path db) {
        QualityHttp.fast(cfg);
        cfg.store.path = db.toString();
        cfg.quality.windows = java.util.List.of("5m", "2d");
        cfg.quality.retentionDays = 10; // keeps the 8-day-old prediction in the store: the window, not retention, leaves it out
        cfg.quality.labelCoverageHours = 168;
    }

    @Test
    void coverageGoesFromZeroToHalfToOneAcrossARestartWithTheDelayOfADay() throws Exception {
        Path db = Files.createTempDirectory("vitals-coverage").resolve("vitals.db");
        long now = System.currentTimeMillis();
        long dayAgo = now - DAY + 120_000; // a day before the actuals, less two minutes: the (12 h, 1 d] bucket
        try (ServerFixture f = ServerFixture.start(cfg -> setup(cfg, db))) {
            assertThat(f.get("/v1/quality?model=" + MODEL + "&window=2d").statusCode()).as("nothing known of the model").isEqualTo(404);
            post(f, "/v1/predictions", prediction("t1", "fraud", dayAgo), prediction("t2", "legit", dayAgo),
                    prediction("t3", "fraud", dayAgo), prediction("t4", "legit", dayAgo),
                    prediction("old", "legit", now - 8 * DAY)); // outside the 7-day window
            JsonObject c = coverage(f);
            assertThat(c.getDouble("ratio")).isEqualTo(0.0);
            assertThat(c.getLong("predictions")).isEqualTo(4);
            assertThat(c.getLong("with_actual")).isZero();
            assertThat(c.getDouble("window_hours")).isEqualTo(168.0);
            assertThat(c.containsKey("delay")).as("no actual: no delay").isFalse();
            PromText m = f.metrics();
            assertThat(sample(m, "vitals_label_coverage_ratio", "model", MODEL)).isEqualTo(0.0);
            assertThat(sample(m, "vitals_label_coverage_predictions", "model", MODEL)).isEqualTo(4.0);
            assertThat(sample(m, "vitals_label_delay_seconds_count", "model", MODEL)).as("no pair joined yet").isNull();

            assertThat(post(f, "/v1/actuals", actual("t1", "fraud"), actual("t2", "fraud")).getInteger("joined")).isEqualTo(2);
            c = coverage(f);
            assertThat(c.getDouble("ratio")).isEqualTo(0.5);
            assertThat(c.getLong("with_actual")).isEqualTo(2);
            double delay = c.getJsonObject("delay").getDouble("mean_seconds");
            assertThat(delay).isCloseTo((DAY - 120_000) / 1000.0, within(30.0));
            assertThat(c.getJsonObject("delay").getDouble("max_seconds")).isCloseTo(delay, within(30.0));
            m = f.metrics();
            assertThat(sample(m, "vitals_label_coverage_ratio", "model", MODEL)).isEqualTo(0.5);
            assertThat(sample(m, "vitals_label_delay_seconds_count", "model", MODEL)).isEqualTo(2.0);
            assertThat(sample(m, "vitals_label_delay_seconds_bucket", "model", MODEL, "le", "43200.0")).isEqualTo(0.0);
            assertThat(sample(m, "vitals_label_delay_seconds_bucket", "model", MODEL, "le", "86400.0")).isEqualTo(2.0);
            // the dashboard's history carries it too
            JsonObject history = new JsonObject(f.get("/v1/quality?range=1h&model=" + MODEL).body());
            assertThat(history.getJsonObject("label_coverage").getJsonObject(MODEL).getDouble("ratio")).isEqualTo(0.5);
        }
        // a new process on the same store: the coverage is what is stored, not what this process saw
        try (ServerFixture f = ServerFixture.start(cfg -> setup(cfg, db))) {
            JsonObject c = coverage(f);
            assertThat(c.getDouble("ratio")).isEqualTo(0.5);
            assertThat(c.getLong("predictions")).isEqualTo(4);
            assertThat(sample(f.metrics(), "vitals_label_coverage_ratio", "model", MODEL)).isEqualTo(0.5);
            // an actual before its prediction waits, joins when the prediction comes, and counts from its prediction's time
            assertThat(post(f, "/v1/actuals", actual("t5", "legit")).getInteger("pending")).isEqualTo(1);
            post(f, "/v1/predictions", prediction("t5", "legit", dayAgo));
            post(f, "/v1/actuals", actual("t3", "fraud"), actual("t4", "legit"));
            long end = System.currentTimeMillis() + 15_000;
            while (coverage(f).getLong("with_actual") < 5 && System.currentTimeMillis() < end) {
                Thread.sleep(100); // the pending actual joins on the next sweep (500 ms)
            }
            c = coverage(f);
            assertThat(c.getDouble("ratio")).isEqualTo(1.0);
            assertThat(c.getLong("predictions")).isEqualTo(5);
            assertThat(c.getLong("with_actual")).isEqualTo(5);
            PromText m = f.metrics();
            assertThat(sample(m, "vitals_label_coverage_ratio", "model", MODEL)).isEqualTo(1.0);
            // this process joined three: counters start at zero in a new process, as Prometheus expects
            assertThat(sample(m, "vitals_label_delay_seconds_count", "model", MODEL)).isEqualTo(3.0);
            assertThat(sample(m, "vitals_label_delay_seconds_bucket", "model", MODEL, "le", "43200.0")).isEqualTo(0.0);
            assertThat(sample(m, "vitals_label_delay_seconds_bucket", "model", MODEL, "le", "86400.0")).isEqualTo(3.0);
            // and all five pairs are in the quality window of the predictions' time (two restored from the checkpoint)
            JsonObject report = new JsonObject(f.get("/v1/quality?model=" + MODEL + "&window=2d").body());
            assertThat(report.getJsonObject("classification").getLong("count")).isEqualTo(5);
        }
    }
}
