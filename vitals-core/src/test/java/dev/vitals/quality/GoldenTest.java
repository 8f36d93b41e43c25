package dev.vitals.quality;

import static dev.vitals.quality.Golden.assertClose;
import static dev.vitals.quality.Golden.assertRelative;
import static dev.vitals.quality.Golden.num;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Metrics against scikit-learn and NLTK values recorded in {@code golden/quality.json}. */
class GoldenTest {

    @Test
    void goldenFileRecordsItsVersions() {
        JsonNode v = Golden.ROOT.get("versions");
        assertThat(v.get("sklearn").asText()).isEqualTo("1.2.1");
        assertThat(v.get("nltk").asText()).isEqualTo("3.8");
        assertThat(Golden.ROOT.get("float64_eps").asDouble()).isEqualTo(ClassificationBatch.EPS);
    }

    // ---- classification ------------------------------------------------------------------------

    static Stream<Arguments> classificationCases() {
        List<Arguments> out = new ArrayList<>();
        Golden.cases("classification").forEach(c -> out.add(Arguments.of(c.get("name").asText(), c)));
        return out.stream();
    }

    static QualitySpec spec(JsonNode c, boolean open, int bins) {
        QualitySpec.Builder b = QualitySpec.builder().aucBins(bins);
        if (c.get("task").asText().equals("binary")) {
            List<String> labels = Golden.strings(c.get("labels"));
            b.binary(labels.get(0), c.get("positive").asText());
        } else if (!open && !c.get("labels").isNull()) {
            b.labels(Golden.strings(c.get("labels")));
        }
        return b.build();
    }

    static List<Prediction> rows(JsonNode c) {
        List<String> actual = Golden.strings(c.get("actual"));
        List<String> predicted = Golden.strings(c.get("predicted"));
        List<Prediction> rows = new ArrayList<>();
        for (int i = 0; i < actual.size(); i++) {
            if (!c.get("scores").isNull()) {
                rows.add(Prediction.of(actual.get(i), predicted.get(i), c.get("scores").get(i).asDouble()));
            } else if (!c.get("probabilities").isNull()) {
                Map<String, Double> p = new LinkedHashMap<>();
                List<String> classes = Golden.strings(c.get("classes"));
                for (int j = 0; j < classes.size(); j++) {
                    p.put(classes.get(j), c.get("probabilities").get(i).get(j).asDouble());
                }
                rows.add(Prediction.of(actual.get(i), predicted.get(i), p));
            } else {
                rows.add(Prediction.of(actual.get(i), predicted.get(i)));
            }
        }
        return rows;
    }

