package dev.vitals.server.quality;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.quality.QualityReport;
import dev.vitals.quality.QualityTracker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The quality API's JSON written from the service's typed results, without a server: fields, their order, nulls. */
class QualityReportsTest {

    @Test
    void feedbackAnswersAndTheirStatusKeepTheirFieldsAndOrder() {
        assertThat(QualityReports.feedback(new QualityService.FeedbackResult(null, false, false, "pending")).encode())
                .isEqualTo("{\"status\":\"pending\",\"model\":null,\"duplicate\":false,\"late\":false}");
        assertThat(QualityReports.evaluations(new QualityService.EvaluationResult(3, 1)).encode())
                .isEqualTo("{\"status\":\"ok\",\"applied\":3,\"late\":1}");
        assertThat(QualityReports.feedbackStatus(new QualityResults.FeedbackStatus("f1", "ok", "r1", "m", null)).encode())
                .isEqualTo("{\"feedback_id\":\"f1\",\"status\":\"ok\",\"request_id\":\"r1\",\"model\":\"m\"}");
        assertThat(QualityReports.feedbackStatus(new QualityResults.FeedbackStatus("f2", "unknown_call", "r2", null, 1234L)).encode())
                .isEqualTo("{\"feedback_id\":\"f2\",\"request_id\":\"r2\",\"status\":\"unknown_call\",\"expires_at\":1234}");
    }

    @Test
    void aReportIsItsNumbersThenModelWindowTaskScopeAndForTheFleetItsReplicas() {
        QualityTracker t = QualityTracker.builder().windows(Duration.ofMinutes(5)).build();
        t.model("m").addRegression(new double[] {1, 2}, new double[] {1, 4}, 2);
        QualityReport r = t.report("m", Duration.ofMinutes(5)).orElseThrow();

        var replica = QualityReports.report(new QualityResults.Report(r, "m", "5m", "regression", "replica", null));
        List<String> names = new ArrayList<>(replica.fieldNames());
        assertThat(names.subList(names.size() - 4, names.size())).containsExactly("model", "window", "task", "scope");
        assertThat(replica.getJsonObject("regression").getLong("count")).isEqualTo(2);
        // no data for a metric: null, never NaN
        assertThat(replica.encode()).doesNotContain("NaN");

        var fleet = QualityReports.report(new QualityResults.Report(r, "m", "5m", "regression", "fleet", List.of(
                new QualityResults.Source("a", true, null), new QualityResults.Source("b", false, 99L),
                new QualityResults.Source("c", false, null))));
        assertThat(fleet.getString("scope")).isEqualTo("fleet");
        assertThat(fleet.getJsonArray("replicas").encode())
                .isEqualTo("[{\"replica\":\"a\",\"live\":true},{\"replica\":\"b\",\"saved_at\":99},{\"replica\":\"c\",\"saved_at\":null}]");
    }
}
