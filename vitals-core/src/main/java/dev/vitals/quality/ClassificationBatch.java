package dev.vitals.quality;

import dev.vitals.internal.Args;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A validated classification batch with resolved label ids; applying it to a {@link ClassificationAcc}
 * cannot fail. The {@code prepare} factories check every row before they register a new label, so a
 * bad row changes nothing, and work out each row's log loss and histogram bins (see
 * {@link ClassificationAcc} for the bins).
 */
final class ClassificationBatch implements QualityBatch {
    /** numpy's float64 eps, sklearn 1.2's {@code log_loss(eps="auto")}. */
    static final double EPS = Math.ulp(1.0);
    /** How far a row's probabilities may sum from 1. */
    static final double SUM_TOLERANCE = 1e-6;

    final int n;
    final int[] actual;
    final int[] predicted;
    final double[] loss; // NaN: row without scores
    final int[] entryStart; // per row, into entryLabel/entryBin; null when no row is scored
    final int[] entryLabel;
    final int[] entryBin;

    ClassificationBatch(int n, int[] actual, int[] predicted, double[] loss, int[] entryStart, int[] entryLabel, int[] entryBin) {
        this.n = n;
        this.actual = actual;
        this.predicted = predicted;
        this.loss = loss;
        this.entryStart = entryStart;
        this.entryLabel = entryLabel;
        this.entryBin = entryBin;
    }

    // ---- validation and resolution -------------------------------------------------------------

    static ClassificationBatch prepare(Vocabulary v, List<Prediction> rows) {
        QualitySpec spec = v.spec;
        int n = rows.size();
        Map<String, Integer> fresh = new LinkedHashMap<>();
        int entries = 0;
        for (int i = 0; i < n; i++) {
            Prediction r = rows.get(i);
            if (r == null) {
                throw new IllegalArgumentException("row " + i + ": must not be null");
            }
            checkLabel(v, i, "actual", r.actual(), fresh);
            checkLabel(v, i, "predicted", r.predicted(), fresh);
            if (r.score() != null && r.probabilities() != null) {
                throw new IllegalArgumentException("row " + i + ": give a score or probabilities, not both");
            }
            if (r.score() != null) {
                if (!spec.binary()) {
                    throw multiclassScore(i);
                }
                checkScore(i, r.score());
                entries++;
            } else if (r.probabilities() != null) {
                double sum = 0;
                for (Map.Entry<String, Double> e : r.probabilities().entrySet()) {
                    checkLabel(v, i, "probability", e.getKey(), fresh);
                    sum += checkProbability(i, e.getKey(), e.getValue());
                }
                checkSum(i, sum);
                entries += spec.binary() ? 1 : r.probabilities().size();
            }
        }
        v.registerLabels(fresh);
        int k = v.labelCount();
        int pos = spec.binary() ? v.labelId(spec.positiveLabel()) : -1;
        int[] actual = new int[n];
        int[] predicted = new int[n];
        double[] loss = new double[n];
        int[] start = entries > 0 ? new int[n + 1] : null;
        int[] label = new int[entries];
        int[] bin = new int[entries];
        int e = 0;
        for (int i = 0; i < n; i++) {
            Prediction r = rows.get(i);
            int a = v.labelId(r.actual());
            actual[i] = a;
            predicted[i] = v.labelId(r.predicted());
            loss[i] = Double.NaN;
            if (start != null) {
                start[i] = e;
            }
            if (r.score() != null || (r.probabilities() != null && spec.binary())) {
                double s = r.score() != null ? r.score() : r.probabilities().getOrDefault(spec.positiveLabel(), 0.0);
                loss[i] = binaryLoss(s, a == pos);
                if (s > 0) {
                    label[e] = pos;
                    bin[e++] = bin(s, spec.aucBins());
                }
            } else if (r.probabilities() != null) {
                double clippedSum = 0;
                double pTrue = 0;
                for (Map.Entry<String, Double> en : r.probabilities().entrySet()) {
                    int c = v.labelId(en.getKey());
                    double p = en.getValue();
                    clippedSum += clip(p);
                    if (c == a) {
                        pTrue = p;
                    }
                    if (p > 0) {
                        label[e] = c;
                        bin[e++] = bin(p, spec.aucBins());
                    }
                }
                loss[i] = multiclassLoss(pTrue, clippedSum, k - r.probabilities().size());
            }
        }
        if (start != null) {
            start[n] = e;
        }
        return new ClassificationBatch(n, actual, predicted, loss, start, label, bin);
    }

