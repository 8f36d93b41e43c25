package dev.vitals.drift;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.DoublesSortedView;

/**
 * A step CDF: distinct ascending points with the count (or sketch weight) of values at or below each. Raw
 * samples, exact value counts and KLL sorted views all become one, so KS, Wasserstein and the bin shares are
 * computed by the same code in exact and sketch mode.
 *
 * <p>Raw samples keep their sorted array as it is ({@link #ofSortedValues}): {@code cum} is then null and
 * {@code x} holds every value, duplicates included, so the count at or below a value is the index past its last
 * copy. No copy of a million values is made for a window that is only walked ({@link #next}, {@link #countTo}).
 */
final class Ecdf {
    /** Ascending points: distinct, or (when {@link #cum} is null) every value with its duplicates. */
    final double[] x;
    /** Count at or below each point; null when {@link #x} holds every value. */
    final long[] cum;
    /** Entries of {@link #x} in use. */
    final int size;
    final long n;

    private Ecdf(double[] x, long[] cum, int size, long n) {
        this.x = x;
        this.cum = cum;
        this.size = size;
        this.n = n;
    }

    /**
     * The first {@code len} values of an ascending array (duplicates allowed) as they are, not copied: the caller
     * hands the array over.
     */
    static Ecdf ofSortedValues(double[] sorted, int len) {
        return new Ecdf(sorted, null, len, len);
    }

    /** The index past the entries equal to {@code x[i]}. */
    int next(int i) {
        if (cum != null) {
            return i + 1;
        }
        double v = x[i];
        int j = i + 1;
        while (j < size && x[j] == v) {
            j++;
        }
        return j;
    }

    /** The count (weight) at or below {@code x[j - 1]}, for {@code j} from {@link #next} (or 0 for j = 0). */
    long countTo(int j) {
        return j == 0 ? 0 : cum != null ? cum[j - 1] : j;
    }

    /** Distinct points, counted up to {@code limit + 1} at most. */
    int distinctUpTo(int limit) {
        if (cum != null) {
            return size;
        }
        int d = 0;
        for (int i = 0; i < size && d <= limit; i = next(i)) {
            d++;
        }
        return d;
    }

    /** From ascending distinct values and their counts. */
    static Ecdf ofCounts(double[] values, long[] counts) {
        long[] cum = new long[values.length];
        long total = 0;
        for (int i = 0; i < values.length; i++) {
            total += counts[i];
            cum[i] = total;
        }
        return new Ecdf(values.clone(), cum, values.length, total);
    }

    /** From a KLL sketch's retained items and their cumulative weights (its rank function, INCLUSIVE). */
    static Ecdf ofSketch(KllDoublesSketch sketch) {
        DoublesSortedView view = sketch.getSortedView();
        double[] q = view.getQuantiles();
        long[] w = view.getCumulativeWeights();
        double[] x = new double[q.length];
        long[] cum = new long[q.length];
        int size = 0;
        for (int i = 0; i < q.length; i++) {
            if (size > 0 && x[size - 1] == q[i]) {
                cum[size - 1] = w[i];
            } else {
                x[size] = q[i];
                cum[size] = w[i];
                size++;
            }
        }
        return new Ecdf(x, cum, size, sketch.getN());
    }

