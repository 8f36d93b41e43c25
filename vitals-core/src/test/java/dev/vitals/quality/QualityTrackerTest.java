package dev.vitals.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QualityTrackerTest {
    private final MutableClock clock = new MutableClock(1_767_225_600_000L);

    @Test
    void aBatchReachesEveryWindowOfItsModel() {
        QualityTracker t = QualityTracker.builder().clock(clock)
                .spec("fraud-v3", QualitySpec.builder().binary("legit", "fraud").build()).build();
        assertThat(t.windows()).containsExactly(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofHours(24));
        t.model("fraud-v3").addClassification(Prediction.of("fraud", "legit", 0.42));
        t.model("chat").addScore(Score.numeric("helpfulness", ScoreSource.HUMAN, 4));
        assertThat(t.models()).containsExactly("chat", "fraud-v3");
        assertThat(t.spec("fraud-v3").binary()).isTrue();
        assertThat(t.spec("chat")).isEqualTo(QualitySpec.defaults());
        for (Duration d : t.windows()) {
            assertThat(t.report("fraud-v3", d).orElseThrow().classification().count()).isEqualTo(1);
        }
        clock.advance(Duration.ofMinutes(10));
        assertThat(t.report("fraud-v3", Duration.ofMinutes(5)).orElseThrow().classification().count()).isZero();
        assertThat(t.report("fraud-v3", Duration.ofHours(1)).orElseThrow().classification().count()).isEqualTo(1);
        clock.advance(Duration.ofHours(1));
        assertThat(t.report("fraud-v3", Duration.ofHours(1)).orElseThrow().classification().count()).isZero();
        assertThat(t.report("fraud-v3", Duration.ofHours(24)).orElseThrow().classification().count()).isEqualTo(1);
        assertThat(t.report("unknown", Duration.ofHours(1))).isEmpty();
    }

    @Test
    void aModelsVocabularyOutlivesItsShortWindow() {
        QualityTracker t = QualityTracker.builder().clock(clock).build();
        t.model("m").addScore(Score.numeric("helpfulness", ScoreSource.HUMAN, 4));
        clock.advance(Duration.ofMinutes(10)); // gone from the 5 min window, still in the 1 h one
        assertThatThrownBy(() -> t.model("m").addScore(Score.bool("helpfulness", ScoreSource.HUMAN, true)))
                .hasMessage("score \"helpfulness\" from human is numeric, got boolean");
        assertThat(t.report("m", Duration.ofHours(1)).orElseThrow().scores().scores()).hasSize(1);
    }

    @Test
    void reportsGivesEveryModelItsReportPerNamedWindow() {
        QualityTracker t = QualityTracker.builder().clock(clock).build();
        t.model("fraud-v3").addClassification(Prediction.of("fraud", "legit"));
        clock.advance(Duration.ofMinutes(10));
        t.model("chat").addScore(Score.numeric("helpfulness", ScoreSource.HUMAN, 4));
        Map<String, Map<String, QualityReport>> r = t.reports(
                Map.of("1h", Duration.ofHours(1)));
        assertThat(r.keySet()).containsExactly("chat", "fraud-v3");
        assertThat(r.get("fraud-v3").get("1h").classification().count()).isEqualTo(1);
        assertThat(r.get("chat").get("1h").scores().scores()).hasSize(1);
        Map<String, Duration> ordered = new LinkedHashMap<>();
        ordered.put("1d", Duration.ofHours(24));
        ordered.put("5m", Duration.ofMinutes(5));
        assertThat(t.reports(ordered).get("fraud-v3").keySet()).containsExactly("1d", "5m");
        assertThat(t.reports(ordered).get("fraud-v3").get("5m").classification().count()).isZero();
        assertThatThrownBy(() -> t.reports(Map.of("2m", Duration.ofMinutes(2))))
                .hasMessage("window PT2M is not configured; windows are [PT5M, PT1H, PT24H]");
    }

    @Test
    void limitsAndChecks() {
        QualityTracker t = QualityTracker.builder().clock(clock).maxModels(2).windows(Duration.ofMinutes(1)).buckets(6)
                .build();
        t.model("a");
        t.model("b");
        t.model("a");
        assertThatThrownBy(() -> t.model("c")).hasMessage("model \"c\" would exceed the limit of 2 models with quality data");
        assertThatThrownBy(() -> t.model("")).hasMessage("model must be a non-empty string");
        assertThatThrownBy(() -> t.report("a", Duration.ofMinutes(5)))
                .hasMessage("window PT5M is not configured; windows are [PT1M]");
        assertThatThrownBy(() -> QualityTracker.builder().windows(Duration.ofMinutes(1), Duration.ofMinutes(1)))
                .hasMessage("windows must be distinct positive durations, got [PT1M, PT1M]");
        assertThatThrownBy(() -> QualityTracker.builder().windows(Duration.ofMillis(30)).build())
                .hasMessage("window of 30 ms must split into 60 buckets of whole milliseconds");
        assertThatThrownBy(() -> QualityTracker.builder().maxModels(0)).hasMessage("maxModels must be in [1, 1000000], got 0");
    }

    @Test
    void aWindowCanBeExportedAndRestoredIntoAnotherTracker() {
        QualityTracker a = QualityTracker.builder().clock(clock).build();
        a.model("m").addClassification(Prediction.of("x", "y"));
        a.model("m").addRegression(1, 3);
        byte[] state = a.window("m", Duration.ofHours(1)).orElseThrow().toBytes();

        QualityTracker b = QualityTracker.builder().clock(clock).build();
        b.model("m").addClassification(Prediction.of("z", "z")); // different label ids than in a
        b.window("m", Duration.ofHours(1)).orElseThrow().merge(QualityWindow.fromBytes(state, clock));
        ClassificationReport r = b.report("m", Duration.ofHours(1)).orElseThrow().classification();
        assertThat(r.count()).isEqualTo(2);
        assertThat(r.confusion().labels()).containsExactly("x", "y", "z");
        assertThat(r.confusion().count("x", "y")).isEqualTo(1);
        assertThat(r.confusion().count("z", "z")).isEqualTo(1);
        assertThat(b.report("m", Duration.ofHours(1)).orElseThrow().regression().mae()).isEqualTo(2.0);
    }

    @Test
    void scoreKindIsTheKindFixedByTheFirstValue() {
        QualityTracker t = QualityTracker.builder().clock(clock).build();
        assertThat(t.scoreKind("m", "helpfulness", ScoreSource.HUMAN)).isNull();
        t.model("m").addScore(Score.numeric("helpfulness", ScoreSource.HUMAN, 4));
        t.model("m").addScore(Score.category("tone", ScoreSource.CODE, "formal"));
        assertThat(t.scoreKind("m", "helpfulness", ScoreSource.HUMAN)).isEqualTo(ScoreKind.NUMERIC);
        assertThat(t.scoreKind("m", "tone", ScoreSource.CODE)).isEqualTo(ScoreKind.CATEGORICAL);
        assertThat(t.scoreKind("m", "helpfulness", ScoreSource.LLM_JUDGE)).isNull();
        assertThat(t.scoreKind("other", "helpfulness", ScoreSource.HUMAN)).isNull();
        clock.advance(Duration.ofDays(2)); // out of every window, still the model's kind
        assertThat(t.scoreKind("m", "helpfulness", ScoreSource.HUMAN)).isEqualTo(ScoreKind.NUMERIC);
    }
}
