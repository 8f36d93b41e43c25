package dev.vitals.quality;

import dev.vitals.internal.Args;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Mergeable classification sums: exact confusion counts, exact log-loss sums, and score histograms
 * for ROC AUC. Not thread-safe; {@link QualityStats} locks.
 *
 * <p>Histogram: per label {@code c}, the rows' probability of {@code c} falls into one of
 * {@code aucBins + 1} bins (bin {@code b} holds [b/B, (b+1)/B); bin B holds exactly 1.0), counted
 * separately for rows whose actual label is {@code c} (positives) and the others. Probabilities of 0
 * are not stored: they are the scored rows missing from a label's histogram, put back into bin 0 when
 * the AUC is computed, which also covers labels a row's probabilities did not name.
 */
final class ClassificationAcc {
    /** numpy's float64 eps, sklearn 1.2's {@code log_loss(eps="auto")}. */
    static final double EPS = Math.ulp(1.0);
    /** How far a row's probabilities may sum from 1. */
    static final double SUM_TOLERANCE = 1e-6;

    final LongCounts confusion = new LongCounts(); // actual << 32 | predicted
    final LongCounts hist = new LongCounts(); // ((label * (bins + 1)) + bin) * 2 + (actual == label ? 1 : 0)
    final LongCounts scoredActual = new LongCounts(); // label -> scored rows with that actual label
    long count;
    long scored;
    double logLossSum;

    /** A validated batch with resolved label ids; applying it cannot fail. */
    static final class Batch implements QualityBatch {
        final int n;
        final int[] actual;
        final int[] predicted;
        final double[] loss; // NaN: row without scores
        final int[] entryStart; // per row, into entryLabel/entryBin; null when no row is scored
        final int[] entryLabel;
        final int[] entryBin;

        Batch(int n, int[] actual, int[] predicted, double[] loss, int[] entryStart, int[] entryLabel, int[] entryBin) {
            this.n = n;
            this.actual = actual;
            this.predicted = predicted;
            this.loss = loss;
            this.entryStart = entryStart;
            this.entryLabel = entryLabel;
            this.entryBin = entryBin;
        }
    }

    // ---- validation and resolution -------------------------------------------------------------

    static Batch prepare(Vocabulary v, List<Prediction> rows) {
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
        return new Batch(n, actual, predicted, loss, start, label, bin);
    }

    /** Columnar rows; {@code scores} (binary tasks only) may be null. */
    static Batch prepare(Vocabulary v, String[] actual, String[] predicted, double[] scores, int count) {
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
        return new Batch(count, a, p, loss, start, label, bin);
    }

    /** Columnar rows with a probability matrix: {@code probabilities[row * classes.length + j]} is P(classes[j]). */
    static Batch prepare(Vocabulary v, String[] actual, String[] predicted, String[] classes, double[] probabilities,
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
        return new Batch(count, a, p, loss, start, label, bin);
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

    // ---- state ---------------------------------------------------------------------------------

    void apply(Batch b, int bins) {
        count += b.n;
        for (int i = 0; i < b.n; i++) {
            int a = b.actual[i];
            confusion.add(((long) a << 32) | b.predicted[i], 1);
            if (Double.isNaN(b.loss[i])) {
                continue;
            }
            scored++;
            logLossSum += b.loss[i];
            scoredActual.add(a, 1);
            for (int e = b.entryStart[i]; e < b.entryStart[i + 1]; e++) {
                int c = b.entryLabel[e];
                hist.add(histKey(c, b.entryBin[e], c == a, bins), 1);
            }
        }
    }

    static long histKey(int label, int bin, boolean positive, int bins) {
        return ((long) label * (bins + 1) + bin) * 2 + (positive ? 1 : 0);
    }

    void clear() {
        confusion.clear();
        hist.clear();
        scoredActual.clear();
        count = 0;
        scored = 0;
        logLossSum = 0;
    }

    ClassificationAcc copy() {
        ClassificationAcc c = new ClassificationAcc();
        c.confusion.addAll(confusion);
        c.hist.addAll(hist);
        c.scoredActual.addAll(scoredActual);
        c.count = count;
        c.scored = scored;
        c.logLossSum = logLossSum;
        return c;
    }

    /** Adds {@code o}'s sums; {@code map} translates its label ids into this one's (null: same ids). */
    void merge(ClassificationAcc o, int[] map, int bins) {
        count += o.count;
        scored += o.scored;
        logLossSum += o.logLossSum;
        if (map == null) {
            confusion.addAll(o.confusion);
            hist.addAll(o.hist);
            scoredActual.addAll(o.scoredActual);
            return;
        }
        o.confusion.forEach((k, c) -> confusion.add(((long) map[(int) (k >>> 32)] << 32) | map[(int) k], c));
        o.scoredActual.forEach((k, c) -> scoredActual.add(map[(int) k], c));
        o.hist.forEach((k, c) -> {
            long lb = k >>> 1;
            int label = (int) (lb / (bins + 1));
            int bin = (int) (lb % (bins + 1));
            hist.add(histKey(map[label], bin, (k & 1) == 1, bins), c);
        });
    }

    // ---- report --------------------------------------------------------------------------------

    ClassificationReport report(Vocabulary v) {
        QualitySpec spec = v.spec;
        String[] names = v.labels();
        int k = names.length;
        long[] tp = new long[k];
        long[] predSum = new long[k];
        long[] trueSum = new long[k];
        confusion.forEach((key, c) -> {
            int a = (int) (key >>> 32);
            int p = (int) key;
            trueSum[a] += c;
            predSum[p] += c;
            if (a == p) {
                tp[a] += c;
            }
        });
        List<Integer> present = new ArrayList<>();
        for (int id = 0; id < k; id++) {
            if (trueSum[id] > 0 || predSum[id] > 0) {
                present.add(id);
            }
        }
        present.sort((x, y) -> Labels.compareCodePoints(names[x], names[y]));
        int n = present.size();
        int[] position = new int[k];
        Arrays.fill(position, -1);
        List<String> labels = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            position[present.get(i)] = i;
            labels.add(names[present.get(i)]);
        }
        long[][] matrix = new long[n][n];
        confusion.forEach((key, c) -> matrix[position[(int) (key >>> 32)]][position[(int) key]] += c);
        List<List<Long>> rows = new ArrayList<>(n);
        for (long[] row : matrix) {
            List<Long> r = new ArrayList<>(n);
            for (long x : row) {
                r.add(x);
            }
            rows.add(r);
        }

        List<ClassMetrics> classes = new ArrayList<>(n);
        long tpAll = 0;
        long predAll = 0;
        long trueAll = 0;
        for (int id : present) {
            double p = divide(tp[id], predSum[id]);
            double r = divide(tp[id], trueSum[id]);
            classes.add(new ClassMetrics(names[id], p, r, f1(p, r), trueSum[id]));
            tpAll += tp[id];
            predAll += predSum[id];
            trueAll += trueSum[id];
        }
        AverageMetrics macro = AverageMetrics.NAN;
        AverageMetrics micro = AverageMetrics.NAN;
        AverageMetrics weighted = AverageMetrics.NAN;
        if (count > 0) {
            macro = average(classes, false);
            double mp = divide(tpAll, predAll);
            double mr = divide(tpAll, trueAll);
            micro = new AverageMetrics(mp, mr, f1(mp, mr));
            weighted = average(classes, true);
        }
        double[] auc = rocAuc(spec, v);
        return new ClassificationReport(count, count == 0 ? Double.NaN : (double) tpAll / count, classes,
                macro, micro, weighted, new ConfusionMatrix(labels, rows), spec.positiveLabel(), scored,
                auc[0], auc[1], scored == 0 ? Double.NaN : logLossSum / scored);
    }