    /**
     * A sketch's ECDF with its exact tails spliced in: exact below the largest of the {@code low} values and
     * from the smallest of the {@code high} values on; in between, the sketch's cumulative weights clamped to
     * what the tails allow. Clamping toward an interval that holds the truth never moves an estimate away from
     * it, so the sketch's rank error bound still holds, and the result stays monotone.
     */
    static Ecdf withTails(Ecdf sketch, double[] low, double[] high) {
        long n = sketch.n;
        double lowMax = low[low.length - 1];
        double highMin = high[0];
        double[] x = new double[low.length + sketch.size + high.length + 1];
        long[] cum = new long[x.length];
        int size = 0;
        for (int i = 0; i < low.length && low[i] < lowMax; i++) {
            if (size > 0 && x[size - 1] == low[i]) {
                cum[size - 1] = i + 1;
            } else {
                x[size] = low[i];
                cum[size++] = i + 1;
            }
        }
        // the middle: lowMax itself, then the sketch's points strictly between the tails
        if (lowMax < highMin) {
            x[size] = lowMax;
            cum[size++] = clampedAtOrBelow(sketch, lowMax, low, high);
            for (int i = 0; i < sketch.size; i++) {
                if (sketch.x[i] > lowMax && sketch.x[i] < highMin) {
                    x[size] = sketch.x[i];
                    cum[size++] = clampedAtOrBelow(sketch, sketch.x[i], low, high);
                }
            }
        }
        for (int i = 0; i < high.length; i++) {
            if (high[i] < highMin || (size > 0 && x[size - 1] >= high[i])) {
                continue;
            }
            int j = i;
            while (j + 1 < high.length && high[j + 1] == high[i]) {
                j++;
            }
            x[size] = high[i];
            cum[size++] = n - (high.length - 1 - j); // values above high[i] are all among the largest kept
        }
        return new Ecdf(x, cum, size, n);
    }

    /** The sketch's count of values <= v, clamped to [#low <= v, n - #high > v]. */
    private static long clampedAtOrBelow(Ecdf sketch, double v, double[] low, double[] high) {
        long raw = sketch.n - sketch.countAbove(v);
        long lo = 0;
        while (lo < low.length && low[(int) lo] <= v) {
            lo++;
        }
        long above = 0;
        for (int i = high.length - 1; i >= 0 && high[i] > v; i--) {
            above++;
        }
        return Math.min(Math.max(raw, lo), sketch.n - above);
    }

    /** Count (weight) of values strictly above {@code v}. */
    private long countAbove(double v) {
        int lo = 0;
        int hi = size; // first index with x > v
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (x[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return n - countTo(lo);
    }

    /** Count (weight) of values strictly below {@code e}. */
    long countBelow(double e) {
        int lo = 0;
        int hi = size; // first index with x >= e
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (x[mid] < e) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return countTo(lo);
    }

    /**
     * sup |F_a - F_b| over the union of points, with F = count / n computed as {@code ks_2samp} does
     * ({@code searchsorted(..., "right") / n}).
     */
    static double ksStatistic(Ecdf a, Ecdf b) {
        Union u = new Union(a, b);
        double d = 0;
        while (u.hasNext()) {
            u.next();
            d = Math.max(d, u.diff());
        }
        return d;
    }

    /** ∫ |F_a - F_b| dx, as SciPy's {@code wasserstein_distance}; compensated summation. */
    static double wasserstein(Ecdf a, Ecdf b) {
        Union u = new Union(a, b);
        double sum = 0;
        double comp = 0;
        double prev = Double.NaN;
        double prevDiff = 0;
        while (u.hasNext()) {
            double v = u.next();
            if (!Double.isNaN(prev)) {
                double term = prevDiff * (v - prev);
                double t = sum + term;
                comp += Math.abs(sum) >= Math.abs(term) ? (sum - t) + term : (term - t) + sum;
                sum = t;
            }
            prev = v;
            prevDiff = u.diff();
        }
        return sum + comp;
    }

    /** Walks the union of two ECDFs' points in ascending order, each point once. */
    private static final class Union {
        private final Ecdf a;
        private final Ecdf b;
        private int i;
        private int j;
        private long ca;
        private long cb;

        Union(Ecdf a, Ecdf b) {
            this.a = a;
            this.b = b;
        }

        boolean hasNext() {
            return i < a.size || j < b.size;
        }

        /** Moves to the next point and returns it. */
        double next() {
            double v = j >= b.size || (i < a.size && a.x[i] <= b.x[j]) ? a.x[i] : b.x[j];
            if (i < a.size && a.x[i] == v) {
                i = a.next(i);
                ca = a.countTo(i);
            }
            if (j < b.size && b.x[j] == v) {
                j = b.next(j);
                cb = b.countTo(j);
            }
            return v;
        }

        /** |F_a(v) - F_b(v)| at the current point v, each F = count at or below v / n. */
        double diff() {
            return Math.abs((double) ca / a.n - (double) cb / b.n);
        }
    }
}
