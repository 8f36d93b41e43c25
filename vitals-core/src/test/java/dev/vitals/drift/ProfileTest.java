package dev.vitals.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProfileTest {
    private static final int MAX_FEATURE_BYTES = 64 * 1024;

    @BeforeEach
    void seed() {
        KllSeed.seed(7);
    }

    @Test
    void numericFeatureStaysUnder64KiBAfterAMillionUpdatesAtAnyK() {
        for (int k : new int[] {200, NumericProfile.DEFAULT_K, NumericProfile.MAX_K}) {
            DatasetProfile p = DatasetProfile.builder().numeric("x").kllK(k).build();
            Random r = new Random(1);
            NumericProfile x = p.numeric("x");
            for (int i = 0; i < 1_000_000; i++) {
                x.update(r.nextGaussian() * 1e6);
            }
            int size = p.toBytes().length;
            assertThat(size).as("k=%d", k).isLessThan(MAX_FEATURE_BYTES);
            if (k == NumericProfile.DEFAULT_K) {
                assertThat(size).isLessThan(27_000);
            }
        }
    }

    @Test
    void categoricalFeatureStaysUnder64KiBAfterAMillionDistinctLongValues() {
        DatasetProfile p = DatasetProfile.builder().categorical("c").build();
        CategoricalProfile c = p.categorical("c");
        Random r = new Random(2);
        char[] buf = new char[100];
        for (int i = 0; i < 1_000_000; i++) {
            for (int j = 0; j < buf.length; j++) {
                buf[j] = (char) ('\u4e00' + r.nextInt(2000)); // 3 UTF-8 bytes each: 300-byte values
            }
            c.update(new String(buf));
        }
        assertThat(p.toBytes().length).isLessThan(MAX_FEATURE_BYTES);
        CategoricalSummary s = c.summary();
        assertThat(s.count()).isEqualTo(1_000_000);
        assertThat(s.exactCounts()).isFalse();
        assertThat(s.distinctLower()).isLessThanOrEqualTo(1_000_000);
        assertThat(s.distinctUpper()).isGreaterThanOrEqualTo(1_000_000);
        assertThat(s.distinctEstimate()).isCloseTo(1_000_000, within(1_000_000 * 0.05));
    }

    @Test
    void categoricalWorstCaseFullMapOfLongValuesStaysUnder64KiB() {
        // The largest a categorical profile gets: the map full of exact counts (768 values), each stored at the
        // 64-byte cap (768 x 76 bytes); CPC adds at most 1.3 KB.
        DatasetProfile p = DatasetProfile.builder().categorical("c").build();
        CategoricalProfile c = p.categorical("c");
        String[] values = new String[CategoricalProfile.EXACT_CAPACITY];
        for (int i = 0; i < values.length; i++) {
            values[i] = String.format("%0200d", i);
        }
        for (int i = 0; i < 1_000_000; i++) {
            c.update(values[i % values.length]);
        }
        for (int i = 0; i < 100_000; i++) {
            c.updateNull();
        }
        assertThat(c.summary().exactCounts()).isTrue();
        int size = p.toBytes().length;
        assertThat(size).isGreaterThan(55_000).isLessThan(MAX_FEATURE_BYTES);
    }

    @Test
    void longCategoriesAreStoredHashedAndStayDistinct() {
        String a = "x".repeat(100) + "a";
        String b = "x".repeat(100) + "b";
        assertThat(CategoricalProfile.key(a)).hasSize(47 + 1 + 16).startsWith("x".repeat(47) + "#");
        assertThat(CategoricalProfile.key(a)).isNotEqualTo(CategoricalProfile.key(b));
        assertThat(CategoricalProfile.key("short")).isEqualTo("short");
        String cjk = "\u4e2d".repeat(30); // 90 bytes: cut at whole characters, 15 of them = 45 bytes
        assertThat(CategoricalProfile.key(cjk)).startsWith("\u4e2d".repeat(15) + "#");
    }

    @Test
    void nonFiniteNumbersCountAsNulls() {
        DatasetProfile p = DatasetProfile.builder().numeric("x").build();
        p.update("x", Double.NaN);
        p.update("x", Double.POSITIVE_INFINITY);
        p.update("x", Double.NEGATIVE_INFINITY);
        p.updateNull("x");
        p.update("x", 2.0);
        p.update("x", 4.0);
        NumericSummary s = p.numeric("x").summary();
        assertThat(s.count()).isEqualTo(2);
        assertThat(s.nulls()).isEqualTo(4);
        assertThat(s.mean()).isEqualTo(3.0);
        assertThat(s.variance()).isEqualTo(1.0);
        assertThat(s.min()).isEqualTo(2.0);
        assertThat(s.max()).isEqualTo(4.0);
        assertThat(s.rankError()).isZero();
        assertThat(DatasetProfile.builder().numeric("x").build().numeric("x").summary().mean()).isNaN();
    }

    @Test
    void mergingReplicasEqualsProfilingTheUnion() {
        Random r = new Random(3);
        double[] a = SketchModeTest.sample(300_000, () -> r.nextGaussian() * 3 + 10);
        double[] b = SketchModeTest.sample(200_000, () -> Math.exp(r.nextGaussian()));
        double[] all = new double[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);

        DatasetProfile pa = profile(a);
        DatasetProfile pb = profile(b);
        pb.updateNull("x");
        pb.update("c", (String) null);
        DatasetProfile merged = pa.merge(pb);
        NumericSummary m = merged.numeric("x").summary();

        assertThat(m.count()).isEqualTo(all.length);
        assertThat(m.nulls()).isEqualTo(1);
        double mean = Arrays.stream(all).sum() / all.length;
        double var = Arrays.stream(all).map(v -> (v - mean) * (v - mean)).sum() / all.length;
        assertThat(m.mean()).isCloseTo(mean, within(1e-9 * Math.abs(mean)));
        assertThat(m.variance()).isCloseTo(var, within(1e-9 * var));
        assertThat(m.min()).isEqualTo(Arrays.stream(all).min().getAsDouble());
        assertThat(m.max()).isEqualTo(Arrays.stream(all).max().getAsDouble());

        // Quantiles within the stated rank error of their true ranks.
        double[] sorted = all.clone();
        Arrays.sort(sorted);
        double eps = merged.numeric("x").rankError();
        assertThat(eps).isCloseTo(0.0028, within(0.0002));
        for (double q = 0.01; q < 1; q += 0.01) {
            double v = merged.numeric("x").quantile(q);
            double lo = lowerBound(sorted, v) / (double) sorted.length;
            double hi = upperBound(sorted, v) / (double) sorted.length;
            assertThat(q).as("rank of quantile %s", q).isBetween(lo - eps, hi + eps);
        }
        // Exact tails are the union's.
        assertThat(merged.numeric("x").copy().lowTail()).containsExactly(Arrays.copyOf(sorted, NumericProfile.TAIL));
        assertThat(merged.numeric("x").copy().highTail())
                .containsExactly(Arrays.copyOfRange(sorted, sorted.length - NumericProfile.TAIL, sorted.length));

        // Categorical: exact counts and distinct count of the union.
        CategoricalProfile c = merged.categorical("c");
        assertThat(c.summary().count()).isEqualTo(all.length);
        assertThat(c.summary().nulls()).isEqualTo(1);
        assertThat(c.summary().exactCounts()).isTrue();
        Map<String, Long> top = c.topValues(1000);
        long bucketsOfA = Arrays.stream(a).mapToObj(ProfileTest::bucket).distinct().count();
        assertThat(top.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(all.length);
        assertThat(top.get(bucket(10.0))).isEqualTo(Arrays.stream(all).filter(v -> bucket(v).equals(bucket(10.0))).count());
        long distinct = Arrays.stream(all).mapToObj(ProfileTest::bucket).distinct().count();
        assertThat(bucketsOfA).isLessThanOrEqualTo(distinct);
        assertThat(c.summary().distinctLower()).isLessThanOrEqualTo(distinct);
        assertThat(c.summary().distinctUpper()).isGreaterThanOrEqualTo(distinct);

        // Drift between the merged profile and the union's own profile: none, within sketch error.
        FeatureDrift d = DriftDetector.builder().build().compare(profile(all), profile(all).merge(empty()))
                .feature("x");
        assertThat(d.verdict()).isEqualTo(Verdict.NO_DRIFT);
        FeatureDrift w = DriftDetector.builder().test("x", "wasserstein").build().compare(merged, profileWithNull(all))
                .feature("x");
        assertThat(w.score()).isLessThan(0.01);
        assertThat(w.scoreLower()).isZero();
    }

    private static DatasetProfile empty() {
        return DatasetProfile.builder().numeric("x").categorical("c").build();
    }

    private static DatasetProfile profileWithNull(double[] values) {
        DatasetProfile p = profile(values);
        p.updateNull("x");
        return p;
    }

    static String bucket(double v) {
        return "b" + (int) Math.floor(v);
    }

    static DatasetProfile profile(double[] values) {
        DatasetProfile p = empty();
        for (double v : values) {
            p.update("x", v);
            p.update("c", bucket(v));
        }
        return p;
    }

    private static int lowerBound(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int upperBound(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Test
    void serializationRoundTripsEveryFeatureKind() {
        Random r = new Random(4);
        DatasetProfile p = DatasetProfile.builder().numeric("big").numeric("few").numeric("none")
                .categorical("cat").categorical("many").kllK(300).build();
        for (int i = 0; i < 50_000; i++) {
            p.update("big", r.nextGaussian());
            p.update("few", r.nextInt(3));
            p.update("cat", i % 7 == 0 ? null : "v" + r.nextInt(5));
            p.update("many", "m" + r.nextInt(5000));
        }
        p.update("cat", "");
        p.updateNull("none");
        byte[] bytes = p.toBytes();
        DatasetProfile back = DatasetProfile.fromBytes(bytes);
        // (Re-serialized bytes may differ: the frequent-items map's slot order depends on its insertion history.)
        assertThat(back.toBytes().length).isEqualTo(bytes.length);
        assertThat(DatasetProfile.fromBytes(back.toBytes()).categorical("many").summary())
                .isEqualTo(p.categorical("many").summary());
        assertThat(back.features().keySet()).containsExactly("big", "few", "none", "cat", "many");
        assertThat(back.numeric("big").summary()).isEqualTo(p.numeric("big").summary());
        assertThat(back.numeric("big").summary().k()).isEqualTo(300);
        assertThat(back.numeric("few").summary()).isEqualTo(p.numeric("few").summary());
        assertThat(back.numeric("none").summary().nulls()).isEqualTo(1);
        assertThat(back.categorical("cat").summary()).isEqualTo(p.categorical("cat").summary());
        assertThat(back.categorical("cat").topValues(10)).isEqualTo(p.categorical("cat").topValues(10));
        assertThat(back.categorical("many").summary()).isEqualTo(p.categorical("many").summary());
        assertThat(back.numeric("big").quantile(0.5)).isEqualTo(p.numeric("big").quantile(0.5));
        DriftDetector d = DriftDetector.builder().build();
        assertThat(d.compare(back, p).features()).allMatch(f -> f.verdict() != Verdict.DRIFT);
        assertThat(d.compare(back, DatasetProfile.fromBytes(bytes))).isEqualTo(d.compare(p, p.copy()));
    }

    @Test
    void corruptBytesFailWithExactMessages() {
        assertThatThrownBy(() -> DatasetProfile.fromBytes(new byte[] {1, 2, 3, 4, 5}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not a Vitals dataset profile (bad magic)");
        byte[] good = DatasetProfile.builder().numeric("x").build().toBytes();
        byte[] version = good.clone();
        version[5] = 9;
        assertThatThrownBy(() -> DatasetProfile.fromBytes(version))
                .hasMessage("unsupported dataset profile format version 9 (this build reads version 1)");
        assertThatThrownBy(() -> DatasetProfile.fromBytes(Arrays.copyOf(good, good.length - 3)))
                .hasMessage("corrupt dataset profile: truncated");
        byte[] longer = Arrays.copyOf(good, good.length + 2);
        assertThatThrownBy(() -> DatasetProfile.fromBytes(longer))
                .hasMessage("corrupt dataset profile: 2 trailing bytes");
    }

    @Test
    void builderAndUpdateMisuseFailWithExactMessages() {
        assertThatThrownBy(() -> DatasetProfile.builder().kllK(4))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("kllK must be in [8, 2000], got 4");
        assertThatThrownBy(() -> DatasetProfile.builder().numeric("a").categorical("a"))
                .hasMessage("feature \"a\" is already defined");
        assertThatThrownBy(() -> DatasetProfile.builder().numeric(" "))
                .hasMessage("feature name must not be blank");
        assertThatThrownBy(() -> DatasetProfile.builder().build())
                .hasMessage("a dataset profile needs at least one feature");
        DatasetProfile p = DatasetProfile.builder().numeric("n").categorical("c").build();
        assertThatThrownBy(() -> p.update("n", "text")).hasMessage("feature \"n\" is numeric, not categorical");
        assertThatThrownBy(() -> p.update("c", 1.0)).hasMessage("feature \"c\" is categorical, not numeric");
        assertThatThrownBy(() -> p.update("zz", 1.0)).hasMessage("unknown feature \"zz\"; features: [n, c]");
        assertThatThrownBy(() -> p.merge(DatasetProfile.builder().numeric("n").build()))
                .hasMessage("cannot merge profiles with different features: [n, c] and [n]");
        assertThatThrownBy(() -> p.merge(DatasetProfile.builder().numeric("n").numeric("c").build()))
                .hasMessage("cannot merge profiles: feature \"c\" is categorical in one and numeric in the other");
        assertThatThrownBy(() -> p.numeric("n").quantile(1.5)).hasMessage("rank must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> p.categorical("c").topValues(0)).hasMessage("limit must be >= 1, got 0");
    }

    @Test
    void concurrentUpdatesAndMergesLoseNothing() throws Exception {
        DatasetProfile p = DatasetProfile.builder().numeric("x").categorical("c").build();
        DatasetProfile other = profile(new double[] {1, 2, 3});
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                futures.add(pool.submit(() -> {
                    Random r = new Random(seed);
                    for (int i = 0; i < 50_000; i++) {
                        p.update("x", r.nextDouble());
                        p.update("c", "v" + r.nextInt(10));
                        if (i % 10_000 == 0) {
                            p.merge(other);
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(p.numeric("x").count()).isEqualTo(4 * 50_000 + 4 * 5 * 3);
        assertThat(p.categorical("c").count()).isEqualTo(4 * 50_000 + 4 * 5 * 3);
        assertThat(p.numeric("x").summary().max()).isEqualTo(3.0);
    }
}
