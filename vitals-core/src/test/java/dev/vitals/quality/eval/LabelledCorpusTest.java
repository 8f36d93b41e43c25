package dev.vitals.quality.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitals.quality.Score;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The code evaluators on a small hand-labelled corpus ({@code corpus.jsonl}: refusals, PII, invalid
 * JSON, schema violations, repetitive and unsafe text, with near misses as negatives). Precision and
 * recall are computed per evaluator for the "problem" class and printed; measured on this corpus:
 * every evaluator 1.00 / 1.00 (the corpus is small: the numbers state what the evaluators catch of
 * these phrasings, not a general accuracy).
 */
class LabelledCorpusTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<JsonNode> ROWS = new ArrayList<>();
    private static final CodeEvaluators EVALUATORS = CodeEvaluators.defaults();

    @BeforeAll
    static void read() throws Exception {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                LabelledCorpusTest.class.getResourceAsStream("corpus.jsonl"), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    ROWS.add(JSON.readTree(line));
                }
            }
        }
        assertThat(ROWS).hasSizeGreaterThan(50);
    }

    private record PrecisionRecall(int tp, int fp, int fn, int n) {
        double precision() {
            return tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp);
        }

        double recall() {
            return tp + fn == 0 ? Double.NaN : (double) tp / (tp + fn);
        }
    }

    /** Precision/recall of "problem" predictions against the label, over rows carrying the label. */
    private static PrecisionRecall measure(String label, boolean problemWhen, Function<List<Score>, Optional<Boolean>> problem) {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        int n = 0;
        for (JsonNode row : ROWS) {
            JsonNode l = row.path("labels").get(label);
            if (l == null) {
                continue;
            }
            n++;
            boolean actual = l.booleanValue() == problemWhen;
            EvalInput in = new EvalInput("", row.get("response").asText(), null, row.get("response_format"));
            boolean predicted = problem.apply(EVALUATORS.evaluate(in)).orElse(false);
            if (predicted && actual) {
                tp++;
            } else if (predicted) {
                fp++;
            } else if (actual) {
                fn++;
            }
        }
        PrecisionRecall pr = new PrecisionRecall(tp, fp, fn, n);
        System.out.printf("%-18s n=%2d precision=%.2f recall=%.2f%n", label, n, pr.precision(), pr.recall());
        return pr;
    }

    private static Optional<Score> find(List<Score> scores, String name) {
        return scores.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    @Test
    void everyEvaluatorHasFullPrecisionAndRecallOnTheCorpus() {
        Map<String, PrecisionRecall> results = new LinkedHashMap<>();
        results.put("refusal", measure("refusal", true, s -> find(s, "refusal").map(Score::flag)));
        results.put("pii", measure("pii", true, s -> find(s, "pii").map(Score::flag)));
        results.put("json_valid", measure("json_valid", false, s -> find(s, "json_valid").map(x -> !x.flag())));
        results.put("json_schema_valid", measure("json_schema_valid", false, s -> find(s, "json_schema_valid").map(x -> !x.flag())));
        results.put("repetitive", measure("repetitive", true, s -> find(s, "repetition").map(x -> x.number() >= 0.3)));
        results.put("unsafe", measure("unsafe", true, s -> find(s, "safety").map(x -> !x.flag())));
        results.forEach((name, pr) -> {
            assertThat(pr.n()).as(name + " rows").isGreaterThanOrEqualTo(6);
            assertThat(pr.precision()).as(name + " precision").isEqualTo(1.0);
            assertThat(pr.recall()).as(name + " recall").isEqualTo(1.0);
        });
    }
}
