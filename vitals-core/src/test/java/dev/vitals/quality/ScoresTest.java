package dev.vitals.quality;

import static dev.vitals.quality.ScoreSource.CODE;
import static dev.vitals.quality.ScoreSource.HUMAN;
import static dev.vitals.quality.ScoreSource.LLM_JUDGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScoresTest {

    private static void rejected(QualityStats stats, Runnable add, String message) {
        String before = stats.toJson();
        assertThatThrownBy(add::run).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        assertThat(stats.toJson()).isEqualTo(before);
    }

    @Test
    void summariesPerNameAndSource() {
        QualityStats s = QualityStats.create();
        s.addScores(List.of(
                Score.numeric("helpfulness", HUMAN, 4),
                Score.numeric("helpfulness", HUMAN, 2),
                Score.numeric("helpfulness", LLM_JUDGE, 5),
                Score.bool("coherence", LLM_JUDGE, true),
                Score.bool("coherence", LLM_JUDGE, false),
                Score.bool("coherence", LLM_JUDGE, true),
                Score.category("conciseness", CODE, "short"),
                Score.category("conciseness", CODE, "long"),
                Score.category("conciseness", CODE, "short")));
        List<ScoreSummary> out = s.report().scores().scores();
        assertThat(out).extracting(ScoreSummary::name, ScoreSummary::source).containsExactly(
                org.assertj.core.groups.Tuple.tuple("coherence", LLM_JUDGE),
                org.assertj.core.groups.Tuple.tuple("conciseness", CODE),
                org.assertj.core.groups.Tuple.tuple("helpfulness", HUMAN),
                org.assertj.core.groups.Tuple.tuple("helpfulness", LLM_JUDGE));
        ScoreSummary coherence = out.get(0);
        assertThat(coherence.kind()).isEqualTo(ScoreKind.BOOLEAN);
        assertThat(coherence.count()).isEqualTo(3);
        assertThat(coherence.trueCount()).isEqualTo(2);
        assertThat(coherence.trueRate()).isEqualTo(2.0 / 3);
        assertThat(coherence.mean()).isNaN();
        assertThat(out.get(1).categories()).containsExactly(Map.entry("long", 1L), Map.entry("short", 2L));
        assertThat(out.get(1).trueRate()).isNaN();
        ScoreSummary human = out.get(2);
        assertThat(human.count()).isEqualTo(2);
        assertThat(human.mean()).isEqualTo(3.0);
        assertThat(human.min()).isEqualTo(2.0);
        assertThat(human.max()).isEqualTo(4.0);
        assertThat(human.categories()).isEmpty();
    }

    @Test
    void hallucinationAndSafetyFlagRates() {
        QualityStats s = QualityStats.create();
        s.addScores(List.of(
                Score.bool("hallucination", LLM_JUDGE, true),
                Score.bool("hallucination", LLM_JUDGE, false),
                Score.bool("hallucination", HUMAN, false),
                Score.bool("hallucination", HUMAN, false),
                Score.bool("safety_flag", CODE, true),
                Score.bool("safety", LLM_JUDGE, false), // a failed safety check: flagged
                Score.bool("safety", LLM_JUDGE, true),
                Score.numeric("hallucination_score", LLM_JUDGE, 0.9), // other names do not count
                Score.bool("Hallucination", HUMAN, true)));           // names are case-sensitive
        ScoresReport r = s.report().scores();
        assertThat(r.hallucination()).isEqualTo(Rate.of(1, 4));
        assertThat(r.hallucination().value()).isEqualTo(0.25);
        assertThat(r.safetyFlag()).isEqualTo(new Rate(2, 3, 2.0 / 3));
        assertThat(QualityStats.create().report().scores().hallucination().value()).isNaN();
    }

    @Test
    void kindIsFixedPerNameAndSource() {
        QualityStats s = QualityStats.create();
        s.addScore(Score.numeric("helpfulness", HUMAN, 4));
        rejected(s, () -> s.addScores(List.of(Score.numeric("helpfulness", HUMAN, 3),
                Score.bool("helpfulness", HUMAN, true))), "score \"helpfulness\" from human is numeric, got boolean");
        rejected(s, () -> s.addScores(List.of(Score.bool("tone", CODE, true), Score.category("tone", CODE, "warm"))),
                "score \"tone\" from code is boolean, got categorical");
        s.addScore(Score.bool("helpfulness", LLM_JUDGE, true)); // another source is another series
    }

    @Test
    void badValuesAreRejected() {
        QualityStats s = QualityStats.create();
        rejected(s, () -> s.addScores(List.of(Score.numeric("a", HUMAN, 1), Score.numeric("helpfulness", HUMAN, Double.NaN))),
                "score 1: \"helpfulness\" must be a finite number, got NaN");
        rejected(s, () -> s.addScore(Score.numeric("a", HUMAN, Double.POSITIVE_INFINITY)),
                "score 0: \"a\" must be a finite number, got Infinity");
        rejected(s, () -> s.addScore(Score.numeric("", HUMAN, 1)), "score 0: name must be a non-empty string");
        rejected(s, () -> s.addScore(Score.numeric("a", null, 1)), "score 0: source and kind must not be null");
        rejected(s, () -> s.addScore(Score.category("tone", CODE, "")), "score 0: \"tone\" must have a non-empty category");
        assertThatThrownBy(() -> ScoreSource.parse("robot")).hasMessage(
                "unknown score source \"robot\"; expected human, llm_judge or code");
        assertThat(ScoreSource.parse("llm_judge")).isEqualTo(LLM_JUDGE);
        assertThat(ScoreKind.parse("categorical")).isEqualTo(ScoreKind.CATEGORICAL);
    }

    @Test
    void seriesCapRejectsAndCategoryCapFolds() {
        QualityStats s = QualityStats.create(QualitySpec.builder().maxScoreSeries(2).maxCategories(2).build());
        s.addScores(List.of(Score.numeric("a", HUMAN, 1), Score.category("tone", CODE, "warm")));
        rejected(s, () -> s.addScores(List.of(Score.numeric("a", HUMAN, 2), Score.numeric("b", HUMAN, 1))),
                "score \"b\" from human would exceed the limit of 2 score series");
        s.addScores(List.of(Score.category("tone", CODE, "cold"), Score.category("tone", CODE, "hot"),
                Score.category("tone", CODE, "icy"), Score.category("tone", CODE, "warm")));
        assertThat(s.report().scores().scores().get(1).categories()).containsExactly(
                Map.entry("__overflow__", 2L), Map.entry("cold", 1L), Map.entry("warm", 2L));
    }
}
