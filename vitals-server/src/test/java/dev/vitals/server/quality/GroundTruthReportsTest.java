package dev.vitals.server.quality;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.server.quality.GroundTruthService.Coverage;
import dev.vitals.server.store.LabelCoverageRow;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON of ground truth's answers, byte for byte what the API has always returned. */
class GroundTruthReportsTest {
    @Test
    void answersAreWrittenAsBefore() {
        assertThat(GroundTruthReports.predictions(new GroundTruthService.PredictionsResult(3, 1)).encode())
                .isEqualTo("{\"status\":\"ok\",\"stored\":3,\"duplicates\":1}");
        assertThat(GroundTruthReports.actuals(new GroundTruthService.ActualsResult(2, 1, 0)).encode())
                .isEqualTo("{\"status\":\"ok\",\"joined\":2,\"pending\":1,\"duplicates\":0}");
    }

    @Test
    void coverageHasADelayOnlyOnceAnActualJoined() {
        Coverage none = new Coverage(new LabelCoverageRow("a", 4, 0, Double.NaN, Double.NaN), 168 * 3_600_000L);
        Coverage half = new Coverage(new LabelCoverageRow("b", 4, 2, 86_280_000, 86_290_000), 36 * 60_000L);
        assertThat(GroundTruthReports.coverage(none).encode())
                .isEqualTo("{\"ratio\":0.0,\"predictions\":4,\"with_actual\":0,\"window_hours\":168.0}");
        assertThat(GroundTruthReports.coverage(half).encode()).isEqualTo("{\"ratio\":0.5,\"predictions\":4,\"with_actual\":2,"
                + "\"window_hours\":0.6,\"delay\":{\"mean_seconds\":86280.0,\"max_seconds\":86290.0}}");
        Map<String, Coverage> all = new LinkedHashMap<>();
        all.put("a", none);
        all.put("b", half);
        assertThat(GroundTruthReports.coverage(all).fieldNames()).containsExactly("a", "b");
        assertThat(GroundTruthReports.coverage(all).getJsonObject("b")).isEqualTo(GroundTruthReports.coverage(half));
        assertThat(GroundTruthReports.coverage(Map.of()).isEmpty()).isTrue();
    }
}
