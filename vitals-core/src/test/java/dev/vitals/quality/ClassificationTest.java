package dev.vitals.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClassificationTest {
    private static final QualitySpec BINARY = QualitySpec.builder().binary("legit", "fraud").build();
    private static final QualitySpec ANIMALS = QualitySpec.builder().labels("cat", "dog", "bird").build();

    /** Runs {@code add}, expects {@code message}, and checks that nothing changed (state JSON identical). */
    private static void rejected(QualityStats stats, Runnable add, String message) {
        String before = stats.toJson();
        assertThatThrownBy(add::run).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        assertThat(stats.toJson()).isEqualTo(before);
    }

    private static QualityStats seeded(QualitySpec spec) {
        QualityStats s = QualityStats.create(spec);
        if (spec.binary()) {
            s.addClassification(List.of(Prediction.of("fraud", "fraud", 0.9), Prediction.of("legit", "legit", 0.2)));
        } else {
            s.addClassification(Prediction.of("cat", "cat", Map.of("cat", 0.7, "dog", 0.2, "bird", 0.1)));
        }
        return s;
    }

    @Test
    void badScoresAreRejectedWholeBatch() {
        QualityStats s = seeded(BINARY);
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -0.01, 1.5}) {
            rejected(s, () -> s.addClassification(List.of(Prediction.of("fraud", "fraud", 0.5),
                    Prediction.of("legit", "fraud", bad))), "row 1: score must be a probability in [0, 1], got " + bad);
        }
        rejected(s, () -> s.addClassification(new String[] {"fraud", "legit"}, new String[] {"fraud", "legit"},
                new double[] {0.3, Double.NaN}, 2), "row 1: score must be a probability in [0, 1], got NaN");
        assertThat(s.report().classification().count()).isEqualTo(2);
    }

    @Test
    void badProbabilitiesAreRejected() {
        QualityStats s = seeded(ANIMALS);
        rejected(s, () -> s.addClassification(Prediction.of("cat", "dog", Map.of("cat", -0.1))),
                "row 0: probability of \"cat\" must be in [0, 1], got -0.1");
        rejected(s, () -> s.addClassification(List.of(Prediction.of("cat", "cat"),
                        Prediction.of("cat", "dog", Map.of("cat", 0.5, "dog", 0.4)))),
                "row 1: probabilities must sum to 1 (tolerance 1e-6), got 0.9");
        rejected(s, () -> s.addClassification(Prediction.of("cat", "dog", Map.of("cat", 0.5, "dog", 0.5, "bird", 1e-5))),
                "row 0: probabilities must sum to 1 (tolerance 1e-6), got 1.00001");
        java.util.Map<String, Double> withNull = new java.util.HashMap<>();
        withNull.put("cat", null);
        rejected(s, () -> s.addClassification(Prediction.of("cat", "dog", withNull)),
                "row 0: probability of \"cat\" must be in [0, 1], got null");
        rejected(s, () -> s.addClassification(new String[] {"cat"}, new String[] {"dog"}, new String[] {"cat", "dog"},
                new double[] {0.5, Double.NaN}, 1), "row 0: probability of \"dog\" must be in [0, 1], got NaN");
        // within the tolerance: accepted
        s.addClassification(Prediction.of("cat", "dog", Map.of("cat", 0.5, "dog", 0.5 + 9e-7)));
        assertThat(s.report().classification().count()).isEqualTo(2);
    }

    @Test
    void unknownLabelsOfAClosedTaskAreRejected() {
        QualityStats s = seeded(BINARY);
        rejected(s, () -> s.addClassification(List.of(Prediction.of("fraud", "legit"), Prediction.of("fraud", "legit"),
                Prediction.of("maybe", "legit"))), "row 2: unknown actual label \"maybe\"; the task's labels are [fraud, legit]");
        rejected(s, () -> s.addClassification(Prediction.of("fraud", "Fraud")),
                "row 0: unknown predicted label \"Fraud\"; the task's labels are [fraud, legit]");
        rejected(s, () -> s.addClassification(Prediction.of("fraud", "fraud", Map.of("fraud", 0.5, "spam", 0.5))),
                "row 0: unknown probability label \"spam\"; the task's labels are [fraud, legit]");
        QualityStats m = seeded(ANIMALS);
        rejected(m, () -> m.addClassification(new String[] {"cat"}, new String[] {"cat"}, new String[] {"cat", "cow"},
                new double[] {0.5, 0.5}, 1), "row 0: unknown class label \"cow\"; the task's labels are [bird, cat, dog]");
        rejected(m, () -> m.addClassification(Prediction.of("", "cat")), "row 0: actual label must be a non-empty string");
        rejected(m, () -> m.addClassification(Prediction.of("cat", null)), "row 0: predicted label must be a non-empty string");
    }

    @Test
    void scoresDoNotFitEveryTask() {
        QualityStats m = seeded(ANIMALS);
        rejected(m, () -> m.addClassification(Prediction.of("cat", "cat", 0.4)),
                "row 0: a multiclass task takes class probabilities, not a score");
        rejected(m, () -> m.addClassification(new String[] {"cat"}, new String[] {"cat"}, new double[] {0.4}, 1),
                "a multiclass task takes class probabilities, not scores");
        QualityStats b = seeded(BINARY);
        rejected(b, () -> b.addClassification(new Prediction("fraud", "fraud", 0.4, Map.of("fraud", 0.4, "legit", 0.6))),
                "row 0: give a score or probabilities, not both");
        rejected(b, () -> b.addClassification(new String[] {"fraud"}, new String[] {"fraud"}, new double[0], 1),
                "scores has 0 rows, fewer than count 1");
        rejected(b, () -> b.addClassification(new String[] {"fraud"}, new String[] {"fraud"}, null, -1),
                "count must be >= 0, got -1");
    }

    @Test
    void labelCapRejectsTheBatchThatWouldPassIt() {
        QualityStats s = QualityStats.create(QualitySpec.builder().maxLabels(3).build());
        s.addClassification(List.of(Prediction.of("a", "b"), Prediction.of("c", "c")));
        rejected(s, () -> s.addClassification(List.of(Prediction.of("a", "a"), Prediction.of("d", "a"))),
                "row 1: label \"d\" would exceed the limit of 3 distinct labels");
        s.addClassification(Prediction.of("a", "c")); // known labels still count
        assertThat(s.report().classification().count()).isEqualTo(3);
    }

    @Test
    void binaryProbabilitiesMapToThePositiveScore() {
        QualityStats byScore = QualityStats.create(BINARY);
        QualityStats byMap = QualityStats.create(BINARY);
        QualityStats byColumns = QualityStats.create(BINARY);
        Random rnd = new Random(3);
        String[] actual = new String[200];
        String[] predicted = new String[200];
        double[] matrix = new double[400];
        for (int i = 0; i < 200; i++) {
            actual[i] = rnd.nextBoolean() ? "fraud" : "legit";
            double p = Math.round(rnd.nextDouble() * 1000) / 1000.0;
            predicted[i] = p >= 0.5 ? "fraud" : "legit";
            byScore.addClassification(Prediction.of(actual[i], predicted[i], p));
            byMap.addClassification(Prediction.of(actual[i], predicted[i], Map.of("fraud", p, "legit", 1 - p)));
            matrix[2 * i] = 1 - p;
            matrix[2 * i + 1] = p;
        }
        byColumns.addClassification(actual, predicted, new String[] {"legit", "fraud"}, matrix, 200);
        ClassificationReport r = byScore.report().classification();
        assertThat(byMap.report().classification()).isEqualTo(r);
        assertThat(byColumns.report().classification()).isEqualTo(r);
        assertThat(r.positiveLabel()).isEqualTo("fraud");
    }

    @Test
    void logLossClipsLikeSklearn() {
        QualityStats s = QualityStats.create(BINARY);
        s.addClassification(Prediction.of("fraud", "legit", 0.0)); // clipped to eps: -log(eps) = 36.04
        double eps = Math.ulp(1.0);
        assertThat(s.report().classification().logLoss()).isEqualTo(-Math.log(eps));
        s.addClassification(Prediction.of("legit", "legit", 0.0)); // 1 - eps, renormalized
        assertThat(s.report().classification().logLoss()).isCloseTo((-Math.log(eps) + -Math.log(1 - eps)) / 2, within(1e-15));
    }

    @Test
    void emptyAndUnscoredReports() {
        ClassificationReport empty = QualityStats.create(BINARY).report().classification();
        assertThat(empty.count()).isZero();
        assertThat(empty.accuracy()).isNaN();
        assertThat(empty.classes()).isEmpty();
        assertThat(empty.macro().f1()).isNaN();
        assertThat(empty.rocAuc()).isNaN();
        assertThat(empty.logLoss()).isNaN();
        assertThat(empty.confusion().labels()).isEmpty();

        QualityStats s = QualityStats.create();
        s.addClassification(List.of(Prediction.of("x", "y"), Prediction.of("y", "y")));
        ClassificationReport r = s.report().classification();
        assertThat(r.accuracy()).isEqualTo(0.5);
        assertThat(r.scoredCount()).isZero();
        assertThat(r.rocAuc()).isNaN();
        assertThat(r.logLoss()).isNaN();
        assertThat(r.positiveLabel()).isNull();
        // "x" never predicted: precision 0 (zero_division=0), recall 0, F1 0
        assertThat(r.metricsOf("x")).isEqualTo(new ClassMetrics("x", 0.0, 0.0, 0.0, 1));
        assertThat(r.metricsOf("y")).isEqualTo(new ClassMetrics("y", 0.5, 1.0, 2.0 * 0.5 * 1.0 / 1.5, 1));
        assertThat(r.confusion().count("x", "y")).isEqualTo(1);
        assertThat(r.confusion().count("x", "nope")).isZero();
    }

    @Test
    void onlyScoredRowsEnterAucAndLogLoss() {
        QualityStats s = QualityStats.create(BINARY);
        s.addClassification(List.of(Prediction.of("fraud", "fraud", 0.8), Prediction.of("legit", "legit", 0.3),
                Prediction.of("legit", "fraud")));
        ClassificationReport r = s.report().classification();
        assertThat(r.count()).isEqualTo(3);
        assertThat(r.scoredCount()).isEqualTo(2);
        assertThat(r.rocAuc()).isEqualTo(1.0);
        assertThat(r.rocAucErrorBound()).isZero();
    }

    @Test
    void multiclassAucSkipsLabelsWithoutPositivesAndCountsUnnamedProbabilitiesAsZero() {
        QualityStats s = QualityStats.create(ANIMALS);
        // "bird" never occurs: left out of the macro average; rows name only some labels
        s.addClassification(List.of(
                Prediction.of("cat", "cat", Map.of("cat", 0.9, "dog", 0.1)),
                Prediction.of("dog", "dog", Map.of("dog", 0.6, "bird", 0.4)),
                Prediction.of("dog", "cat", Map.of("cat", 0.5, "dog", 0.5))));
        ClassificationReport r = s.report().classification();
        // cat: positive 0.9 vs negatives {0, 0.5} -> 1.0; dog: positives {0.6, 0.5} vs negative 0.1 -> 1.0
        assertThat(r.rocAuc()).isEqualTo(1.0);
        // 0.5 and 0.5 of the third row are in one bin with no negative of their label: no tie counted
        assertThat(r.rocAucErrorBound()).isZero();
    }

    @Test
    void binsPutEdgesInTheirOwnBin() {
        for (int bins : new int[] {10, 1000, 10_000, 100_000}) {
            for (int k = 0; k <= bins; k++) {
                assertThat(ClassificationBatch.bin((double) k / bins, bins)).isEqualTo(k);
            }
        }
        Random rnd = new Random(1);
        for (int i = 0; i < 100_000; i++) {
            double s = rnd.nextDouble();
            int b = ClassificationBatch.bin(s, 1000);
            assertThat((double) b / 1000).isLessThanOrEqualTo(s);
            assertThat(s).isLessThan((double) (b + 1) / 1000);
        }
        assertThat(ClassificationBatch.bin(Math.nextDown(1.0), 1000)).isEqualTo(999);
    }

    @Test
    void aucOfTiedScoresIsHalfAndTheBoundIsDataDependent() {
        QualityStats s = QualityStats.create(BINARY);
        // 0.1234 and 0.1239 share bin 123: the binned AUC counts their pair as a tie
        s.addClassification(List.of(Prediction.of("fraud", "legit", 0.1239), Prediction.of("legit", "legit", 0.1234)));
        ClassificationReport r = s.report().classification();
        assertThat(r.rocAuc()).isEqualTo(0.5); // exact: 1.0
        assertThat(r.rocAucErrorBound()).isEqualTo(0.5);
        QualityStats fine = QualityStats.create(QualitySpec.builder().binary("legit", "fraud").aucBins(10_000).build());
        fine.addClassification(List.of(Prediction.of("fraud", "legit", 0.1239), Prediction.of("legit", "legit", 0.1234)));
        assertThat(fine.report().classification().rocAuc()).isEqualTo(1.0);
        assertThat(fine.report().classification().rocAucErrorBound()).isZero();
    }

    @Test
    void regressionRejectsNonFiniteValues() {
        QualityStats s = QualityStats.create();
        s.addRegression(1, 2);
        rejected(s, () -> s.addRegression(new double[] {1, Double.NaN}, new double[] {1, 1}, 2),
                "row 1: actual must be a finite number, got NaN");
        rejected(s, () -> s.addRegression(1, Double.NEGATIVE_INFINITY),
                "row 0: predicted must be a finite number, got -Infinity");
        rejected(s, () -> s.addRegression(new double[] {1}, new double[] {1}, 2), "actual has 1 rows, fewer than count 2");
        assertThat(s.report().regression().count()).isEqualTo(1);
    }

    @Test
    void bulkPathCountsAMillionRowsExactly() {
        QualityStats s = QualityStats.create(BINARY);
        int chunk = 100_000;
        String[] actual = new String[chunk];
        String[] predicted = new String[chunk];
        double[] scores = new double[chunk];
        long correct = 0;
        long start = System.nanoTime();
        for (int c = 0; c < 10; c++) {
            for (int i = 0; i < chunk; i++) {
                int row = c * chunk + i;
                actual[i] = row % 3 == 0 ? "fraud" : "legit";
                scores[i] = (row % 1000) / 1000.0;
                predicted[i] = scores[i] >= 0.5 ? "fraud" : "legit";
                correct += actual[i].equals(predicted[i]) ? 1 : 0;
            }
            s.addClassification(actual, predicted, scores, chunk);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        ClassificationReport r = s.report().classification();
        assertThat(r.count()).isEqualTo(1_000_000);
        assertThat(r.scoredCount()).isEqualTo(1_000_000);
        assertThat(r.accuracy()).isEqualTo((double) correct / 1_000_000);
        assertThat(r.confusion().counts().stream().flatMap(List::stream).mapToLong(Long::longValue).sum())
                .isEqualTo(1_000_000);
        System.out.println("1,000,000 binary rows in " + millis + " ms");
    }
}
