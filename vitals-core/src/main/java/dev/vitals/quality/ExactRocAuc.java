package dev.vitals.quality;

import dev.vitals.internal.Args;
import dev.vitals.internal.RadixSort;
import java.util.Arrays;

/**
 * ROC AUC computed exactly from every score, for offline evaluation where the whole file is at hand:
 * the scores are kept in primitive arrays (8 bytes a score) and sorted, and the AUC is the
 * Mann-Whitney statistic with tied (positive, negative) pairs counting one half — which is what
 * scikit-learn's {@code roc_auc_score} (trapezoids over the ROC curve's distinct thresholds) equals.
 * Windows in the server stay binned ({@link ClassificationReport#rocAucErrorBound}): their memory must
 * not grow with traffic.
 *
 * <p>One binary problem per class: binary tasks use class 0 (the positive label's score); multiclass
 * one-vs-rest uses one per class and averages, as {@link ClassificationReport} does, over the classes
 * with both positives and negatives. Not thread-safe.
 */
public final class ExactRocAuc {
    private final double[][] pos;
    private final double[][] neg;
    private final int[] npos;
    private final int[] nneg;

    /** @param classes binary problems: 1 for a binary task, the class count for one-vs-rest */
    public ExactRocAuc(int classes) {
        Args.atLeast(classes, 1, "classes");
        pos = new double[classes][16];
        neg = new double[classes][16];
        npos = new int[classes];
        nneg = new int[classes];
    }

    /** One score of problem {@code cls}: whether the row is positive for it, and its score (finite). */
    public void add(int cls, boolean positive, double score) {
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("score must be finite, got " + score);
        }
        if (positive) {
            if (npos[cls] == pos[cls].length) {
                pos[cls] = Arrays.copyOf(pos[cls], grow(npos[cls]));
            }
            pos[cls][npos[cls]++] = score;
        } else {
            if (nneg[cls] == neg[cls].length) {
                neg[cls] = Arrays.copyOf(neg[cls], grow(nneg[cls]));
            }
            neg[cls][nneg[cls]++] = score;
        }
    }

    private static int grow(int n) {
        if (n >= Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("more than 2^31 scores");
        }
        return (int) Math.min(Integer.MAX_VALUE - 8, Math.max(16, n * 2L));
    }

    /** The AUC of problem {@code cls}; {@code NaN} without positives or negatives. Sorts its scores. */
    public double auc(int cls) {
        return auc(pos[cls], npos[cls], neg[cls], nneg[cls]);
    }

    /** The mean AUC over the problems with both positives and negatives; {@code NaN} when none has. */
    public double macro() {
        double sum = 0;
        int n = 0;
        for (int c = 0; c < pos.length; c++) {
            double a = auc(c);
            if (!Double.isNaN(a)) {
                sum += a;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Arrays from this length on are radix sorted; a quicksort is faster below. */
    static final int RADIX_FROM = 4096;

    /**
     * Sorts the first {@code n} scores (finite; -0.0 becomes 0.0, which compares equal to it): a radix sort of their
     * bits ({@link RadixSort}: linear time; a quicksort of a million scores is the larger part of {@code vitals eval}'s
     * time after reading).
     */
    static void sort(double[] v, int n) {
        if (n < RADIX_FROM) {
            Arrays.sort(v, 0, n);
            return;
        }
        long[] a = new long[n];
        long[] b = new long[n];
        for (int i = 0; i < n; i++) {
            long bits = Double.doubleToRawLongBits(v[i] == 0 ? 0.0 : v[i]);
            a[i] = bits ^ (bits >> 63 | Long.MIN_VALUE); // unsigned order of the keys is the values' order
        }
        a = RadixSort.sort(a, b, RadixSort.counts(), n);
        for (int i = 0; i < n; i++) {
            long k = a[i];
            v[i] = Double.longBitsToDouble(k < 0 ? k ^ Long.MIN_VALUE : ~k);
        }
    }

    /**
     * The exact AUC of {@code np} positive and {@code nn} negative scores (the arrays' first elements,
     * sorted in place): the share of (positive, negative) pairs ranked right, ties counting one half.
     */
    static double auc(double[] p, int np, double[] q, int nn) {
        if (np == 0 || nn == 0) {
            return Double.NaN;
        }
        sort(p, np);
        sort(q, nn);
        long twiceU = 0; // 2 x (pairs with the positive above) + ties: an integer, exact up to 2^63
        int below = 0;
        int notAbove = 0;
        for (int i = 0; i < np; i++) {
            double s = p[i];
            while (below < nn && q[below] < s) {
                below++;
            }
            if (notAbove < below) {
                notAbove = below;
            }
            while (notAbove < nn && q[notAbove] <= s) {
                notAbove++;
            }
            twiceU += 2L * below + (notAbove - below);
        }
        return twiceU / (2.0 * np * nn);
    }
}
