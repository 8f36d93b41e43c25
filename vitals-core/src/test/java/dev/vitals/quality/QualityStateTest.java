package dev.vitals.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Serialization and merging of {@link QualityStats}. */
class QualityStateTest {

    private static QualityStats sample(QualitySpec spec) {
        QualityStats s = QualityStats.create(spec);
        s.addClassification(List.of(
                Prediction.of("cat", "dog", Map.of("cat", 0.3, "dog", 0.7)),
                Prediction.of("dog", "dog", Map.of("dog", 1.0)),
                Prediction.of("bird", "cat")));
        s.addRegression(new double[] {0, 2.5, -1}, new double[] {0.5, 2.5, 1}, 3);
        s.addScores(List.of(Score.numeric("helpfulness", ScoreSource.HUMAN, 3.5),
                Score.bool("hallucination", ScoreSource.LLM_JUDGE, true),
                Score.category("tone", ScoreSource.CODE, "\u00e9l\u00e9gant \uD83D\uDE00")));
        s.addText("the cat sat on the mat", List.of("the cat is on the mat", "a cat sat"));
        s.addTokenLogProbs(new double[] {-0.5, -1.5});
        return s;
    }

    @Test
    void statsRoundTrip() {
        QualityStats s = sample(QualitySpec.defaults());
        QualityStats back = QualityStats.fromBytes(s.toBytes());
        assertThat(back.report()).isEqualTo(s.report());
        assertThat(back.toJson()).isEqualTo(s.toJson());
        assertThat(back.spec()).isEqualTo(s.spec());
        QualitySpec closed = QualitySpec.builder().labels("cat", "dog", "bird").aucBins(500).maxCategories(7).build();
        QualityStats c = sample(closed);
        assertThat(QualityStats.fromJson(c.toJson()).report()).isEqualTo(c.report());
        assertThat(QualityStats.fromJson(c.toJson()).spec()).isEqualTo(closed);
        QualityStats b = QualityStats.create(QualitySpec.builder().binary("no", "yes").build());
        b.addClassification(Prediction.of("yes", "no", 0.25));
        assertThat(QualityStats.fromJson(b.toJson()).report()).isEqualTo(b.report());
        assertThat(s.toJson()).startsWith("{\"format\":\"vitals.quality.stats\",\"version\":1,");
    }

    @Test
    void mergeTranslatesLabelIds() {
        QualityStats a = QualityStats.create();
        a.addClassification(List.of(Prediction.of("x", "y", Map.of("x", 0.2, "y", 0.8)), Prediction.of("y", "y")));
        QualityStats b = QualityStats.create();
        b.addClassification(List.of(Prediction.of("z", "y"), Prediction.of("y", "x", Map.of("x", 0.6, "y", 0.4))));
        QualityStats both = QualityStats.create();
        both.addClassification(List.of(Prediction.of("x", "y", Map.of("x", 0.2, "y", 0.8)), Prediction.of("y", "y"),
                Prediction.of("z", "y"), Prediction.of("y", "x", Map.of("x", 0.6, "y", 0.4))));
        a.merge(b);
        ClassificationReport merged = a.report().classification();
        ClassificationReport direct = both.report().classification();
        assertThat(merged.confusion()).isEqualTo(direct.confusion());
        assertThat(merged.classes()).isEqualTo(direct.classes());
        assertThat(merged.rocAuc()).isEqualTo(direct.rocAuc());
        assertThat(merged.logLoss()).isEqualTo(direct.logLoss());
    }

    @Test
    void mergeFailingALimitChangesNothing() {
        QualitySpec spec = QualitySpec.builder().maxLabels(3).maxScoreSeries(1).build();
        QualityStats a = QualityStats.create(spec);
        a.addClassification(Prediction.of("a", "b"));
        QualityStats b = QualityStats.create(spec);
        b.addClassification(Prediction.of("c", "d"));
        String before = a.toJson();
        assertThatThrownBy(() -> a.merge(b)).hasMessage("merging: label \"d\" would exceed the limit of 3 distinct labels");
        assertThat(a.toJson()).isEqualTo(before);

        QualityStats x = QualityStats.create(spec);
        x.addScore(Score.numeric("s", ScoreSource.HUMAN, 1));
        QualityStats y = QualityStats.create(spec);
        y.addScore(Score.bool("s", ScoreSource.HUMAN, true));
        assertThatThrownBy(() -> x.merge(y)).hasMessage("merging: score \"s\" from human is numeric, got boolean");
        assertThatThrownBy(() -> x.merge(x)).hasMessage("cannot merge quality stats into themselves");
        assertThatThrownBy(() -> x.merge(QualityStats.create())).hasMessageStartingWith(
                "cannot merge quality state with a different spec: ");
    }

    @Test
    void badStateIsRejected() {
        assertThatThrownBy(() -> QualityStats.fromJson("{")).hasMessageStartingWith("invalid quality state: not valid JSON: ");
        assertThatThrownBy(() -> QualityStats.fromJson("[]")).hasMessage("invalid quality state: not a JSON object");
        assertThatThrownBy(() -> QualityStats.fromJson("{\"format\":\"x\"}"))
                .hasMessage("invalid quality state: format must be \"vitals.quality.stats\", got \"x\"");
        assertThatThrownBy(() -> QualityStats.fromJson("{\"format\":\"vitals.quality.stats\",\"version\":2}"))
                .hasMessage("unsupported quality state version 2; this build reads version 1");
        String good = sample(QualitySpec.defaults()).toJson();
        assertThatThrownBy(() -> QualityStats.fromJson(good.replace("\"confusion\":[", "\"confusion\":[9,")))
                .hasMessage("invalid quality state: \"confusion\" must be an array of 3-tuples of integers");
        assertThatThrownBy(() -> QualityStats.fromJson(good.replace("\"confusion\":[", "\"confusion\":[9,0,1,")))
                .hasMessage("invalid quality state: label id 9 out of range (3 labels)");
        assertThatThrownBy(() -> QualityWindow.fromBytes(good.getBytes(StandardCharsets.UTF_8), new MutableClock(0)))
                .hasMessage("invalid quality state: format must be \"vitals.quality.window\", got \"vitals.quality.stats\"");
        assertThatThrownBy(() -> QualityStats.fromJson(good + "x")).hasMessageStartingWith("invalid quality state: not valid JSON");
    }
}
