package dev.vitals.quality;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Mergeable classification sums: exact confusion counts, exact log-loss sums, and score histograms
 * for ROC AUC, from rows that {@link ClassificationBatch} validated and binned. Not thread-safe;
 * {@link QualityStats} locks.
 *
 * <p>Histogram: per label {@code c}, the rows' probability of {@code c} falls into one of
 * {@code aucBins + 1} bins (bin {@code b} holds [b/B, (b+1)/B); bin B holds exactly 1.0), counted
 * separately for rows whose actual label is {@code c} (positives) and the others. Probabilities of 0
 * are not stored: they are the scored rows missing from a label's histogram, put back into bin 0 when
 * the AUC is computed, which also covers labels a row's probabilities did not name.
 */
final class ClassificationAcc {
    final LongCounts confusion = new LongCounts(); // actual << 32 | predicted
    final LongCounts hist = new LongCounts(); // ((label * (bins + 1)) + bin) * 2 + (actual == label ? 1 : 0)
    final LongCounts scoredActual = new LongCounts(); // label -> scored rows with that actual label
    long count;
    long scored;
    double logLossSum;

    // ---- state ---------------------------------------------------------------------------------

    void apply(ClassificationBatch b, int bins) {
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
