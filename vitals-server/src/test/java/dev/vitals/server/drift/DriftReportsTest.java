package dev.vitals.server.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.drift.FeatureDrift;
import dev.vitals.drift.FeatureType;
import dev.vitals.drift.Verdict;
import dev.vitals.server.state.HistoryRing;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The drift API's JSON from typed results, without a server: field names, order, numbers and nulls. */
class DriftReportsTest {
    private static final FeatureDrift X = new FeatureDrift("x", FeatureType.NUMERIC, "psi", 0.3, 0.25, 0.5, 0.1, Verdict.DRIFT,
            100, 90, 1, 2, "");
    private static final FeatureDrift Z = new FeatureDrift("z", FeatureType.CATEGORICAL, "chisquare", Double.NaN, Double.NaN,
            Double.NaN, 0.05, Verdict.NO_VERDICT, 3, 0, 0, 4, "too few values");

    private static DriftReport report(DriftReport.Scope scope, List<DriftReport.Replica> replicas) {
        return new DriftReport("m", scope, DriftReport.dataset(List.of(X, Z)), 30, List.of("y"),
                Map.of("x", new DriftReport.Reference("uploaded", 1, 2)), new DriftReport.Window(10, 20, 60), replicas);
    }

    @Test
    void aReplicasReport() {
        String features = "\"features\":[{\"feature\":\"x\",\"type\":\"numeric\",\"test\":\"psi\",\"score\":0.3,\"score_lower\":0.25,"
                + "\"score_upper\":0.5,\"threshold\":0.1,\"verdict\":\"drift\",\"drifted\":true,\"reference_count\":100,"
                + "\"current_count\":90,\"reference_nulls\":1,\"current_nulls\":2,\"reason\":\"\"},"
                + "{\"feature\":\"z\",\"type\":\"categorical\",\"test\":\"chisquare\",\"score\":null,\"score_lower\":null,"
                + "\"score_upper\":null,\"threshold\":0.05,\"verdict\":\"no_verdict\",\"drifted\":false,\"reference_count\":3,"
                + "\"current_count\":0,\"reference_nulls\":0,\"current_nulls\":4,\"reason\":\"too few values\"}]";
        String rest = "\"features_without_reference\":[\"y\"],\"references\":{\"x\":{\"source\":\"uploaded\",\"from\":1,\"to\":2}},"
                + "\"current_window\":{\"from\":10,\"to\":20,\"window_minutes\":60}";
        assertThat(DriftReports.report(report(DriftReport.Scope.REPLICA, List.of())).encode()).isEqualTo(
                "{\"model\":\"m\",\"verdict\":\"drift\",\"min_count\":30,\"drift_share\":1.0," + features + "," + rest
                        + ",\"scope\":\"replica\"}");
        assertThat(DriftReports.report(report(DriftReport.Scope.FLEET, List.of(new DriftReport.Replica("a", OptionalLong.empty()),
                new DriftReport.Replica("b", OptionalLong.of(15))))).encode()).isEqualTo(
                "{\"model\":\"m\",\"verdict\":\"drift\",\"min_count\":30,\"drift_share\":1.0," + features + "," + rest
                        + ",\"scope\":\"fleet\",\"replicas\":[{\"replica\":\"a\",\"live\":true},{\"replica\":\"b\",\"taken_at\":15}]}");
    }

    @Test
    void noDecidedFeatureHasNoShareAndNoVerdict() {
        DriftReport r = new DriftReport("m", DriftReport.Scope.REPLICA, DriftReport.dataset(List.of(Z)), 30, List.of(), Map.of(),
                new DriftReport.Window(10, 20, 60), List.of());
        assertThat(DriftReports.report(r).encode()).startsWith("{\"model\":\"m\",\"verdict\":\"no_verdict\",\"min_count\":30,"
                + "\"drift_share\":null,");
    }

    @Test
    void aThresholdNoTestAppliesToIsNullNotTheStringNaN() {
        FeatureDrift none = new FeatureDrift("w", FeatureType.NUMERIC, "none", Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Verdict.NO_VERDICT, 0, 0, 0, 0, "no test");
        DriftReport r = new DriftReport("m", DriftReport.Scope.REPLICA, DriftReport.dataset(List.of(none)), 30, List.of(), Map.of(),
                new DriftReport.Window(10, 20, 60), List.of());
        assertThat(DriftReports.report(r).encode()).contains("\"threshold\":null").doesNotContain("NaN");
        HistoryRing ring = new HistoryRing(10, 10);
        assertThat(DriftReports.history(new DriftHistory("m", ring.snapshot("m", 0), Map.of("w (none)", none)), "1h").encode())
                .contains("\"threshold\":null").doesNotContain("NaN");
    }

    @Test
    void aHistory() {
        HistoryRing ring = new HistoryRing(10, 10);
        DriftHistory.record(ring, 5, Map.of("m", List.of(X, Z)));
        DriftHistory.record(ring, 7, Map.of("other", List.of(X)));
        assertThat(DriftReports.history(new DriftHistory("m", ring.snapshot("m", 0), Map.of("x (psi)", X)), "1h").encode()).isEqualTo(
                "{\"timestamps\":[5,7],\"series\":{\"x (psi)\":[0.3,null]},\"latest\":{\"x (psi)\":{\"score\":0.3,\"threshold\":0.1,"
                        + "\"test\":\"psi\",\"drifted\":true}},\"model\":\"m\",\"range\":\"1h\"}");
        assertThat(DriftReports.history(new DriftHistory(null, ring.snapshot(null, 6), Map.of()), "15m").encode()).isEqualTo(
                "{\"timestamps\":[7],\"series\":{\"other x (psi)\":[0.3]},\"latest\":{},\"model\":\"*\",\"range\":\"15m\"}");
    }

    @Test
    void theSmallAnswers() {
        assertThat(DriftReports.accepted(3).encode()).isEqualTo("{\"status\":\"ok\",\"accepted\":3}");
        assertThat(DriftReports.frozen("m", 2).encode()).isEqualTo("{\"model\":\"m\",\"frozen_features\":2}");
        assertThat(DriftReports.uploaded("m", 4).encode()).isEqualTo("{\"model\":\"m\",\"uploaded_features\":4}");
    }
}
