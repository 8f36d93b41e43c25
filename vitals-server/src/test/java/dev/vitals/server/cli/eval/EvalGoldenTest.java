package dev.vitals.server.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code vitals eval} on the files of {@code src/test/python/gen_eval_golden.py} against
 * scikit-learn's values: to 1e-9, and ROC AUC exactly (to 1e-12).
 */
class EvalGoldenTest {
    private static final ObjectMapper JSON = new ObjectMapper(); // rejects NaN tokens: the output must be plain JSON
    private static final double TOLERANCE = 1e-9;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("binary_scores", "binary_scores.csv", ','),
                Arguments.of("binary_scores", "binary_scores_semicolon.csv", ';'),
                Arguments.of("binary_scores", "binary_scores_tab.tsv", '\t'),
                Arguments.of("binary_scores", "binary_scores_bom_crlf.csv", ','),
                Arguments.of("binary01", "binary01.csv", ','),
                Arguments.of("multiclass_proba", "multiclass_proba.csv", ','),
                Arguments.of("multiclass_labels", "multiclass_labels.csv", ','),
                Arguments.of("regression", "regression.csv", ','));
    }

    private static JsonNode golden(String name) throws IOException {
        return JSON.readTree(Files.readString(EvalRun.resource(name + ".json")));
    }

    private static String[] args(JsonNode golden, String... more) {
        List<String> a = new ArrayList<>();
        golden.get("args").forEach(n -> a.add(n.asText()));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("cases")
    void jsonMatchesScikitLearn(String name, String file, char delimiter) throws IOException {
        JsonNode g = golden(name);
        JsonNode e = g.get("expected");
        EvalRun run = EvalRun.eval(EvalRun.resource(file), args(g, "--json"));
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        JsonNode report = JSON.readTree(run.out());
        if (args(g)[1].equals("regression")) {
            JsonNode r = report.get("regression");
            assertThat(r.get("count").asLong()).isEqualTo(e.get("count").asLong());
            for (String m : new String[] {"rmse", "mae", "mape", "r2"}) {
                assertThat(r.get(m).asDouble()).as(m).isCloseTo(e.get(m).asDouble(), within(TOLERANCE));
            }
            // only the sections the file has: no empty classification, scores or text, no window times
            assertThat(report.has("classification")).isFalse();
            assertThat(report.has("scores")).isFalse();
            assertThat(report.has("text")).isFalse();
            assertThat(report.has("from_millis")).isFalse();
            return;
        }
        JsonNode c = report.get("classification");
        assertThat(report.has("regression")).isFalse();
        assertThat(c.get("count").asLong()).isEqualTo(e.get("count").asLong());
        assertThat(c.get("accuracy").asDouble()).isCloseTo(e.get("accuracy").asDouble(), within(TOLERANCE));
        JsonNode labels = e.get("labels");
        assertThat(c.get("classes")).hasSize(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            JsonNode m = c.get("classes").get(i);
            assertThat(m.get("label").asText()).isEqualTo(labels.get(i).asText());
            assertThat(m.get("precision").asDouble()).isCloseTo(e.get("precision").get(i).asDouble(), within(TOLERANCE));
            assertThat(m.get("recall").asDouble()).isCloseTo(e.get("recall").get(i).asDouble(), within(TOLERANCE));
            assertThat(m.get("f1").asDouble()).isCloseTo(e.get("f1").get(i).asDouble(), within(TOLERANCE));
            assertThat(m.get("support").asLong()).isEqualTo(e.get("support").get(i).asLong());
        }
        for (String avg : new String[] {"macro", "micro", "weighted"}) {
            for (String m : new String[] {"precision", "recall", "f1"}) {
                assertThat(c.get(avg).get(m).asDouble()).as(avg + " " + m)
                        .isCloseTo(e.get(avg).get(m).asDouble(), within(TOLERANCE));
            }
        }
        assertThat(c.get("confusion").get("labels")).isEqualTo(labels);
        assertThat(c.get("confusion").get("counts")).isEqualTo(e.get("confusion"));
        assertThat(c.get("positive_label")).isEqualTo(e.get("positive"));
        if (e.get("roc_auc").isNull()) {
            assertThat(c.get("roc_auc").isNull()).isTrue();
            assertThat(c.get("log_loss").isNull()).isTrue();
            assertThat(c.get("scored_count").asLong()).isZero();
        } else {
            // exact: sorted scores, ties as scikit-learn, so no binning error is left
            assertThat(c.get("roc_auc_error_bound").asDouble()).isZero();
            assertThat(c.get("roc_auc").asDouble()).isCloseTo(e.get("roc_auc").asDouble(), within(1e-12));
            assertThat(c.get("log_loss").asDouble()).isCloseTo(e.get("log_loss").asDouble(), within(TOLERANCE));
            assertThat(c.get("scored_count").asLong()).isEqualTo(e.get("count").asLong());
        }
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("cases")
    void tableShowsTheSameNumbers(String name, String file, char delimiter) throws IOException {
        JsonNode g = golden(name);
        JsonNode e = g.get("expected");
        EvalRun run = EvalRun.eval(EvalRun.resource(file), args(g));
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        String out = run.out();
        assertThat(out).contains("(delimiter " + (delimiter == '\t' ? "TAB" : "'" + delimiter + "'") + ")");
        if (args(g)[1].equals("regression")) {
            assertThat(out).contains("rows   " + e.get("count").asLong())
                    .contains("RMSE   " + six(e.get("rmse").asDouble()))
                    .contains("MAE    " + six(e.get("mae").asDouble()))
                    .contains("MAPE   " + six(e.get("mape").asDouble()))
                    .contains("R^2    " + six(e.get("r2").asDouble()));
            return;
        }
        assertThat(out).contains("accuracy  " + six(e.get("accuracy").asDouble()))
                .contains("confusion matrix (rows: actual, columns: predicted)");
        JsonNode labels = e.get("labels");
        for (int i = 0; i < labels.size(); i++) {
            assertThat(out).containsPattern("(?m)^" + java.util.regex.Pattern.quote(labels.get(i).asText()) + " +"
                    + six(e.get("precision").get(i).asDouble()) + " +" + six(e.get("recall").get(i).asDouble())
                    + " +" + six(e.get("f1").get(i).asDouble()) + " +" + e.get("support").get(i).asLong() + "$");
        }
        if (!e.get("log_loss").isNull()) {
            assertThat(out).contains("log loss  " + six(e.get("log_loss").asDouble())).contains("ROC AUC   0.");
        } else {
            assertThat(out).contains("ROC AUC   n/a");
        }
    }

    @Test
    void progressBarGoesToStderrOnlyAndJsonStaysClean() throws IOException {
        JsonNode g = golden("binary_scores");
        EvalRun run = EvalRun.eval(EvalRun.resource("binary_scores.csv"), args(g, "--json", "--progress"));
        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).contains("vitals eval: [##############################] 100%");
        assertThat(run.out()).doesNotContain("vitals eval: [").startsWith("{");
        assertThat(JSON.readTree(run.out()).get("classification").get("count").asLong()).isEqualTo(600);
    }

    @Test
    void noProgressBarWithoutATerminal() throws IOException {
        JsonNode g = golden("binary_scores");
        EvalRun run = EvalRun.eval(EvalRun.resource("binary_scores.csv"), args(g));
        assertThat(run.err()).isEmpty(); // System.console() is null under surefire
    }

    @Test
    void jsonEscapesNonAscii() throws IOException {
        EvalRun run = EvalRun.eval(EvalRun.resource("multiclass_labels.csv"), "--task", "classification", "--json");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("\"caf\\u00E9\"").matches("\\p{ASCII}*");
        assertThat(JSON.readTree(run.out()).get("classification").get("confusion").get("labels").get(2).asText())
                .isEqualTo("café");
    }

    private static String six(double x) {
        return String.format(Locale.ROOT, "%.6f", x);
    }
}
