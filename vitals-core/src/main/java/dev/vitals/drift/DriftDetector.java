package dev.vitals.drift;

import dev.vitals.internal.Args;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares a current window of data with a reference window, feature by feature, in exact mode (raw values)
 * or sketch mode (two {@link DatasetProfile}s), and decides dataset drift from the share of drifted features.
 *
 * <pre>{@code
 * DriftDetector detector = DriftDetector.builder()
 *     .test("latency_ms", "psi").threshold("latency_ms", 0.2)   // optional, per feature
 *     .build();
 * DatasetDrift exact = detector.compare(referenceColumns, currentColumns);     // RawColumns
 * DatasetDrift sketched = detector.compare(referenceProfile, currentProfile);  // DatasetProfile
 * }</pre>
 *
 * <p>Default test per feature (Evidently's rule; n = non-null reference values, u = distinct non-null values of
 * reference and current together): n &lt;= 1000: {@code ks} for a numeric feature with u &gt; 5, else
 * {@code chisquare} if u > 2, else {@code z}; n > 1000: {@code wasserstein} for a numeric feature with u > 5,
 * else {@code jensenshannon}. A numeric feature with u &lt;= 5 is treated as categorical, one category per value.
 * Default thresholds: p-values drift below 0.05, distances at or above 0.1. The dataset drifts when at least
 * half (default) of the features with a verdict drift. A window with fewer than {@link Builder#minCount} non-null
 * values gets no verdict. In sketch mode a feature whose score interval straddles its threshold is
 * {@link Verdict#UNCERTAIN}, and so is a dataset whose uncertain features could tip its verdict.
 *
 * <p>A detector is immutable and thread-safe. Results are exact in exact mode; in sketch mode each feature's
 * result carries an interval that holds the exact-mode score (see the package documentation for the bounds).
 */
public final class DriftDetector {
    /** Evidently's switch from small-sample tests to distances, in non-null reference values. */
    static final long SMALL_REFERENCE = 1000;
    private static final int MANY = Integer.MAX_VALUE;

    private final Map<String, StatTest> tests;
    private final Map<String, Double> thresholds;
    private final double shareThreshold;
    private final long minCount;

    private DriftDetector(Builder b) {
        this.tests = Map.copyOf(b.tests);
        this.thresholds = Map.copyOf(b.thresholds);
        this.shareThreshold = b.driftShare;
        this.minCount = b.minCount;
    }

    /** A new builder: default tests, thresholds and share. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Sketch mode: compares two profiles with the same features. Each profile is copied feature by feature,
     * so it may be updated meanwhile.
     *
     * @throws IllegalArgumentException when the features differ, or a configured test or threshold names an
     *     unknown feature, or a configured test does not accept its feature's type
     */
    public DatasetDrift compare(DatasetProfile reference, DatasetProfile current) {
        Map<String, FeatureType> types = checkSchema(typesOf(reference), typesOf(current));
        List<FeatureDrift> results = new ArrayList<>();
        types.forEach((name, type) -> {
            FeatureProfile r = reference.feature(name);
            FeatureProfile c = current.feature(name);
            if (type == FeatureType.NUMERIC) {
                results.add(evaluate(name, type, Window.sketchNumeric(((NumericProfile) r).copy()),
                        Window.sketchNumeric(((NumericProfile) c).copy())));
            } else {
                results.add(evaluate(name, type, Window.sketchCategorical(((CategoricalProfile) r).copy()),
                        Window.sketchCategorical(((CategoricalProfile) c).copy())));
            }
        });
        return summarize(results);
    }

    /**
     * Exact mode: compares raw columns with the same names and types. Sorts each numeric column once
     * (O(n log n)); the tests then take linear time, or for {@code ks} with samples of at most 10,000 values
     * SciPy's exact lattice-path count.
     *
     * @throws IllegalArgumentException as {@link #compare(DatasetProfile, DatasetProfile)}
     */
    public DatasetDrift compare(RawColumns reference, RawColumns current) {
        Map<String, FeatureType> types = checkSchema(reference.types(), current.types());
        List<FeatureDrift> results = new ArrayList<>();
        types.forEach((name, type) -> {
            if (type == FeatureType.NUMERIC) {
                results.add(evaluate(name, type, exactNumeric(reference.column(name)),
                        exactNumeric(current.column(name))));
            } else {
                results.add(evaluate(name, type, Window.exactCategorical((String[]) reference.column(name)),
                        Window.exactCategorical((String[]) current.column(name))));
            }
        });
        return summarize(results);
    }

    private static Window exactNumeric(Object column) {
        if (column instanceof RawColumns.Sorted s) {
            return Window.exactSorted(s.values(), s.length(), s.nulls());
        }
        return Window.exactNumeric((double[]) column);
    }

    private static Map<String, FeatureType> typesOf(DatasetProfile p) {
        Map<String, FeatureType> out = new LinkedHashMap<>();
        p.features().forEach((k, v) -> out.put(k, v.type()));
        return out;
    }

    private Map<String, FeatureType> checkSchema(Map<String, FeatureType> ref, Map<String, FeatureType> cur) {
        if (!ref.keySet().equals(cur.keySet())) {
            Set<String> onlyRef = new TreeSet<>(ref.keySet());
            onlyRef.removeAll(cur.keySet());
            Set<String> onlyCur = new TreeSet<>(cur.keySet());
            onlyCur.removeAll(ref.keySet());
            throw new IllegalArgumentException("reference and current have different features: only in reference "
                    + onlyRef + ", only in current " + onlyCur);
        }
        for (Map.Entry<String, FeatureType> e : ref.entrySet()) {
            FeatureType c = cur.get(e.getKey());
            if (c != e.getValue()) {
                throw new IllegalArgumentException("feature \"" + e.getKey() + "\" is " + e.getValue().label()
                        + " in the reference and " + c.label() + " in the current data");
            }
        }
        for (String f : new TreeSet<>(tests.keySet())) {
            if (!ref.containsKey(f)) {
                throw new IllegalArgumentException("drift test configured for unknown feature \"" + f + "\"");
            }
            tests.get(f).checkAccepts(ref.get(f), f);
        }
        for (String f : new TreeSet<>(thresholds.keySet())) {
            if (!ref.containsKey(f)) {
                throw new IllegalArgumentException("threshold configured for unknown feature \"" + f + "\"");
            }
        }
        return ref;
    }

    private DatasetDrift summarize(List<FeatureDrift> results) {
        int drifted = 0;
        int evaluated = 0;
        int uncertain = 0;
        for (FeatureDrift f : results) {
            if (f.verdict() == Verdict.UNCERTAIN) {
                uncertain++;
            } else if (f.verdict() != Verdict.NO_VERDICT) {
                evaluated++;
                if (f.drifted()) {
                    drifted++;
                }
            }
        }
        double share = evaluated == 0 ? Double.NaN : (double) drifted / evaluated;
        return new DatasetDrift(results, drifted, evaluated, share, shareThreshold,
                datasetVerdict(drifted, evaluated, uncertain, shareThreshold));
    }

    /**
     * The dataset's verdict from its decided and uncertain features: drift or no drift only when every way the
     * uncertain ones could fall gives the same answer.
     */
    public static Verdict datasetVerdict(int drifted, int decided, int uncertain, double shareThreshold) {
        int all = decided + uncertain;
        if (all == 0) {
            return Verdict.NO_VERDICT;
        }
        double low = (double) drifted / all;
        double high = (double) (drifted + uncertain) / all;
        return low >= shareThreshold ? Verdict.DRIFT : high < shareThreshold ? Verdict.NO_DRIFT : Verdict.UNCERTAIN;
    }

    /** Evidently's default test; {@code distinct} is u, or at least 6 when only known to exceed 5. */
    static StatTest defaultTest(FeatureType type, long referenceCount, int distinct) {
        boolean numeric = type == FeatureType.NUMERIC && distinct > NumericProfile.MAX_EXACT_VALUES;
        if (referenceCount <= SMALL_REFERENCE) {
            if (numeric) {
                return StatTest.KS;
            }
            return distinct > 2 ? StatTest.CHISQUARE : StatTest.Z;
        }
        return numeric ? StatTest.WASSERSTEIN : StatTest.JENSENSHANNON;
    }

    private FeatureDrift evaluate(String name, FeatureType type, Window r, Window c) {
        StatTest configured = tests.get(name);
        Double configuredThreshold = thresholds.get(name);
        if (r.n == 0 || c.n == 0) {
            String reason = r.n == 0
                    ? (r.nulls > 0 ? "the reference window has only nulls" : "the reference window is empty")
                    : (c.nulls > 0 ? "the current window has only nulls" : "the current window is empty");
            double threshold = configuredThreshold != null ? configuredThreshold
                    : configured != null ? configured.defaultThreshold() : Double.NaN;
            return new FeatureDrift(name, type, configured == null ? null : configured.testName(), Double.NaN,
                    Double.NaN, Double.NaN, threshold, Verdict.NO_VERDICT, r.n, c.n, r.nulls, c.nulls, reason);
        }
        if (r.n < minCount || c.n < minCount) {
            String which = r.n < minCount ? "the reference window has " + r.n : "the current window has " + c.n;
            double threshold = configuredThreshold != null ? configuredThreshold
                    : configured != null ? configured.defaultThreshold() : Double.NaN;
            return new FeatureDrift(name, type, configured == null ? null : configured.testName(), Double.NaN,
                    Double.NaN, Double.NaN, threshold, Verdict.NO_VERDICT, r.n, c.n, r.nulls, c.nulls,
                    which + " values, fewer than the minimum of " + minCount);
        }
        int distinct = distinct(r, c);
        StatTest test = configured != null ? configured : defaultTest(type, r.n, distinct);
        double threshold = configuredThreshold != null ? configuredThreshold : test.defaultThreshold();
        double[] s = new double[3];
        String reason = score(test, r, c, distinct, s);
        if (reason != null) {
            return new FeatureDrift(name, type, test.testName(), Double.NaN, Double.NaN, Double.NaN, threshold,
                    Verdict.NO_VERDICT, r.n, c.n, r.nulls, c.nulls, reason);
        }
        Verdict v = test.drifted(s[0], threshold) ? Verdict.DRIFT : Verdict.NO_DRIFT;
        String why = "";
        if (Double.isNaN(s[1]) || Double.isNaN(s[2])) {
            v = Verdict.UNCERTAIN; // only a sketch cannot bound its score
            why = "the sketch cannot bound the score";
        } else if (test.drifted(s[1], threshold) != test.drifted(s[2], threshold)) {
            v = Verdict.UNCERTAIN;
            why = "the score's interval [" + s[1] + ", " + s[2] + "] straddles the threshold " + threshold;
        }
        return new FeatureDrift(name, type, test.testName(), s[0], s[1], s[2], threshold, v, r.n, c.n, r.nulls,
                c.nulls, why);
    }

    /** u, exact up to the point the rule needs: at most 5 (numeric) or all tracked values (categorical). */
    private static int distinct(Window r, Window c) {
        if (r.type == FeatureType.NUMERIC) {
            if (r.fewValues == null || c.fewValues == null) {
                return MANY;
            }
            Set<Double> u = new TreeSet<>();
            for (double v : r.fewValues) {
                u.add(v);
            }
            for (double v : c.fewValues) {
                u.add(v);
            }
            return u.size();
        }
        if (!r.countsExact || !c.countsExact) {
            return MANY; // a window past the sketch's capacity has more than 768 distinct values
        }
        Set<String> u = new TreeSet<>(r.counts.keySet());
        u.addAll(c.counts.keySet());
        return u.size();
    }

    /** Fills {score, lower, upper}; returns a reason when there is no score. */
    private static String score(StatTest test, Window r, Window c, int distinct, double[] out) {
        switch (test) {
            case KS -> {
                double d = Ecdf.ksStatistic(r.ecdf, c.ecdf);
                double p = KsDistribution.twoSampleP(d, r.n, c.n);
                double delta = r.rankError + c.rankError;
                set(out, p, delta == 0 ? p : KsDistribution.twoSampleP(Math.min(1, d + delta), r.n, c.n),
                        delta == 0 ? p : KsDistribution.twoSampleP(Math.max(0, d - delta), r.n, c.n));
                return null;
            }
            case WASSERSTEIN -> {
                double norm = Math.max(r.std, 0.001);
                double w = Ecdf.wasserstein(r.ecdf, c.ecdf) / norm;
                // |F̂ - F| <= rankError, and only where the ECDF is estimated (between the exact tails)
                double delta = (r.rankError * r.estimatedWidth() + c.rankError * c.estimatedWidth()) / norm;
                set(out, w, Math.max(0, w - delta), w + delta);
                return null;
            }
            case CHISQUARE -> {
                Bins b = categories(r, c);
                double p = chiSquareP(b.ref(), b.cur(), r.n, c.n);
                set(out, p, b.exact() ? p : Double.NaN, b.exact() ? p : Double.NaN);
                return null;
            }
            case Z -> {
                Bins b = categories(r, c);
                if (b.ref().length > 2) {
                    return "the z test needs at most 2 distinct values, got " + (b.exact() ? b.ref().length : "more");
                }
                double p = zTestP(b.ref(), b.cur(), r.n, c.n);
                set(out, p, b.exact() ? p : Double.NaN, b.exact() ? p : Double.NaN);
                return null;
            }
            default -> {
                boolean binnedNumeric = r.type == FeatureType.NUMERIC && distinct > NumericProfile.MAX_EXACT_VALUES;
                Bins b = binnedNumeric ? numericBins(r, c) : categories(r, c);
                double[] rs = shares(b.ref(), r.n);
                double[] cs = shares(b.cur(), c.n);
                double v = Distances.value(test, rs, cs);
                if (!b.exact()) {
                    set(out, v, Double.NaN, Double.NaN);
                } else if (r.pmfError + c.pmfError == 0 || !binnedNumeric) {
                    set(out, v, v, v);
                } else {
                    double[] bounds = shareBounds(test, b, r.n, c.n);
                    set(out, v, Math.min(v, bounds[0]), Math.max(v, bounds[1]));
                }
                return null;
            }
        }
    }

    private static void set(double[] out, double score, double lower, double upper) {
        out[0] = score;
        out[1] = lower;
        out[2] = upper;
    }

    /**
     * Aligned counts per bin; {@code exact} false when categories past a sketch's capacity were lumped. The
     * {@code *Lo}/{@code *Hi} bounds are set for numeric bins (equal to the counts when exact).
     */
    record Bins(long[] ref, long[] cur, boolean exact, long[] refLo, long[] refHi, long[] curLo, long[] curHi) {
    }

    /** One bin per distinct value (categorical, or numeric with at most 5 values); sketch overflow in "other". */
    static Bins categories(Window r, Window c) {
        if (r.type == FeatureType.NUMERIC) {
            TreeMap<Double, long[]> m = new TreeMap<>();
            addCounts(m, r.ecdf, 0);
            addCounts(m, c.ecdf, 1);
            return toBins(m.values(), true);
        }
        TreeMap<String, long[]> m = new TreeMap<>();
        r.counts.forEach((k, v) -> m.computeIfAbsent(k, x -> new long[2])[0] = v);
        c.counts.forEach((k, v) -> m.computeIfAbsent(k, x -> new long[2])[1] = v);
        boolean exact = r.countsExact && c.countsExact;
        List<long[]> rows = new ArrayList<>(m.values());
        if (!exact) {
            long[] other = {r.n, c.n};
            for (long[] row : rows) {
                other[0] -= row[0];
                other[1] -= row[1];
            }
            other[0] = Math.max(other[0], 0);
            other[1] = Math.max(other[1], 0);
            rows.add(other);
        }
        return toBins(rows, exact);
    }

    private static void addCounts(TreeMap<Double, long[]> m, Ecdf e, int side) {
        long prev = 0;
        for (int i = 0; i < e.size; ) {
            double v = e.x[i];
            i = e.next(i);
            long cum = e.countTo(i);
            m.computeIfAbsent(v, x -> new long[2])[side] = cum - prev;
            prev = cum;
        }
    }

    private static Bins toBins(java.util.Collection<long[]> rows, boolean exact) {
        List<long[]> kept = new ArrayList<>();
        for (long[] row : rows) {
            if (row[0] != 0 || row[1] != 0) {
                kept.add(row);
            }
        }
        long[] ref = new long[kept.size()];
        long[] cur = new long[kept.size()];
        for (int i = 0; i < ref.length; i++) {
            ref[i] = kept.get(i)[0];
            cur[i] = kept.get(i)[1];
        }
        return new Bins(ref, cur, exact, ref, ref, cur, cur);
    }

    /**
     * Sturges' rule: B = ceil(log2(n_ref + n_cur)) + 1 equal-width bins over [min, max] of both windows, edges
     * {@code i * (max - min) / B + min} as {@code numpy.linspace}, each bin [e_i, e_i+1) and the last one closed.
     */
    static Bins numericBins(Window r, Window c) {
        long n = r.n + c.n;
        int bins = n <= 1 ? 1 : 64 - Long.numberOfLeadingZeros(n - 1) + 1;
        double lo = Math.min(r.min, c.min);
        double hi = Math.max(r.max, c.max);
        if (lo == hi) {
            bins = 1;
        }
        double[] edges = new double[bins + 1];
        double step = (hi - lo) / bins;
        for (int i = 0; i < bins; i++) {
            edges[i] = i * step + lo;
        }
        edges[bins] = hi;
        long[][] rc = r.binCounts(edges);
        long[][] cc = c.binCounts(edges);
        return new Bins(rc[0], cc[0], true, rc[1], rc[2], cc[1], cc[2]);
    }

    private static double[] shares(long[] counts, long n) {
        double[] s = new double[counts.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = (double) counts[i] / n;
        }
        return s;
    }

    /** Bounds of a binned distance from the bins' count bounds. */
    private static double[] shareBounds(StatTest test, Bins b, long nRef, long nCur) {
        return Distances.interval(test, shares(b.refLo(), nRef), shares(b.refHi(), nRef), shares(b.curLo(), nCur),
                shares(b.curHi(), nCur), nRef, nCur);
    }

    /** {@code scipy.stats.chisquare(cur, ref × n_cur / n_ref)}'s p-value; p = 1 for a single category. */
    static double chiSquareP(long[] ref, long[] cur, long nRef, long nCur) {
        if (ref.length <= 1) {
            return 1.0; // 0 degrees of freedom: no difference is possible (SciPy would return NaN)
        }
        double kNorm = (double) nCur / nRef;
        double stat = 0;
        for (int i = 0; i < ref.length; i++) {
            double expected = ref[i] * kNorm;
            double diff = cur[i] - expected;
            stat += diff * diff / expected; // a value new in current: expected 0, statistic +inf, p = 0
        }
        return Special.chi2Sf(stat, ref.length - 1);
    }

    /** Evidently's pooled two-proportion z-test on the first of at most two categories. */
    static double zTestP(long[] ref, long[] cur, long n1, long n2) {
        if (ref.length <= 1) {
            return 1.0;
        }
        double p1 = (double) ref[0] / n1;
        double p2 = (double) cur[0] / n2;
        double pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
        double z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
        return Special.twoSidedNormalP(z);
    }

    /** Per-feature tests and thresholds, and the dataset's drift share. */
    public static final class Builder {
        private final Map<String, StatTest> tests = new LinkedHashMap<>();
        private final Map<String, Double> thresholds = new LinkedHashMap<>();
        private double driftShare = 0.5;
        private long minCount = 1;

        private Builder() {
        }

        /**
         * Values (non-null) each window needs for a verdict; default 1 (any). Below it the feature gets
         * {@link Verdict#NO_VERDICT}: a test on a handful of values decides on noise (2 against 5 values can
         * give a KS p-value under 0.05).
         */
        public Builder minCount(long count) {
            this.minCount = Args.atLeast(count, 1, "minCount");
            return this;
        }

        /** The test for a feature, by name ({@link StatTest#names()}); replaces the default rule for it. */
        public Builder test(String feature, String testName) {
            checkFeature(feature);
            tests.put(feature, StatTest.byName(testName));
            return this;
        }

        /** The threshold for a feature's test (p-value or distance, see {@link StatTest}). */
        public Builder threshold(String feature, double threshold) {
            checkFeature(feature);
            if (!Double.isFinite(threshold) || threshold < 0) {
                throw new IllegalArgumentException("threshold for feature \"" + feature
                        + "\" must be a finite number >= 0, got " + threshold);
            }
            thresholds.put(feature, threshold);
            return this;
        }

        /** The dataset drifts when at least this share of the features with a verdict drift; default 0.5. */
        public Builder driftShare(double share) {
            if (!(share > 0 && share <= 1)) {
                throw new IllegalArgumentException("driftShare must be in (0, 1], got " + share);
            }
            this.driftShare = share;
            return this;
        }

        private static void checkFeature(String feature) {
            if (feature == null || feature.isBlank()) {
                throw new IllegalArgumentException("feature name must not be blank");
            }
        }

        /** The detector. */
        public DriftDetector build() {
            return new DriftDetector(this);
        }
    }
}
