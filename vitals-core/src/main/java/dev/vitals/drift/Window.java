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
    /** Sketch mode: the exact smallest and largest values (null in exact mode or when {@link #ecdf} is exact). */
    final double[] lowTail;
    final double[] highTail;
    /** Sketch mode: the KLL sketch's own ECDF (whose bin masses carry the PMF guarantee); else {@link #ecdf}. */
    final Ecdf sketchEcdf;
    // categorical
    /** Value counts: exact, or (sketch past its capacity) the tracked values' guaranteed counts. */
    final Map<String, Long> counts;
    final boolean countsExact;

    private Window(FeatureType type, long n, long nulls, Ecdf ecdf, double rankError, double pmfError, double min,
                   double max, double std, double[] fewValues, double[] lowTail, double[] highTail,
                   Ecdf sketchEcdf, Map<String, Long> counts, boolean countsExact) {
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
        this.lowTail = lowTail;
        this.highTail = highTail;
        this.sketchEcdf = sketchEcdf == null ? ecdf : sketchEcdf;
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
        return exactSorted(v, len, raw.length - len);
    }

    /**
     * From the first {@code len} values of {@code v}: finite, ascending, with no -0.0 (not checked here). The
     * array is kept as the window's ECDF, not copied.
     */
    static Window exactSorted(double[] v, int len, long nulls) {
        Ecdf ecdf = Ecdf.ofSortedValues(v, len);
        double std = Double.NaN;
        if (len > 0) {
            // Two passes with compensated sums, as numpy.std (pairwise sums) to ~1e-16.
            double mean = compensatedSum(v, len, 0, false) / len;
            std = Math.sqrt(compensatedSum(v, len, mean, true) / len);
        }
        double[] few = null;
        int distinct = ecdf.distinctUpTo(NumericProfile.MAX_EXACT_VALUES);
        if (distinct <= NumericProfile.MAX_EXACT_VALUES) {
            few = new double[distinct];
            for (int i = 0, k = 0; i < len; i = ecdf.next(i)) {
                few[k++] = v[i];
            }
        }
        return new Window(FeatureType.NUMERIC, len, nulls, ecdf, 0, 0,
                len > 0 ? v[0] : Double.NaN, len > 0 ? v[len - 1] : Double.NaN, std, few, null, null, null, null, true);
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
        double[] low = null;
        double[] high = null;
        Ecdf raw = null;
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
            if (rankError > 0) {
                low = p.lowTail();
                high = p.highTail();
                raw = ecdf;
                ecdf = Ecdf.withTails(ecdf, low, high);
            }
        }
        return new Window(FeatureType.NUMERIC, n, p.nulls(), ecdf, rankError, pmfError, p.min(), p.max(),
                p.populationStd(), few, low, high, raw, null, true);
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
                Double.NaN, null, null, null, null, counts, true);
    }

    static Window sketchCategorical(CategoricalProfile p) {
        return new Window(FeatureType.CATEGORICAL, p.count(), p.nulls(), null, 0, 0, Double.NaN, Double.NaN,
                Double.NaN, null, null, null, null, p.counts(), p.exactCounts());
    }

    /**
     * Counts per bin of ascending {@code edges} (bin i = [e_i, e_i+1), the last closed): {estimate, lower,
     * upper}. Exact (all three equal) in exact mode and for exact sketches. For a KLL sketch the count below an
     * edge is exact where the edge falls within the exact tails; elsewhere it is the sketch's estimate, clamped
     * to what the tails allow, and lies within ±rankError × n of that estimate; a bin's count also lies within
     * ±pmfError × n of the sketch's own mass for it. Both guarantees hold at 99% confidence.
     */
    long[][] binCounts(double[] edges) {
        int bins = edges.length - 1;
        long[] est = new long[bins];
        long[] lo = new long[bins];
        long[] hi = new long[bins];
        long[] prev = {0, 0, 0, 0}; // estimate, lower, upper, raw sketch count below the bin's left edge
        for (int i = 0; i < bins; i++) {
            long[] next = i == bins - 1 ? new long[] {n, n, n, n} : below(edges[i + 1]);
            est[i] = next[0] - prev[0];
            lo[i] = Math.max(0, next[1] - prev[2]);
            hi[i] = next[2] - prev[1];
            if (lowTail != null) {
                long slack = (long) Math.ceil(pmfError * n);
                long raw = next[3] - prev[3];
                lo[i] = Math.max(lo[i], raw - slack);
                hi[i] = Math.min(hi[i], raw + slack);
            }
            prev = next;
        }
        return new long[][] {est, lo, hi};
    }

    /**
     * Width of the range where {@link #ecdf} is only estimated: between the exact tails for a KLL sketch,
     * 0 when exact.
     */
    double estimatedWidth() {
        if (rankError == 0) {
            return 0;
        }
        return Math.max(0, highTail[0] - lowTail[lowTail.length - 1]);
    }

    /** Values strictly below {@code e}: {estimate, lower, upper, raw sketch estimate}. */
    private long[] below(double e) {
        long raw = sketchEcdf.countBelow(e);
        if (lowTail == null) {
            return new long[] {raw, raw, raw, raw};
        }
        long lo = countLess(lowTail, e);
        if (lowTail.length < NumericProfile.TAIL || e <= lowTail[lowTail.length - 1]) {
            return new long[] {lo, lo, lo, raw}; // every value below e is among the smallest kept
        }
        long hi = n - (highTail.length - countLess(highTail, e));
        if (e > highTail[0]) {
            return new long[] {hi, hi, hi, raw}; // every value at or above e is among the largest kept
        }
        long slack = (long) Math.ceil(rankError * n);
        long estimate = Math.min(Math.max(raw, lo), hi);
        return new long[] {estimate, Math.max(lo, raw - slack), Math.min(hi, raw + slack), raw};
    }

    private static long countLess(double[] ascending, double e) {
        int i = java.util.Arrays.binarySearch(ascending, e);
        if (i < 0) {
            return -i - 1;
        }
        while (i > 0 && ascending[i - 1] == e) {
            i--;
        }
        return i;
    }
}
