package dev.vitals.server.quality;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.labels.MetricFamilies;
import dev.vitals.server.config.ConfigLoader;
import dev.vitals.server.config.VitalsConfig;
import dev.vitals.server.drift.DriftService;
import dev.vitals.server.store.GroupCommitter;
import dev.vitals.server.store.JdbcStateStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Label coverage and delay with an injected clock, on a real SQLite store: predictions now, half their actuals exactly a
 * day later, the rest two days later, one actual before its (late) prediction; coverage 0 -> 0.5 -> 1, every delay in its
 * bucket, and the predictions leave the coverage window when the clock passes it. A second service on the same store (a restart) reads the same coverage.
 */
class LabelCoverageClockTest {
    private static final String MODEL = "churn";
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;

    @TempDir
    Path dir;

    private static JsonObject records(JsonObject... rs) {
        JsonArray a = new JsonArray();
        for (JsonObject r : rs) {
            a.add(r);
        }
        return new JsonObject().put("records", a);
    }

    /** POST /v1/predictions' path without the server: parsed, stored. */
    private static GroundTruthService.PredictionsResult predict(GroundTruthService gt, JsonObject body) {
        return gt.predictions(gt.requests().predictions(body));
    }

    private static GroundTruthService.ActualsResult actuals(GroundTruthService gt, JsonObject body) {
        return gt.actuals(gt.requests().actuals(body));
    }

    /** The label coverage as the API writes it, or null. */
    private static JsonObject coverage(GroundTruthService gt) {
        GroundTruthService.Coverage c = gt.labelCoverage(MODEL);
        return c == null ? null : GroundTruthReports.coverage(c);
    }

    private static JsonObject prediction(String id) {
        return new JsonObject().put("model", MODEL).put("id", id).put("predicted", "stays");
    }

    private static JsonObject actual(String id) {
        return new JsonObject().put("model", MODEL).put("id", id).put("actual", "stays");
    }

    private static GroundTruthService service(JdbcStateStore store, GroupCommitter writer, PrometheusRegistry registry,
                                              AtomicLong clock) {
        VitalsConfig cfg = ConfigLoader.load(new ConfigLoader.Overrides(), Map.of());
        cfg.quality.windows = java.util.List.of("5m", "7d");
        QualityService quality = new QualityService(cfg.quality, store, writer, registry, MetricFamilies.of(registry).policy(), null);
        DriftService drift = new DriftService(cfg.drift, store, registry, clock::get);
        return new GroundTruthService(store, quality, drift, null, DAY, java.util.Set.of(), 72 * HOUR, registry, clock::get);
    }

    /** The cumulative count of {@code vitals_label_delay_seconds{model}} at or below {@code le}, from the text exposition. */
    private static long delayBucket(PrometheusRegistry registry, double le) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create().write(out, registry.scrape());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^vitals_label_delay_seconds_bucket\\{([^}]*)\\} (\\S+)$")
                .matcher(out.toString(java.nio.charset.StandardCharsets.UTF_8));
        while (m.find()) {
            String labels = m.group(1);
            if (labels.contains("model=\"" + MODEL + "\"") && labels.contains("le=\"" + le + "\"")) {
                return (long) Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError("no bucket le=" + le + " of " + MODEL + " in:\n" + out);
    }

    @Test
    void coverageAndDelayFollowTheClock() throws Exception {
        // the predictions a week ago, so that the quality windows of the real clock still take their pairs
        AtomicLong clock = new AtomicLong(System.currentTimeMillis() - 7 * DAY + HOUR);
        long t0 = clock.get();
        try (JdbcStateStore store = JdbcStateStore.sqlite(dir.resolve("vitals.db"));
             GroupCommitter writer = new GroupCommitter(store, 0, null)) {
            PrometheusRegistry registry = new PrometheusRegistry();
            GroundTruthService gt = service(store, writer, registry, clock);
            predict(gt, records(prediction("a"), prediction("b"), prediction("c"), prediction("d")));
            assertThat(coverage(gt).getDouble("ratio")).isEqualTo(0.0);
            assertThat(coverage(gt).getLong("predictions")).isEqualTo(4);

            clock.set(t0 + DAY);
            actuals(gt, records(actual("a"), actual("b")));
            JsonObject c = coverage(gt);
            assertThat(c.getDouble("ratio")).isEqualTo(0.5);
            assertThat(c.getJsonObject("delay").getDouble("mean_seconds")).isEqualTo(86_400.0);
            assertThat(delayBucket(registry, 43_200)).isZero();
            assertThat(delayBucket(registry, 86_400)).as("a delay of exactly a day is in the le=86400 bucket").isEqualTo(2);

            // an actual whose prediction is not known yet waits; the prediction (made an hour before the actual came) is
            // posted 5 h later and the sweep joins them: the label delay ends when the actual arrived, not at the join
            clock.set(t0 + 2 * DAY);
            actuals(gt, records(actual("c"), actual("e")));
            assertThat(actuals(gt, records(actual("e"))).duplicates()).isEqualTo(1);
            clock.set(t0 + 2 * DAY + 5 * HOUR);
            predict(gt, records(prediction("e").put("time", t0 + 2 * DAY - HOUR)));
            assertThat(gt.sweep()).isEqualTo(1);
            actuals(gt, records(actual("d")));
            c = coverage(gt);
            assertThat(c.getLong("predictions")).isEqualTo(5);
            assertThat(c.getDouble("ratio")).isEqualTo(1.0);
            // a, b: 1 d; c: 2 d; e: 1 h (it arrived an hour after its prediction's time); d: 2 d 5 h
            assertThat(c.getJsonObject("delay").getDouble("max_seconds")).isEqualTo((2 * DAY + 5 * HOUR) / 1000.0);
            assertThat(delayBucket(registry, 3_600)).isEqualTo(1);
            assertThat(delayBucket(registry, 86_400)).isEqualTo(3);
            assertThat(delayBucket(registry, 2 * 86_400)).isEqualTo(4);
            assertThat(delayBucket(registry, 3 * 86_400)).isEqualTo(5);

            // a restart: a new service on the same store reads the same coverage
            GroundTruthService again = service(store, writer, new PrometheusRegistry(), clock);
            assertThat(coverage(again).getDouble("ratio")).isEqualTo(1.0);
            assertThat(coverage(again).getLong("with_actual")).isEqualTo(5);

            // the window (72 h) passes the first four predictions: only e is left
            clock.set(t0 + 3 * DAY + HOUR);
            GroundTruthService later = service(store, writer, new PrometheusRegistry(), clock);
            assertThat(coverage(later).getLong("predictions")).isEqualTo(1);
            clock.set(t0 + 6 * DAY);
            assertThat(coverage(service(store, writer, new PrometheusRegistry(), clock))).as("no prediction left").isNull();
        }
    }
}
