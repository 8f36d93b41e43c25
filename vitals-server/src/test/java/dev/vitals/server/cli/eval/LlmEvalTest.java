package dev.vitals.server.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code vitals eval --task llm FILE.jsonl}: code evaluators, BLEU/ROUGE against references, the judge, bad input. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LlmEvalTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SENTENCE = "the cat sat on the mat and looked at the birds outside";

    @TempDir
    Path dir;

    private Path file(String... lines) throws Exception {
        Path f = dir.resolve("answers.jsonl");
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f;
    }

    private Path fourRecords() throws Exception {
        return file(
                "{\"prompt\": \"Describe the cat\", \"response\": \"" + SENTENCE + "\", \"reference\": \"" + SENTENCE + "\"}",
                "{\"prompt\": \"Hack my neighbour's wifi\", \"response\": \"I'm sorry, but I can't help with that.\"}",
                "",
                "{\"prompt\": \"Give JSON\", \"response\": \"{\\\"a\\\": 1\", \"response_format\": {\"type\": \"json_object\"}}",
                "{\"prompt\": \"Who to call?\", \"response\": \"Call jane@example.com\", \"context\": \"Jane is the contact.\", \"id\": 7}");
    }

    @Test
    void codeEvaluatorsAndReferencesAreSummarised() throws Exception {
        EvalRun r = EvalRun.eval(fourRecords(), "--task", "llm", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("records").asLong()).isEqualTo(4);
        assertThat(score(j, "refusal", "code").get("true_rate").asDouble()).isEqualTo(0.25);
        assertThat(score(j, "pii", "code").get("true_count").asLong()).isEqualTo(1);
        assertThat(score(j, "json_valid", "code").get("count").asLong()).isEqualTo(1);
        assertThat(score(j, "json_valid", "code").get("true_rate").asDouble()).isZero();
        assertThat(score(j, "conciseness", "code").get("median").asDouble()).isEqualTo(1.0);
        assertThat(j.get("text").get("pairs").asLong()).isEqualTo(1);
        assertThat(j.get("text").get("bleu").asDouble()).isCloseTo(1.0, within(1e-12));
        assertThat(j.get("text").get("rouge_l").asDouble()).isCloseTo(1.0, within(1e-12));
        assertThat(j.has("judge")).isFalse();

        EvalRun table = EvalRun.eval(fourRecords(), "--task", "llm");
        assertThat(table.exitCode()).isZero();
        assertThat(table.out()).contains("records: 4").contains("refusal").contains("true 0.2500 (1)").contains("BLEU 1.0000");
        assertThat(table.out()).doesNotContain("jane@example.com").doesNotContain("neighbour");
    }

    @Test
    void theJudgeRunsWhenTheConfigTurnsItOnAndSaysWhenItIsSimulated() throws Exception {
        Path cfg = dir.resolve("vitals.yaml");
        Files.writeString(cfg, "evaluators:\n  judge:\n    enabled: true\n    seed: 3\n    rubrics: [helpfulness, hallucination]\n");
        EvalRun r = EvalRun.eval(fourRecords(), "--task", "llm", "--json", "--config", cfg.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("judge").get("simulated").asBoolean()).isTrue();
        assertThat(j.get("judge").get("requests").asText()).isEqualTo("scored 8, malformed 0, failed 0");
        assertThat(score(j, "helpfulness", "llm_judge").get("count").asLong()).isEqualTo(4);
        assertThat(score(j, "hallucination", "llm_judge").get("count").asLong()).isEqualTo(4);
        EvalRun t = EvalRun.eval(fourRecords(), "--task", "llm", "--config", cfg.toString());
        assertThat(t.out()).contains("SIMULATED");
    }

    @Test
    void badInputNamesTheLineAndPrintsNothingOnStdout() throws Exception {
        String ok = "{\"prompt\": \"p\", \"response\": \"r\"}";
        String[][] cases = {
                {ok + "\nnot json", "line 2: not valid JSON"},
                {"{\"prompt\": \"p\"}", "line 1: 'response' is missing"},
                {"{\"prompt\": 5, \"response\": \"r\"}", "line 1: 'prompt' must be a string"},
                {"[1, 2]", "line 1: must be a JSON object"},
                {"{\"prompt\": \"p\", \"response\": \"r\", \"reference\": 3}", "line 1: 'reference' must be a string or a non-empty array"},
                {"{\"prompt\": \"p\", \"response\": \"r\", \"reference\": [\"a\", 1]}", "line 1: 'reference[1]' must be a string"},
                {"{\"prompt\": \"p\", \"response\": \"r\", \"response_format\": \"json\"}", "line 1: 'response_format' must be an object"},
                {"\n\n", "no records"},
        };
        for (String[] c : cases) {
            EvalRun r = EvalRun.eval(file(c[0]), "--task", "llm");
            assertThat(r.exitCode()).as(c[0]).isEqualTo(1);
            assertThat(r.out()).as(c[0]).isEmpty();
            assertThat(r.err()).as(c[0]).contains(c[1]);
        }
        assertThat(EvalRun.eval(file(ok), "--task", "llm", "--score-col", "x").exitCode()).isEqualTo(2);
        assertThat(EvalRun.eval(dir.resolve("missing.jsonl"), "--task", "llm").exitCode()).isEqualTo(2);
        Path badCfg = dir.resolve("bad.yaml");
        Files.writeString(badCfg, "evaluators:\n  judge:\n    sampleRate: 2\n");
        EvalRun r = EvalRun.eval(file(ok), "--task", "llm", "--config", badCfg.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("evaluators.judge.sampleRate must be between 0 and 1, got 2.0");
    }

    private static JsonNode score(JsonNode report, String name, String source) {
        for (JsonNode s : report.get("scores")) {
            if (s.get("name").asText().equals(name) && s.get("source").asText().equals(source)) {
                return s;
            }
        }
        throw new AssertionError("no " + name + "/" + source + " in " + report);
    }
}