    /** The same rows through the columnar bulk path. */
    static void addColumns(QualityRecorder r, JsonNode c) {
        String[] actual = Golden.strings(c.get("actual")).toArray(new String[0]);
        String[] predicted = Golden.strings(c.get("predicted")).toArray(new String[0]);
        if (!c.get("probabilities").isNull()) {
            String[] classes = Golden.strings(c.get("classes")).toArray(new String[0]);
            double[] p = new double[actual.length * classes.length];
            for (int i = 0; i < actual.length; i++) {
                for (int j = 0; j < classes.length; j++) {
                    p[i * classes.length + j] = c.get("probabilities").get(i).get(j).asDouble();
                }
            }
            r.addClassification(actual, predicted, classes, p, actual.length);
        } else {
            double[] scores = c.get("scores").isNull() ? null : Golden.doubles(c.get("scores"));
            r.addClassification(actual, predicted, scores, actual.length);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("classificationCases")
    void classificationRowsMatchSklearn(String name, JsonNode c) {
        QualityStats stats = QualityStats.create(spec(c, false, 1000));
        stats.addClassification(rows(c));
        assertClassification(name, stats.report().classification(), c, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("classificationCases")
    void classificationColumnsMatchSklearn(String name, JsonNode c) {
        QualityStats stats = QualityStats.create(spec(c, false, 1000));
        addColumns(stats, c);
        assertClassification(name, stats.report().classification(), c, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("classificationCases")
    void openTaskWithFinerBinsMatchesSklearn(String name, JsonNode c) {
        QualityStats stats = QualityStats.create(spec(c, true, 10_000));
        stats.addClassification(rows(c));
        ClassificationReport r = stats.report().classification();
        assertClassification(name, r, c, false);
        QualityStats coarse = QualityStats.create(spec(c, true, 1000));
        coarse.addClassification(rows(c));
        double coarseBound = coarse.report().classification().rocAucErrorBound();
        if (!Double.isNaN(r.rocAuc()) && !c.get("exact_bins").asBoolean()) {
            // continuous scores: 10 times the bins, a smaller bound (real ties, e.g. at 0 and 1, remain)
            assertThat(r.rocAucErrorBound()).isLessThan(coarseBound);
        } else if (!Double.isNaN(r.rocAuc())) {
            // scores on 1/1000 edges tie for real: finer bins change nothing
            assertThat(r.rocAucErrorBound()).isEqualTo(coarseBound);
        }
    }

    static void assertClassification(String name, ClassificationReport r, JsonNode c, boolean defaultBins) {
        JsonNode e = c.get("expected");
        List<String> labels = Golden.strings(e.get("labels"));
        assertThat(r.count()).isEqualTo(e.get("count").asLong());
        assertClose(name + " accuracy", r.accuracy(), num(e.get("accuracy")));
        assertThat(r.confusion().labels()).isEqualTo(labels);
        assertThat(r.classes()).extracting(ClassMetrics::label).isEqualTo(labels);
        for (int i = 0; i < labels.size(); i++) {
            ClassMetrics m = r.classes().get(i);
            assertClose(name + " precision " + m.label(), m.precision(), num(e.get("precision").get(i)));
            assertClose(name + " recall " + m.label(), m.recall(), num(e.get("recall").get(i)));
            assertClose(name + " f1 " + m.label(), m.f1(), num(e.get("f1").get(i)));
            assertThat(m.support()).isEqualTo(e.get("support").get(i).asLong());
            for (int j = 0; j < labels.size(); j++) {
                assertThat(r.confusion().counts().get(i).get(j)).as(name + " confusion " + i + "," + j)
                        .isEqualTo(e.get("confusion").get(i).get(j).asLong());
            }
        }
        Map<String, AverageMetrics> averages = Map.of("macro", r.macro(), "micro", r.micro(), "weighted", r.weighted());
        averages.forEach((avg, m) -> {
            assertClose(name + " " + avg + " precision", m.precision(), num(e.get(avg).get("precision")));
            assertClose(name + " " + avg + " recall", m.recall(), num(e.get(avg).get("recall")));
            assertClose(name + " " + avg + " f1", m.f1(), num(e.get(avg).get("f1")));
        });
        assertClose(name + " log loss", r.logLoss(), num(e.get("log_loss")));
        double auc = num(e.get("roc_auc"));
        if (Double.isNaN(auc)) {
            assertThat(r.rocAuc()).as(name + " roc auc").isNaN();
            assertThat(r.rocAucErrorBound()).isNaN();
        } else if (c.get("exact_bins").asBoolean() && defaultBins) {
            // every score is a multiple of 1/1000: each bin holds one distinct score, the AUC is exact
            assertClose(name + " roc auc", r.rocAuc(), auc);
        } else {
            assertThat(Math.abs(r.rocAuc() - auc)).as(name + " roc auc " + r.rocAuc() + " vs " + auc)
                    .isLessThanOrEqualTo(r.rocAucErrorBound());
            assertThat(r.rocAucErrorBound()).isLessThan(2e-3);
            System.out.printf("%s: bins %s, |auc error| %.3g, bound %.3g%n", name, defaultBins ? 1000 : 10000,
                    Math.abs(r.rocAuc() - auc), r.rocAucErrorBound());
        }
    }

    // ---- regression ----------------------------------------------------------------------------

    static Stream<Arguments> regressionCases() {
        List<Arguments> out = new ArrayList<>();
        Golden.cases("regression").forEach(c -> out.add(Arguments.of(c.get("name").asText(), c)));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("regressionCases")
    void regressionMatchesSklearn(String name, JsonNode c) {
        double[] actual = Golden.doubles(c.get("actual"));
        double[] predicted = Golden.doubles(c.get("predicted"));
        QualityStats stats = QualityStats.create();
        stats.addRegression(actual, predicted, actual.length);
        assertRegression(name, stats.report().regression(), c.get("expected"));

        // split in two and merged: the same metrics (Chan's merge of the actuals' spread)
        QualityStats a = QualityStats.create();
        QualityStats b = QualityStats.create();
        int half = actual.length / 2;
        for (int i = 0; i < actual.length; i++) {
            (i < half ? a : b).addRegression(actual[i], predicted[i]);
        }
        a.merge(b);
        assertRegression(name + " merged", a.report().regression(), c.get("expected"));
    }

    static void assertRegression(String name, RegressionReport r, JsonNode e) {
        assertThat(r.count()).isEqualTo(e.get("count").asLong());
        assertClose(name + " rmse", r.rmse(), num(e.get("rmse")));
        assertClose(name + " mae", r.mae(), num(e.get("mae")));
        assertClose(name + " mape", r.mape(), num(e.get("mape")));
        assertClose(name + " r2", r.r2(), num(e.get("r2")));
    }

    // ---- BLEU ----------------------------------------------------------------------------------

    static Stream<Arguments> bleuCases() {
        List<Arguments> out = new ArrayList<>();
        Golden.cases("bleu").forEach(c -> out.add(Arguments.of(c.get("name").asText(), c)));
        return out.stream();
    }

    static List<List<String>> references(JsonNode c) {
        List<List<String>> refs = new ArrayList<>();
        c.get("references").forEach(r -> refs.add(Golden.strings(r)));
        return refs;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bleuCases")
    void corpusBleuMatchesNltk(String name, JsonNode c) {
        List<String> hyps = Golden.strings(c.get("hypotheses"));
        List<List<String>> refs = references(c);
        JsonNode e = c.get("expected");
        assertRelative(name + " none", TextMetrics.corpusBleu(hyps, refs, BleuSmoothing.NONE), e.get("none").asDouble());
        assertRelative(name + " method1", TextMetrics.corpusBleu(hyps, refs, BleuSmoothing.METHOD1),
                e.get("method1").asDouble());

        // the same corpus accumulated pair by pair, in two stats merged
        QualityStats a = QualityStats.create();
        QualityStats b = QualityStats.create();
        for (int i = 0; i < hyps.size(); i++) {
            (i % 2 == 0 ? a : b).addText(hyps.get(i), refs.get(i));
        }
        a.merge(b);
        TextReport t = a.report().text();
        assertThat(t.pairs()).isEqualTo(hyps.size());
        assertRelative(name + " report none", t.bleu(), e.get("none").asDouble());
        assertRelative(name + " report method1", t.bleuMethod1(), e.get("method1").asDouble());
        assertClose(name + " brevity penalty", t.brevityPenalty(), e.get("brevity_penalty").asDouble());
        assertThat(t.hypothesisLength()).isEqualTo(e.get("hyp_len").asLong());
        assertThat(t.referenceLength()).isEqualTo(e.get("ref_len").asLong());
        for (int n = 0; n < 4; n++) {
            assertClose(name + " p" + (n + 1), t.precisions().get(n),
                    e.get("matches").get(n).asDouble() / e.get("totals").get(n).asDouble());
        }
    }

    @Test
    void bleuTokensSplitOnPythonWhitespace() {
        Set<Integer> python = new HashSet<>();
        Golden.ROOT.get("python_whitespace").forEach(n -> python.add(n.asInt()));
        assertThat(python).allMatch(cp -> cp < 0x10000).hasSize(29);
        for (int c = 0; c < 0x10000; c++) {
            assertThat(TextMetrics.isPythonWhitespace((char) c)).as("U+%04X", c).isEqualTo(python.contains(c));
        }
    }
}