    /** Columnar rows; {@code scores} (binary tasks only) may be null. */
    static ClassificationBatch prepare(Vocabulary v, String[] actual, String[] predicted, double[] scores, int count) {
        QualitySpec spec = v.spec;
        checkColumns(actual, predicted, count);
        if (scores != null) {
            if (!spec.binary()) {
                throw new IllegalArgumentException("a multiclass task takes class probabilities, not scores");
            }
            checkLength("scores", scores.length, count);
        }
        Map<String, Integer> fresh = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            checkLabel(v, i, "actual", actual[i], fresh);
            checkLabel(v, i, "predicted", predicted[i], fresh);
            if (scores != null) {
                checkScore(i, scores[i]);
            }
        }
        v.registerLabels(fresh);
        int pos = spec.binary() ? v.labelId(spec.positiveLabel()) : -1;
        int[] a = new int[count];
        int[] p = new int[count];
        double[] loss = new double[count];
        int[] start = scores != null ? new int[count + 1] : null;
        int[] label = new int[scores != null ? count : 0];
        int[] bin = new int[label.length];
        int e = 0;
        for (int i = 0; i < count; i++) {
            a[i] = v.labelId(actual[i]);
            p[i] = v.labelId(predicted[i]);
            if (scores == null) {
                loss[i] = Double.NaN;
                continue;
            }
            start[i] = e;
            double s = scores[i];
            loss[i] = binaryLoss(s, a[i] == pos);
            if (s > 0) {
                label[e] = pos;
                bin[e++] = bin(s, spec.aucBins());
            }
        }
        if (start != null) {
            start[count] = e;
        }
        return new ClassificationBatch(count, a, p, loss, start, label, bin);
    }

    /** Columnar rows with a probability matrix: {@code probabilities[row * classes.length + j]} is P(classes[j]). */
    static ClassificationBatch prepare(Vocabulary v, String[] actual, String[] predicted, String[] classes, double[] probabilities,
                         int count) {
        QualitySpec spec = v.spec;
        checkColumns(actual, predicted, count);
        if (classes == null || probabilities == null) {
            throw new IllegalArgumentException("classes and probabilities must both be given");
        }
        if (classes.length == 0 || new HashSet<>(Arrays.asList(classes)).size() != classes.length
                || Arrays.stream(classes).anyMatch(c -> c == null || c.isEmpty())) {
            throw new IllegalArgumentException("classes must be distinct non-empty labels, got " + Arrays.toString(classes));
        }
        int m = classes.length;
        if ((long) count * m > probabilities.length) {
            throw new IllegalArgumentException("probabilities has " + probabilities.length + " values, fewer than count "
                    + count + " x " + m + " classes");
        }
        Map<String, Integer> fresh = new LinkedHashMap<>();
        for (String c : classes) {
            checkLabel(v, 0, "class", c, fresh);
        }
        for (int i = 0; i < count; i++) {
            checkLabel(v, i, "actual", actual[i], fresh);
            checkLabel(v, i, "predicted", predicted[i], fresh);
            double sum = 0;
            for (int j = 0; j < m; j++) {
                sum += checkProbability(i, classes[j], probabilities[i * m + j]);
            }
            checkSum(i, sum);
        }
        v.registerLabels(fresh);
        int k = v.labelCount();
        int[] ids = new int[m];
        int posColumn = -1;
        for (int j = 0; j < m; j++) {
            ids[j] = v.labelId(classes[j]);
            if (classes[j].equals(spec.positiveLabel())) {
                posColumn = j;
            }
        }
        int pos = spec.binary() ? v.labelId(spec.positiveLabel()) : -1;
        int[] a = new int[count];
        int[] p = new int[count];
        double[] loss = new double[count];
        int[] start = new int[count + 1];
        int entries = 0;
        for (int i = 0; i < count * m; i++) {
            if (probabilities[i] > 0) {
                entries++;
            }
        }
        int[] label = new int[entries];
        int[] bin = new int[entries];
        int e = 0;
        for (int i = 0; i < count; i++) {
            a[i] = v.labelId(actual[i]);
            p[i] = v.labelId(predicted[i]);
            start[i] = e;
            int row = i * m;
            if (spec.binary()) {
                double s = posColumn < 0 ? 0 : probabilities[row + posColumn];
                loss[i] = binaryLoss(s, a[i] == pos);
                if (s > 0) {
                    label[e] = pos;
                    bin[e++] = bin(s, spec.aucBins());
                }
                continue;
            }
            double clippedSum = 0;
            double pTrue = 0;
            for (int j = 0; j < m; j++) {
                double q = probabilities[row + j];
                clippedSum += clip(q);
                if (ids[j] == a[i]) {
                    pTrue = q;
                }
                if (q > 0) {
                    label[e] = ids[j];
                    bin[e++] = bin(q, spec.aucBins());
                }
            }
            loss[i] = multiclassLoss(pTrue, clippedSum, k - m);
        }
        start[count] = e;
        return new ClassificationBatch(count, a, p, loss, start, label, bin);
    }

    private static void checkColumns(String[] actual, String[] predicted, int count) {
        Args.atLeast(count, 0, "count");
        Objects.requireNonNull(actual, "actual must not be null");
        Objects.requireNonNull(predicted, "predicted must not be null");
        checkLength("actual", actual.length, count);
        checkLength("predicted", predicted.length, count);
    }

    static void checkLength(String name, int length, int count) {
        if (length < count) {
            throw new IllegalArgumentException(name + " has " + length + " rows, fewer than count " + count);
        }
    }

    private static void checkLabel(Vocabulary v, int row, String what, String label, Map<String, Integer> fresh) {
        if (label == null || label.isEmpty()) {
            throw new IllegalArgumentException("row " + row + ": " + what + " label must be a non-empty string");
        }
        if (v.labelId(label) < 0) {
            if (v.spec.closed()) {
                throw new IllegalArgumentException("row " + row + ": unknown " + what + " label \"" + label + "\"; "
                        + Labels.describe(v.spec.labels()));
            }
            fresh.putIfAbsent(label, row);
        }
    }

    private static void checkScore(int row, double s) {
        if (!(s >= 0 && s <= 1)) {
            throw new IllegalArgumentException("row " + row + ": score must be a probability in [0, 1], got " + s);
        }
    }

    private static double checkProbability(int row, String label, Double p) {
        if (p == null || !(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("row " + row + ": probability of \"" + label + "\" must be in [0, 1], got " + p);
        }
        return p;
    }

    private static void checkSum(int row, double sum) {
        if (!(Math.abs(sum - 1) <= SUM_TOLERANCE)) {
            throw new IllegalArgumentException("row " + row + ": probabilities must sum to 1 (tolerance 1e-6), got " + sum);
        }
    }

    private static IllegalArgumentException multiclassScore(int row) {
        return new IllegalArgumentException("row " + row + ": a multiclass task takes class probabilities, not a score");
    }

    static double clip(double p) {
        return Math.min(Math.max(p, EPS), 1 - EPS);
    }

    /** sklearn's binary path: clip P(positive), take [1 - p, p], renormalize, -log of the true column. */
    static double binaryLoss(double score, boolean positive) {
        double p = clip(score);
        double q = 1 - p;
        double sum = q + p;
        return -Math.log((positive ? p : q) / sum);
    }

    /**
     * sklearn's 2-d path with {@code labels} = the model's labels: every column is clipped, so each
     * label the row did not name adds eps to the renormalizing sum.
     */
    static double multiclassLoss(double pTrue, double clippedSum, int unnamed) {
        double sum = clippedSum + unnamed * EPS;
        return -Math.log(clip(pTrue) / sum);
    }

    /** The bin of a probability: b with b/B <= s < (b+1)/B (as doubles), or B for 1.0. */
    static int bin(double s, int bins) {
        if (s >= 1) {
            return bins;
        }
        int b = (int) (s * bins);
        if (b >= bins) {
            b = bins - 1;
        }
        // s * bins may round across an edge; the edges themselves are the doubles b / bins
        if (b > 0 && (double) b / bins > s) {
            b--;
        } else if (b + 1 < bins && (double) (b + 1) / bins <= s) {
            b++;
        }
        return b;
    }
}
