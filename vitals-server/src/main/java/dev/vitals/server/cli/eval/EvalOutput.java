package dev.vitals.server.cli.eval;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.vitals.quality.AverageMetrics;
import dev.vitals.quality.ClassMetrics;
import dev.vitals.quality.ClassificationReport;
import dev.vitals.quality.ConfusionMatrix;
import dev.vitals.quality.QualityReport;
import dev.vitals.quality.RegressionReport;
import dev.vitals.server.csv.CsvReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/** What {@code vitals eval} prints: a table for people, or the report as JSON. */
final class EvalOutput {
    /** Labels longer than this are cut in the table (never in JSON). */
    static final int MAX_LABEL_WIDTH = 32;

    /**
     * Jackson for the report: indented; NaN and infinities (undefined metrics) as null; characters
     * outside ASCII as JSON escapes (backslash, u, four hex digits), so labels survive any console
     * encoding. In a holder: the table does not pay for databind's start-up.
     */
    private static final class Json {
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
                .propertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
                .build()
                .registerModule(new SimpleModule("vitals-eval-nan-as-null")
                        .addSerializer(Double.class, new FiniteOrNull())
                        .addSerializer(Double.TYPE, new FiniteOrNull()));
    }

    private EvalOutput() {
    }

    /** Writes a double as a JSON number, or null when it is NaN or infinite (JSON has neither). */
    static final class FiniteOrNull extends JsonSerializer<Double> {
        @Override
        public void serialize(Double value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (value == null || !Double.isFinite(value)) {
                gen.writeNull();
            } else {
                gen.writeNumber(value);
            }
        }
    }

    /**
     * The report as indented JSON with a final newline, snake_case like the HTTP API. Only the sections
     * the file has: a file is one task, so the others (and the server's window times) would be nulls.
     */
    static String json(QualityReport report) {
        try {
            com.fasterxml.jackson.databind.node.ObjectNode tree = Json.MAPPER.valueToTree(report);
            tree.remove(List.of("from_millis", "to_millis"));
            if (report.classification() == null || report.classification().count() == 0) {
                tree.remove("classification");
            }
            if (report.regression() == null || report.regression().count() == 0) {
                tree.remove("regression");
            }
            if (report.scores() == null || report.scores().scores().isEmpty()) {
                tree.remove("scores");
            }
            if (report.text() == null || report.text().pairs() == 0 && report.text().tokens() == 0) {
                tree.remove("text");
            }
            return Json.MAPPER.writeValueAsString(tree) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The human-readable report. */
    static String table(QualityReport report, EvalCommand cmd, CsvReader csv) {
        StringBuilder b = new StringBuilder();
        String delimiter = csv.delimiter() == '\t' ? "TAB" : "'" + csv.delimiter() + "'";
        if (cmd.task == EvalCommand.Task.regression) {
            RegressionReport r = report.regression();
            line(b, "vitals eval: regression, %s (delimiter %s)", cmd.file, delimiter);
            line(b, "");
            line(b, "rows   %d", r.count());
            line(b, "RMSE   %s", num(r.rmse()));
            line(b, "MAE    %s", num(r.mae()));
            line(b, "MAPE   %s", num(r.mape()));
            line(b, "R^2    %s", num(r.r2()));
            return b.toString();
        }
        ClassificationReport c = report.classification();
        line(b, "vitals eval: classification, %s (delimiter %s)", cmd.file, delimiter);
        line(b, "");
        String kind = c.positiveLabel() != null ? "binary, positive label " + EvalCommand.quote(c.positiveLabel())
                : c.classes().size() + " classes";
        line(b, "rows      %d (%s)", c.count(), kind);
        line(b, "accuracy  %s", num(c.accuracy()));
        line(b, "");

        int w = "weighted avg".length();
        for (ClassMetrics m : c.classes()) {
            w = Math.max(w, cut(m.label()).length());
        }
        String rowFormat = "%-" + w + "s  %10s  %10s  %10s  %10s";
        line(b, rowFormat, "label", "precision", "recall", "f1", "support");
        for (ClassMetrics m : c.classes()) {
            line(b, rowFormat, cut(m.label()), num(m.precision()), num(m.recall()), num(m.f1()),
                    Long.toString(m.support()));
        }
        line(b, "");
        average(b, rowFormat, "macro avg", c.macro(), c.count());
        average(b, rowFormat, "micro avg", c.micro(), c.count());
        average(b, rowFormat, "weighted avg", c.weighted(), c.count());
        line(b, "");

        ConfusionMatrix cm = c.confusion();
        int k = cm.labels().size();
        if (k <= EvalCommand.MAX_MATRIX_CLASSES) {
            line(b, "confusion matrix (rows: actual, columns: predicted)");
            int cw = 1;
            for (List<Long> row : cm.counts()) {
                for (long x : row) {
                    cw = Math.max(cw, Long.toString(x).length());
                }
            }
            int lw = 0;
            for (String l : cm.labels()) {
                cw = Math.max(cw, cut(l).length());
                lw = Math.max(lw, cut(l).length());
            }
            StringBuilder head = new StringBuilder(" ".repeat(lw));
            for (String l : cm.labels()) {
                head.append("  ").append(pad(cut(l), cw));
            }
            line(b, "%s", head.toString().stripTrailing());
            for (int i = 0; i < k; i++) {
                StringBuilder r = new StringBuilder(String.format(Locale.ROOT, "%-" + lw + "s", cut(cm.labels().get(i))));
                for (long x : cm.counts().get(i)) {
                    r.append("  ").append(pad(Long.toString(x), cw));
                }
                line(b, "%s", r.toString());
            }
        } else {
            line(b, "confusion matrix: %d classes, more than %d; see --json", k, EvalCommand.MAX_MATRIX_CLASSES);
        }
        line(b, "");
        if (c.scoredCount() == 0) {
            line(b, "ROC AUC   n/a (no scores: give --score-col or --proba-cols)");
            line(b, "log loss  n/a");
        } else {
            String how = c.positiveLabel() != null ? "" : ", one-vs-rest macro";
            line(b, "ROC AUC   %s (exact: every score sorted, ties as scikit-learn%s)", num(c.rocAuc()), how);
            line(b, "log loss  %s", num(c.logLoss()));
        }
        return b.toString();
    }

    private static void average(StringBuilder b, String rowFormat, String name, AverageMetrics a, long count) {
        line(b, rowFormat, name, num(a.precision()), num(a.recall()), num(a.f1()), Long.toString(count));
    }

    private static String pad(String s, int width) {
        return " ".repeat(Math.max(0, width - s.length())) + s;
    }

    private static String cut(String label) {
        return label.length() <= MAX_LABEL_WIDTH ? label : label.substring(0, MAX_LABEL_WIDTH - 3) + "...";
    }

    /** Six decimals; scientific notation for very large or very small values; n/a for NaN. */
    static String num(double x) {
        if (Double.isNaN(x)) {
            return "n/a";
        }
        double a = Math.abs(x);
        if (Double.isInfinite(x) || a >= 1e7 || (a > 0 && a < 1e-4)) {
            return String.format(Locale.ROOT, "%.6e", x);
        }
        return String.format(Locale.ROOT, "%.6f", x);
    }

    private static void line(StringBuilder b, String format, Object... args) {
        b.append(String.format(Locale.ROOT, format, args)).append(System.lineSeparator());
    }
}
