package dev.vitals.drift;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** One feature's data in one window as the tests see it, from raw values (exact) or from a profile (sketch). */
final class Window {
    final FeatureType type;
    final long n;
    final long nulls;
    // numeric
    final Ecdf ecdf;
    /** Uniform error of {@link #ecdf}'s ranks (99% confidence); 0 when exact. */
    final double rankError;
    /** Error of one bin's share (a PMF mass, 99% confidence); 0 when exact. */
    final double pmfError;
    final double min;
    final double max;
    final double std;
    /** Distinct values while at most 5 (ascending), else null; exact in both modes. */
    final double[] fewValues;
    // categorical
    /** Value counts: exact, or (sketch past its capacity) the tracked values' guaranteed counts. */
    final Map<String, Long> counts;
    final boolean countsExact;

    private Window(FeatureType type, long n, long nulls, Ecdf ecdf, double rankError, double pmfError, double min,
                   double max, double std, double[] fewValues, Map<String, Long> counts, boolean countsExact) {
        this.type = type;
        this.n = n;
        this.nulls = nulls;
        this.ecdf = ecdf;
        this.rankError = rankError;
        this.pmfError = pmfError;
        this.min = min;
        this.max = max;
        this.std = std;
        this.fewValues = fewValues;
        this.counts = counts;
        this.countsExact = countsExact;
    }

    static Window exactNumeric(double[] raw) {
        double[] v = new double[raw.length];
        int len = 0;
        for (double d : raw) {
            if (Double.isFinite(d)) {
                v[len++] = d == 0 ? 0.0 : d;
            }
        }
        Arrays.sort(v, 0, len);
        Ecdf ecdf = Ecdf.ofSorted(v, len);
        double std = Double.NaN;
        if (len > 0) {
            // Two passes with compensated sums, as numpy.std (pairwise sums) to ~1e-16.
            double mean = compensatedSum(v, len, 0, false) / len;
            std = Math.sqrt(compensatedSum(v, len, mean, true) / len);
        }
        double[] few = ecdf.size <= NumericProfile.MAX_EXACT_VALUES ? Arrays.copyOf(ecdf.x, ecdf.size) : null;
        return new Window(FeatureType.NUMERIC, len, raw.length - len, ecdf, 0, 0,
                len > 0 ? v[0] : Double.NaN, len > 0 ? v[len - 1] : Double.NaN, std, few, null, true);
    }

    /** Σ v, or Σ (v - mean)² when {@code squares}; Neumaier-compensated. */
    private static double compensatedSum(double[] v, int len, double mean, boolean squares) {
        double sum = 0;
        double comp = 0;
        for (int i = 0; i < len; i++) {
            double term = squares ? (v[i] - mean) * (v[i] - mean) : v[i];
            double t = sum + term;
            comp += Math.abs(sum) >= Math.abs(term) ? (sum - t) + term : (term - t) + sum;
            sum = t;
        }
        return sum + comp;
    }

    static Window sketchNumeric(NumericProfile p) {
        long n = p.count();
        double[] few = p.smallValues();
        Ecdf ecdf;
        double rankError;
        double pmfError;
        if (few != null) {
            long[] c = new long[few.length];
            for (int i = 0; i < few.length; i++) {
                c[i] = p.smallCount(few[i]);
            }
            ecdf = Ecdf.ofCounts(few, c);
            rankError = 0;
            pmfError = 0;
        } else {
            ecdf = Ecdf.ofSketch(p.sketch());
            rankError = p.rankError();
            pmfError = p.pmfError();
        }
        return new Window(FeatureType.NUMERIC, n, p.nulls(), ecdf, rankError, pmfError, p.min(), p.max(),
                p.populationStd(), few, null, true);
    }

    static Window exactCategorical(String[] raw) {
        Map<String, Long> counts = new HashMap<>();
        long nulls = 0;
        for (String s : raw) {
            if (s == null) {
                nulls++;
            } else {
                counts.merge(s, 1L, Long::sum);
            }
        }
        return new Window(FeatureType.CATEGORICAL, raw.length - nulls, nulls, null, 0, 0, Double.NaN, Double.NaN,
                Double.NaN, null, counts, true);
    }

    static Window sketchCategorical(CategoricalProfile p) {
        return new Window(FeatureType.CATEGORICAL, p.count(), p.nulls(), null, 0, 0, Double.NaN, Double.NaN,
                Double.NaN, null, p.counts(), p.exactCounts());
    }
}
