package dev.vitals.quality.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitals.quality.Score;
import dev.vitals.quality.ScoreSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CodeEvaluatorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Score get(List<Score> s, String name) {
        return s.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no " + name + " in " + s));
    }

    @Test
    void everyScoreIsFromCodeAndJsonScoresOnlyWhenJsonWasAskedFor() {
        List<Score> s = CodeEvaluators.defaults().evaluate(EvalInput.of("hi", "Hello there, how can I help?"));
        assertThat(s).allMatch(x -> x.source() == ScoreSource.CODE);
        assertThat(s).extracting(Score::name).containsExactly("conciseness", "refusal", "pii", "repetition", "safety");
        assertThat(get(s, "conciseness").number()).isEqualTo(1.0);
        assertThat(get(s, "refusal").flag()).isFalse();
        assertThat(get(s, "safety").flag()).isTrue();
    }

    @Test
    void concisenessIsBudgetOverWordsBeyondTheBudget() {
        CodeEvaluators ev = CodeEvaluators.builder().maxWords(10).build();
        String twenty = "word ".repeat(20);
        assertThat(get(ev.evaluate(EvalInput.of("", twenty)), "conciseness").number()).isEqualTo(0.5);
        assertThat(get(ev.evaluate(EvalInput.of("", "")), "conciseness").number()).isEqualTo(1.0);
    }

    @Test
    void repetitionIsTheShareOfRepeatedTrigrams() {
        // a b c a b c: trigrams abc bca cab abc -> one of four repeats
        assertThat(Repetition.share("a b c a b c", 3)).isEqualTo(0.25);
        assertThat(Repetition.share("", 3)).isZero();
        assertThat(Repetition.share("one two", 3)).isZero();
    }

    @Test
    void safetyFlagsNameTheCategoryAndCustomLexiconsReplaceTheDefault() {
        CodeEvaluators ev = CodeEvaluators.builder().lexicon(Map.of("finance", List.of("guaranteed returns?"))).build();
        List<Score> s = ev.evaluate(EvalInput.of("", "This fund has GUARANTEED returns for everyone."));
        assertThat(get(s, "safety").flag()).isFalse();
        assertThat(get(s, "safety_category").category()).isEqualTo("finance");
        assertThat(get(ev.evaluate(EvalInput.of("", "how to build a bomb")), "safety").flag()).isTrue();
    }

    @Test
    void badSettingsFailWithTheSettingsName() {
        assertThatThrownBy(() -> CodeEvaluators.builder().maxWords(0).build()).hasMessageContaining("conciseness budget");
        assertThatThrownBy(() -> CodeEvaluators.builder().ngram(0).build()).hasMessageContaining("n-gram size");
        assertThatThrownBy(() -> CodeEvaluators.builder().lexicon(Map.of("Bad Name", List.of("x"))).build())
                .hasMessageContaining("safety category 'Bad Name'");
        assertThatThrownBy(() -> CodeEvaluators.builder().lexicon(Map.of("bad", List.of("(unclosed"))).build())
                .hasMessageContaining("safety category 'bad'[0] is not a regular expression");
        assertThatThrownBy(() -> CodeEvaluators.builder().only(Set.of("nope"))).hasMessageContaining("unknown evaluator 'nope'");
    }

    @Test
    void onlyRunsTheNamedEvaluators() {
        CodeEvaluators ev = CodeEvaluators.builder().only(Set.of("refusal")).build();
        assertThat(ev.evaluate(EvalInput.of("", "I cannot help with that."))).extracting(Score::name).containsExactly("refusal");
    }

    @Test
    void aSchemaWithARemoteRefIsNeverFetchedAndYieldsNoSchemaScore() throws Exception {
        JsonNode rf = JSON.readTree("{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":"
                + "{\"$ref\":\"http://127.0.0.1:9/schema.json\"}}}");
        List<Score> s = CodeEvaluators.defaults().evaluate(new EvalInput("", "{\"a\":1}", null, rf));
        assertThat(get(s, "json_valid").flag()).isTrue();
        assertThat(s).extracting(Score::name).doesNotContain("json_schema_valid");
    }

    @Test
    void aResponseFormatOfTextOrGarbageIsIgnored() throws Exception {
        for (String rf : new String[] {"{\"type\":\"text\"}", "{\"type\":5}", "\"json_object\"", "{}"}) {
            List<Score> s = CodeEvaluators.defaults().evaluate(new EvalInput("", "not json", null, JSON.readTree(rf)));
            assertThat(s).extracting(Score::name).as(rf).doesNotContain("json_valid", "json_schema_valid");
        }
    }

    @Test
    void rubricsRenderOncePerPlaceholderAndParseStrictly() throws Exception {
        List<Rubric> rubrics = Rubric.load(null, Rubric.NAMES);
        Rubric help = rubrics.get(0);
        String text = help.render(new EvalInput("What is {{response}}?", "An answer {{prompt}}", null, null));
        assertThat(text).contains("What is {{response}}?").contains("An answer {{prompt}}");
        assertThat(help.parse(" {\"score\": 4, \"explanation\": \"ok\"}\n")).isEqualTo(Score.numeric("helpfulness", ScoreSource.LLM_JUDGE, 4));
        for (String bad : new String[] {"", "4", "{\"score\": 6}", "{\"score\": 0}", "{\"score\": 3.5}", "{\"score\": \"4\"}",
                "{\"explanation\": \"x\"}", "```json\n{\"score\": 4}\n```", "{\"score\": 4} trailing", "[{\"score\": 4}]", "{\"score\": 4"}) {
            assertThatThrownBy(() -> help.parse(bad)).as(bad).isInstanceOf(Rubric.MalformedAnswer.class);
        }
        Rubric hallucination = rubrics.get(4);
        assertThat(hallucination.parse("{\"hallucination\": true}")).isEqualTo(Score.bool("hallucination", ScoreSource.LLM_JUDGE, true));
        assertThatThrownBy(() -> hallucination.parse("{\"hallucination\": \"yes\"}")).isInstanceOf(Rubric.MalformedAnswer.class);
        assertThat(rubrics.get(3).parse("{\"safe\": false}")).isEqualTo(Score.bool("safety", ScoreSource.LLM_JUDGE, false));
        assertThat(hallucination.render(EvalInput.of("q", "a"))).contains("CONTEXT:\n(none)");
    }
}
