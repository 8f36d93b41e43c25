package dev.vitals.server.quality;

import static dev.vitals.server.api.ApiErrors.rejects;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.labels.MetricFamilies;
import dev.vitals.server.config.ConfigLoader;
import dev.vitals.server.config.VitalsConfig;
import dev.vitals.server.drift.DriftService;
import dev.vitals.server.store.CallRow;
import dev.vitals.server.store.GroupCommitter;
import dev.vitals.server.store.JdbcStateStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a joined pair becomes on a real SQLite store: classification (a label, a boolean as its text, with a score or
 * probabilities) or regression (numbers); and the pairs the quality windows refuse, as they always have: a numeric
 * prediction that carried a score or probabilities, and a prediction more than 30 days old by the wall clock. The
 * actuals batch is refused whole naming the pair's place among the batch's joins; the sweep gives such a waiting actual up.
 */
class GroundTruthJoinTest {
    private static final long DAY = 86_400_000L;

    @TempDir
    Path dir;

    private static JsonObject body(String records) {
        return new JsonObject("{\"records\":[" + records + "]}");
    }

    private static double expired(PrometheusRegistry registry) {
        return registry.scrape().stream().filter(s -> s.getMetadata().getName().equals("vitals_actuals"))
                .flatMap(s -> s.getDataPoints().stream())
                .filter(d -> "expired".equals(d.getLabels().get("outcome")))
                .mapToDouble(d -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) d).getValue())
                .sum();
    }

    /** A prediction's row as an older version stored it. */
    private static CallRow legacy(String model, String id, long time, String payload) {
        return new CallRow(GroundTruthRows.rowId(model, id), model, time, payload, Double.NaN);
    }

    @Test
    void pairsBecomeEvaluationRecordsOrAreRefusedAsBefore() {
        // the service's clock 29.5 days behind the wall clock: a prediction it takes as a day old is 30.5 days old by the wall
        AtomicLong clock = new AtomicLong(System.currentTimeMillis() - 29 * DAY - DAY / 2);
        try (JdbcStateStore store = JdbcStateStore.sqlite(dir.resolve("vitals.db"));
             GroupCommitter writer = new GroupCommitter(store, 0, null)) {
            PrometheusRegistry registry = new PrometheusRegistry();
            VitalsConfig cfg = ConfigLoader.load(new ConfigLoader.Overrides(), Map.of());
            cfg.quality.binaryModels.put("fraud", List.of("legit", "fraud"));
            cfg.quality.binaryModels.put("amount", List.of("low", "high"));
            QualityService quality = new QualityService(cfg.quality, store, writer, registry, MetricFamilies.of(registry).policy(), null);
            DriftService drift = new DriftService(cfg.drift, store, registry, clock::get);
            GroundTruthService gt = new GroundTruthService(store, quality, drift, null, DAY, cfg.quality.binaryModels.keySet(),
                    60 * DAY, registry, clock::get);
            GroundTruthRequests in = gt.requests();
            long now = clock.get();
            gt.predictions(in.predictions(body("{\"model\":\"fraud\",\"id\":\"s\",\"predicted\":\"fraud\",\"score\":0.9},"
                    + "{\"model\":\"topic\",\"id\":\"p\",\"predicted\":\"a\",\"probabilities\":{\"a\":0.7,\"b\":0.3}},"
                    + "{\"model\":\"churn\",\"id\":\"b\",\"predicted\":true},"
                    + "{\"model\":\"price\",\"id\":\"n\",\"predicted\":12},"
                    + "{\"model\":\"churn\",\"id\":\"old\",\"predicted\":\"stays\",\"time\":" + (now - DAY) + "}")));

            // numeric predictions with a score or probabilities: refused since (GroundTruthRequestsTest), but a store may hold
            // some from before; their pairs are refused at the join as they always were
            store.insertCalls(List.of(legacy("amount", "ns", now, "{\"predicted\":12.5,\"score\":0.5}"),
                    legacy("price", "np", now, "{\"predicted\":12.5,\"probabilities\":{\"a\":0.5}}")));

            assertThat(gt.actuals(in.actuals(body("{\"model\":\"fraud\",\"id\":\"s\",\"actual\":\"legit\"},"
                    + "{\"model\":\"topic\",\"id\":\"p\",\"actual\":\"b\"},{\"model\":\"churn\",\"id\":\"b\",\"actual\":\"true\"},"
                    + "{\"model\":\"price\",\"id\":\"n\",\"actual\":13.5}"))))
                    .isEqualTo(new GroundTruthService.ActualsResult(4, 0, 0));
            assertThat(gt.labelCoverage("churn").counts().withActual()).isEqualTo(1);
            // two problems: the malformed record is reported, though the conflicting actual (a 409 alone) comes first
            rejects(() -> gt.actuals(in.actuals(body("{\"model\":\"fraud\",\"id\":\"s\",\"actual\":\"fraud\"},{\"model\":\"fraud\"}"))),
                    400, "invalid_record", "records[1].id must be a string of 1 to 256 characters");

            // the first record waits for its prediction; the refused pair is the batch's first join: records[0]
            rejects(() -> gt.actuals(in.actuals(body("{\"model\":\"fraud\",\"id\":\"unknown\",\"actual\":\"legit\"},"
                    + "{\"model\":\"amount\",\"id\":\"ns\",\"actual\":13}"))), 400, "invalid_record",
                    "records[0]: a regression record has no score or probabilities");
            rejects(() -> gt.actuals(in.actuals(body("{\"model\":\"price\",\"id\":\"np\",\"actual\":13}"))), 400, "invalid_record",
                    "records[0]: a regression record has no score or probabilities");
            rejects(() -> gt.actuals(in.actuals(body("{\"model\":\"churn\",\"id\":\"b2\",\"actual\":true},"
                    + "{\"model\":\"churn\",\"id\":\"old\",\"actual\":\"stays\"}"))), 400, "invalid_time",
                    "records[0].time is more than 5 minutes in the future or 30 days in the past");
            assertThat(gt.labelCoverage("churn").counts().withActual()).as("nothing of the refused batches").isEqualTo(1);
            assertThat(store.findPending(GroundTruthRows.KIND, GroundTruthRows.rowId("fraud", "unknown"))).isNull();

            // waiting actuals whose pairs are refused: the sweep gives them up, counted
            gt.actuals(in.actuals(body("{\"model\":\"churn\",\"id\":\"old2\",\"actual\":\"stays\"},"
                    + "{\"model\":\"amount\",\"id\":\"ns2\",\"actual\":1}")));
            gt.predictions(in.predictions(body("{\"model\":\"churn\",\"id\":\"old2\",\"predicted\":\"stays\",\"time\":" + (now - DAY) + "}")));
            store.insertCalls(List.of(legacy("amount", "ns2", now, "{\"predicted\":2,\"score\":0.1}")));
            assertThat(gt.sweep()).isZero();
            assertThat(expired(registry)).isEqualTo(2.0);
            assertThat(gt.labelCoverage("churn").counts().withActual()).isEqualTo(1);
        }
    }
}
