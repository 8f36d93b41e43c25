package dev.vitals.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluators: section: defaults, and every bad value failing with its key. */
class EvaluatorsConfigTest {
    @TempDir
    Path dir;

    private VitalsConfig load(String yaml) throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, yaml);
        VitalsConfig c = ConfigLoader.readYaml(f);
        ConfigLoader.validate(c);
        return c;
    }

    @Test
    void defaultsAreOnAndTheJudgeFollowsTheBackends() throws Exception {
        VitalsConfig c = load("defaultModel: m\nbackends: [{name: s, models: [m]}]\n");
        assertThat(c.evaluators.enabled).isTrue();
        assertThat(c.evaluators.judge.enabled).isNull();
        assertThat(EvaluatorsConfig.judgeOn(c)).isTrue();
        VitalsConfig real = load("backends: [{name: o, type: openai, baseUrl: 'http://127.0.0.1:1/v1', models: [m]}]\n");
        assertThat(EvaluatorsConfig.judgeOn(real)).isFalse();
        VitalsConfig empty = load("backends: [{name: s, models: [m]}]\nevaluators:\n");
        assertThat(empty.evaluators.maxWords).isEqualTo(300);
    }

    @Test
    void badValuesFailWithTheirKey() throws Exception {
        String base = "backends: [{name: s, models: [m]}]\nevaluators:\n";
        String[][] cases = {
                {"  maxWords: 0", "evaluators: conciseness budget must be >= 1 word, got 0"},
                {"  ngram: 11", "evaluators: repetition n-gram size must be 1..10, got 11"},
                {"  only: [nope]", "evaluators: unknown evaluator 'nope'"},
                {"  safetyLexicon: {bad: ['(']}", "evaluators: safety category 'bad'[0] is not a regular expression"},
                {"  queueSize: 0", "evaluators.queueSize must be between 1 and 1000000, got 0"},
                {"  maxResponseChars: 10", "evaluators.maxResponseChars must be between 256 and 16777216, got 10"},
                {"  models: {m: {maxWords: 0}}", "evaluators.models.m.maxWords must be >= 1, got 0"},
                {"  judge: {sampleRate: 1.5}", "evaluators.judge.sampleRate must be between 0 and 1, got 1.5"},
                {"  judge: {maxPerMinute: -1}", "evaluators.judge.maxPerMinute must be between 0 and 100000, got -1"},
                {"  judge: {budgetUsdPerDay: -1}", "evaluators.judge.budgetUsdPerDay must be a finite number >= 0, got -1.0"},
                {"  judge: {timeoutSeconds: 0}", "evaluators.judge.timeoutSeconds must be between 1 and 600, got 0"},
                {"  judge: {rubrics: [tone]}", "evaluators.judge.rubrics: unknown rubric 'tone'"},
                {"  judge: {rubrics: []}", "evaluators.judge.rubrics must list at least one of"},
                {"  judge: {rubricsDir: /nonexistent/dir}", "evaluators.judge.rubricsDir: /nonexistent/dir is not a directory"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> load(base + c[0] + "\n")).as(c[0]).isInstanceOf(ConfigException.class)
                    .hasMessageContaining(c[1]);
        }
        assertThatThrownBy(() -> load(base + "  nope: 1\n")).hasMessageContaining("unknown key 'evaluators.nope'");
    }

    @Test
    void aRubricFileOverridesTheBuiltInAndMustQuoteTheResponse() throws Exception {
        Path rubrics = Files.createDirectory(dir.resolve("rubrics"));
        Files.writeString(rubrics.resolve("safety.txt"), "Is this safe? {{prompt}}");
        assertThatThrownBy(() -> load("backends: [{name: s, models: [m]}]\nevaluators:\n  judge: {rubricsDir: '" + rubrics + "'}\n"))
                .hasMessageContaining("has no {{response}} placeholder");
        Files.writeString(rubrics.resolve("safety.txt"), "Is this safe? {{response}} Answer {\"safe\": true|false}");
        assertThat(load("backends: [{name: s, models: [m]}]\nevaluators:\n  judge: {rubricsDir: '" + rubrics + "'}\n")
                .evaluators.judge.rubricsDir).isEqualTo(rubrics.toString());
    }
}
