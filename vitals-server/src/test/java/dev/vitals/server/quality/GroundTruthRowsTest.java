package dev.vitals.server.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.labels.MetricFamilies;
import dev.vitals.server.api.ApiException;
import dev.vitals.server.config.ConfigLoader;
import dev.vitals.server.config.VitalsConfig;
import dev.vitals.server.drift.DriftService;
import dev.vitals.server.quality.GroundTruthRequests.Label;
import dev.vitals.server.quality.GroundTruthRequests.Prediction;
import dev.vitals.server.store.CallRow;
import dev.vitals.server.store.FeedbackRow;
import dev.vitals.server.store.GroupCommitter;
import dev.vitals.server.store.JdbcStateStore;
import dev.vitals.server.store.PendingJoin;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ground truth's stored rows: the exact text the first release wrote (a prediction's {@code predicted_label}, a joined
 * actual's mark, a waiting actual's pending join) reads back, and a real SQLite store holding rows in that text joins,
 * refuses and recognises actuals as before.
 */
class GroundTruthRowsTest {
    private static final String MODEL = "churn";

    @TempDir
    Path dir;

    @Test
    void rowsWrittenByTheFirstReleaseReadBack() {
        GroundTruthRows.Stored s = GroundTruthRows.stored(new CallRow(GroundTruthRows.rowId(MODEL, "a"), MODEL, 42,
                "{\"predicted\":\"fraud\",\"score\":1}", Double.NaN));
        assertThat(s.predicted()).isEqualTo(new Label("fraud"));
        assertThat(s.score()).isEqualTo(1.0);
        assertThat(s.probabilities()).isNull();
        assertThat(s.timeMillis()).isEqualTo(42);
        s = GroundTruthRows.stored(new CallRow("r", MODEL, 0, "{\"predicted\":true,\"probabilities\":{\"true\":0.75,\"false\":0.25}}", Double.NaN));
        assertThat(s.predicted().asValue()).isEqualTo("true");
        assertThat(s.score()).isNull();
        assertThat(s.probabilities()).containsExactly(Map.entry("true", 0.75), Map.entry("false", 0.25));
        assertThat(GroundTruthRows.stored(new CallRow("r", MODEL, 0, "{\"predicted\":12.5}", Double.NaN)).predicted().numeric()).isTrue();
        assertThat(GroundTruthRows.actual("{\"actual\":\"stays\"}")).isEqualTo(new Label("stays"));
        assertThat(GroundTruthRows.actual("{\"model\":\"churn\",\"actual\":3}")).isEqualTo(new Label(3));
        assertThat(GroundTruthRows.rowId("a:b", "c")).isEqualTo("prediction:3:a:b:c");
        assertThat(GroundTruthRows.markId("prediction:3:a:b:c")).isEqualTo("actual:prediction:3:a:b:c");
    }

    @Test
    void rowsAreWrittenInTheFirstReleasesText() {
        Prediction p = new Prediction(MODEL, "a", new Label("fraud"), 0.9, null, Map.of("amount", 3), 42);
        CallRow row = GroundTruthRows.row(p);
        assertThat(row.requestId()).isEqualTo("prediction:5:churn:a");
        assertThat(row.predictedLabel()).as("never the features").isEqualTo("{\"predicted\":\"fraud\",\"score\":0.9}");
        assertThat(GroundTruthRows.row(new Prediction(MODEL, "b", new Label(true), null, Map.of("x", 1.0), Map.of(), 42))
                .predictedLabel()).isEqualTo("{\"predicted\":true,\"probabilities\":{\"x\":1.0}}");
        assertThat(GroundTruthRows.mark(new Label(false))).isEqualTo("{\"actual\":false}");
        assertThat(GroundTruthRows.pending(MODEL, new Label(7))).isEqualTo("{\"model\":\"churn\",\"actual\":7}");
        assertThat(GroundTruthRows.stored(row).score()).isEqualTo(0.9);
    }