    /** The classes' mean precision, recall and F1 (sklearn's macro average), or their support-weighted mean (weighted). */
    private static AverageMetrics average(List<ClassMetrics> classes, boolean bySupport) {
        double p = 0;
        double r = 0;
        double f = 0;
        double total = 0;
        for (ClassMetrics c : classes) {
            double w = bySupport ? c.support() : 1;
            p += c.precision() * w;
            r += c.recall() * w;
            f += c.f1() * w;
            total += w;
        }
        return new AverageMetrics(p / total, r / total, f / total);
    }

    /** sklearn's {@code _prf_divide} with {@code zero_division=0}. */
    private static double divide(long num, long den) {
        return den == 0 ? 0.0 : (double) num / den;
    }

    /** sklearn 1.2's F-beta with beta = 1: (1 + 1) * P * R / (P + R), with a zero denominator replaced by 1. */
    private static double f1(double p, double r) {
        double den = p + r;
        return 2.0 * p * r / (den == 0.0 ? 1 : den);
    }

    /** {auc, bound}; NaN both when no label has positives and negatives among scored rows. */
    private double[] rocAuc(QualitySpec spec, Vocabulary v) {
        int bins = spec.aucBins();
        int k = v.labelCount();
        long[] keys = hist.sortedKeys(); // grouped by label, then bin ascending
        double sumAuc = 0;
        double sumBound = 0;
        int defined = 0;
        int from = 0;
        int pos = spec.binary() ? v.labelId(spec.positiveLabel()) : -1;
        for (int label = 0; label < k; label++) {
            long lo = (long) label * (bins + 1) * 2;
            long hi = (long) (label + 1) * (bins + 1) * 2;
            while (from < keys.length && keys[from] < lo) {
                from++;
            }
            int to = from;
            while (to < keys.length && keys[to] < hi) {
                to++;
            }
            long p = scoredActual.get(label);
            long n = scored - p;
            if ((!spec.binary() || label == pos) && p > 0 && n > 0) {
                double[] r = auc(keys, from, to, p, n, bins);
                sumAuc += r[0];
                sumBound += r[1];
                defined++;
            }
            from = to;
        }
        if (defined == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        return new double[] {sumAuc / defined, sumBound / defined};
    }

    /** Mann-Whitney AUC over bins (ties within a bin count one half) and its bound, for one label. */
    private double[] auc(long[] keys, int from, int to, long p, long n, int bins) {
        long explicitPos = 0;
        long explicitNeg = 0;
        for (int i = from; i < to; i++) {
            if ((keys[i] & 1) == 1) {
                explicitPos += hist.get(keys[i]);
            } else {
                explicitNeg += hist.get(keys[i]);
            }
        }
        // scored rows missing from the histogram had probability 0: they start bin 0
        long pb = p - explicitPos;
        long nb = n - explicitNeg;
        long bin = 0;
        double num = 0;
        double ties = 0;
        double negBelow = 0;
        for (int i = from; i < to; i++) {
            long b = (keys[i] >>> 1) % (bins + 1);
            if (b != bin) {
                num += pb * (negBelow + nb / 2.0);
                ties += (double) pb * nb;
                negBelow += nb;
                bin = b;
                pb = 0;
                nb = 0;
            }
            if ((keys[i] & 1) == 1) {
                pb += hist.get(keys[i]);
            } else {
                nb += hist.get(keys[i]);
            }
        }
        num += pb * (negBelow + nb / 2.0);
        ties += (double) pb * nb;
        double pairs = (double) p * n;
        return new double[] {num / pairs, ties / (2 * pairs)};
    }
}
