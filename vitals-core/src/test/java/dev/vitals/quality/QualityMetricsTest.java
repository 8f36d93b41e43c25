package dev.vitals.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class QualityMetricsTest {
    private final MutableClock clock = new MutableClock(1_767_225_600_000L);
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final QualityTracker tracker = QualityTracker.builder().clock(clock)
            .windows(Duration.ofMinutes(5), Duration.ofHours(1)).build();

    private String text() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Every vitals_quality_* sample: "name{labels}" to value. */
    private Map<String, Double> samples() throws IOException {
        Map<String, Double> out = new TreeMap<>();
        for (String line : text().split("\n")) {
            if (line.startsWith("vitals_quality_")) {
                int sp = line.lastIndexOf(' ');
                out.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
            }
        }
        return out;
    }

    @Test
    void exportsEveryWindowWithTheServersNamesAndExactValues() throws IOException {
        QualityMetrics.builder(tracker).cache(Duration.ZERO).register(registry);
        assertThat(samples()).isEmpty(); // no data: no series, never NaN
        // classification: a→a, a→b, b→b, b→b
        tracker.model("clf").addClassification(java.util.List.of(Prediction.of("a", "a"), Prediction.of("a", "b"),
                Prediction.of("b", "b"), Prediction.of("b", "b")));
        tracker.model("price").addRegression(10, 12);
        tracker.model("price").addRegression(20, 18);
        tracker.model("chat").addScore(Score.numeric("helpfulness", ScoreSource.HUMAN, 4));
        tracker.model("chat").addScore(Score.numeric("helpfulness", ScoreSource.HUMAN, 2));
        tracker.model("chat").addScore(Score.bool("hallucination", ScoreSource.LLM_JUDGE, true));
        tracker.model("chat").addScore(Score.bool("hallucination", ScoreSource.LLM_JUDGE, false));
        tracker.model("chat").addScore(Score.bool("hallucination", ScoreSource.LLM_JUDGE, false));
        tracker.model("chat").addScore(Score.bool("hallucination", ScoreSource.LLM_JUDGE, false));

        Map<String, Double> s = samples();
        for (String w : new String[] {"5m", "1h"}) {
            String clf = "{model=\"clf\",window=\"" + w + "\"}";
            assertThat(s.get("vitals_quality_accuracy" + clf)).isEqualTo(0.75);
            assertThat(s.get("vitals_quality_precision_macro" + clf)).isCloseTo((1 + 2 / 3.0) / 2, within(1e-12));
            assertThat(s.get("vitals_quality_recall_macro" + clf)).isEqualTo(0.75);
            assertThat(s.get("vitals_quality_f1_macro" + clf)).isCloseTo((2 / 3.0 + 0.8) / 2, within(1e-12));
            assertThat(s.get("vitals_quality_f1_weighted" + clf)).isCloseTo((2 / 3.0 + 0.8) / 2, within(1e-12));
            String price = "{model=\"price\",window=\"" + w + "\"}";
            assertThat(s.get("vitals_quality_rmse" + price)).isCloseTo(2, within(1e-12));
            assertThat(s.get("vitals_quality_mae" + price)).isCloseTo(2, within(1e-12));
            assertThat(s.get("vitals_quality_mape" + price)).isCloseTo(0.15, within(1e-12));
            assertThat(s.get("vitals_quality_r2" + price)).isCloseTo(1 - 8 / 50.0, within(1e-12));
            String chat = "{model=\"chat\",window=\"" + w + "\"}";
            assertThat(s.get("vitals_quality_hallucination_rate" + chat)).isEqualTo(0.25);
            assertThat(s.get("vitals_quality_score_mean{model=\"chat\",name=\"helpfulness\",source=\"human\",window=\"" + w + "\"}"))
                    .isEqualTo(3.0);
            assertThat(s.get("vitals_quality_score_mean{model=\"chat\",name=\"hallucination\",source=\"llm_judge\",window=\""
                    + w + "\"}")).isEqualTo(0.25);
        }
        // 2 windows × (5 classification + 4 regression + 1 rate + 2 score means); no ROC AUC or log loss without
        // scores, no regression for a classifier, no perplexity or BLEU without texts: absent, not NaN
        assertThat(s).hasSize(24);
        assertThat(text()).doesNotContain("NaN")
                .contains("# HELP vitals_quality_accuracy Classification accuracy per model and window.");

        clock.advance(Duration.ofMinutes(10)); // out of the 5 minute window, still in the hour
        s = samples();
        assertThat(s).hasSize(12).allSatisfy((k, v) -> assertThat(k).contains("window=\"1h\""));
    }

    @Test
    void windowsByNameAndMisuse() throws IOException {
        QualityMetrics.builder(tracker).windows(Map.of("hour", Duration.ofHours(1))).register(registry);
        tracker.model("price").addRegression(10, 12);
        assertThat(samples()).containsOnlyKeys("vitals_quality_rmse{model=\"price\",window=\"hour\"}",
                "vitals_quality_mae{model=\"price\",window=\"hour\"}", "vitals_quality_mape{model=\"price\",window=\"hour\"}");
        assertThatThrownBy(() -> QualityMetrics.builder(tracker).windows(Map.of("1d", Duration.ofDays(1))))
                .hasMessage("window '1d' = PT24H is not one of the tracker's windows [PT5M, PT1H]");
        assertThatThrownBy(() -> QualityMetrics.builder(null)).hasMessage("tracker must not be null");
        assertThatThrownBy(() -> QualityMetrics.builder(tracker).cache(Duration.ofSeconds(-1)))
                .hasMessage("cache must be a non-negative duration, got PT-1S");
        assertThat(QualityMetrics.windowLabel(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(QualityMetrics.windowLabel(Duration.ofHours(24))).isEqualTo("1d");
        assertThat(QualityMetrics.windowLabel(Duration.ofSeconds(90))).isEqualTo("90s");
    }

    @Test
    void readsTheReportsOfACallerThatCachesThem() throws IOException {
        tracker.model("price").addRegression(10, 12);
        Map<String, Map<String, QualityReport>> reports = Map.of("price",
                Map.of("hour", tracker.report("price", Duration.ofHours(1)).orElseThrow()));
        QualityMetrics.builder(tracker).reports(() -> reports).register(registry);
        tracker.model("price").addRegression(20, 10); // not in the caller's reports
        assertThat(samples()).containsEntry("vitals_quality_mae{model=\"price\",window=\"hour\"}", 2.0).hasSize(3);
        assertThatThrownBy(() -> QualityMetrics.builder(tracker).reports(null)).hasMessage("reports must not be null");
    }
}