    @Test
    void aStoreWithTheFirstReleasesRowsJoinsAndRecognisesActuals() {
        long now = System.currentTimeMillis();
        try (JdbcStateStore store = JdbcStateStore.sqlite(dir.resolve("vitals.db"));
             GroupCommitter writer = new GroupCommitter(store, 0, null)) {
            // what today's code stored: two predictions, one joined actual's mark, one actual waiting for its prediction
            store.insertCalls(java.util.List.of(
                    new CallRow("prediction:5:churn:a", MODEL, now - 60_000, "{\"predicted\":\"stays\"}", Double.NaN),
                    new CallRow("prediction:5:churn:b", MODEL, now - 60_000, "{\"predicted\":\"leaves\"}", Double.NaN),
                    new CallRow("prediction:5:price:n", "price", now - 60_000, "{\"predicted\":12.5}", Double.NaN)));
            store.insertFeedback(new FeedbackRow("actual:prediction:5:churn:b", "prediction:5:churn:b", MODEL, now - 1000,
                    "{\"actual\":\"leaves\"}"));
            store.transaction(tx -> tx.park(new PendingJoin(0, "actual", "prediction:5:churn:w", "prediction:5:churn:w",
                    "{\"model\":\"churn\",\"actual\":\"stays\"}", now - 1000, now + 86_400_000, PendingJoin.PENDING, "local")));

            PrometheusRegistry registry = new PrometheusRegistry();
            VitalsConfig cfg = ConfigLoader.load(new ConfigLoader.Overrides(), Map.of());
            QualityService quality = new QualityService(cfg.quality, store, writer, registry, MetricFamilies.of(registry).policy(), null);
            DriftService drift = new DriftService(cfg.drift, store, registry, System::currentTimeMillis);
            GroundTruthService gt = new GroundTruthService(store, quality, drift, null, 86_400_000, java.util.Set.of(),
                    86_400_000, registry, System::currentTimeMillis);
            GroundTruthRequests in = gt.requests();

            // the same actuals again (joined, waiting): duplicates; another one for either: the batch is refused whole
            var again = gt.actuals(in.actuals(new JsonObject("{\"records\":[{\"model\":\"churn\",\"id\":\"b\",\"actual\":\"leaves\"},"
                    + "{\"model\":\"churn\",\"id\":\"w\",\"actual\":\"stays\"}]}")));
            assertThat(again).isEqualTo(new GroundTruthService.ActualsResult(0, 0, 2));
            for (String other : new String[] {"{\"model\":\"churn\",\"id\":\"b\",\"actual\":\"stays\"}",
                    "{\"model\":\"churn\",\"id\":\"w\",\"actual\":\"leaves\"}"}) {
                assertThatThrownBy(() -> gt.actuals(in.actuals(new JsonObject("{\"records\":[{\"model\":\"churn\",\"id\":\"a\","
                        + "\"actual\":\"stays\"}," + other + "]}")))).isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.status()).isEqualTo(409));
            }
            // a numeric prediction stored as text needs a numeric actual
            assertThatThrownBy(() -> gt.actuals(in.actuals(new JsonObject("{\"records\":[{\"model\":\"price\",\"id\":\"n\",\"actual\":\"x\"}]}"))))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage())
                            .isEqualTo("records[0].actual must be a number like its prediction"));
            assertThat(gt.labelCoverage(MODEL).counts().withActual()).as("nothing of the refused batches").isEqualTo(1);

            // an actual for an old prediction joins; the waiting one joins when its prediction arrives
            assertThat(gt.actuals(in.actuals(new JsonObject("{\"records\":[{\"model\":\"churn\",\"id\":\"a\",\"actual\":\"stays\"},"
                    + "{\"model\":\"price\",\"id\":\"n\",\"actual\":13}]}")))).isEqualTo(new GroundTruthService.ActualsResult(2, 0, 0));
            gt.predictions(in.predictions(new JsonObject("{\"records\":[{\"model\":\"churn\",\"id\":\"w\",\"predicted\":\"stays\"}]}")));
            assertThat(gt.sweep()).isEqualTo(1);
            assertThat(gt.labelCoverage(MODEL).counts().predictions()).isEqualTo(3);
            assertThat(gt.labelCoverage(MODEL).counts().withActual()).isEqualTo(3);
            assertThat(gt.labelCoverage("price").counts().withActual()).isEqualTo(1);
            assertThat(store.findFeedback("actual:prediction:5:churn:a").payload()).isEqualTo("{\"actual\":\"stays\"}");
        }
    }
}
