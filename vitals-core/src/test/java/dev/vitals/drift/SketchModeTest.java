package dev.vitals.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * Sketch mode against exact mode on the same data: every score's stated interval holds the exact score, on
 * several distributions, and exact sketches give exact scores.
 */
class SketchModeTest {
    private static final List<String> NUMERIC_TESTS = List.of("ks", "wasserstein", "psi", "kl_div", "jensenshannon",
            "hellinger");

    record Pair(String name, double[] ref, double[] cur) {
    }

    static double[] sample(int n, DoubleSupplier s) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = s.getAsDouble();
        }
        return v;
    }

    static List<Pair> distributions(int nRef, int nCur) {
        Random r = new Random(42);
        List<Pair> out = new ArrayList<>();
        out.add(new Pair("same normal", sample(nRef, r::nextGaussian), sample(nCur, r::nextGaussian)));
        out.add(new Pair("mean shift", sample(nRef, r::nextGaussian), sample(nCur, () -> r.nextGaussian() + 0.2)));
        out.add(new Pair("variance change", sample(nRef, r::nextGaussian), sample(nCur, () -> 1.5 * r.nextGaussian())));
        out.add(new Pair("lognormal shift", sample(nRef, () -> Math.exp(r.nextGaussian())),
                sample(nCur, () -> Math.exp(0.1 + r.nextGaussian()))));
        out.add(new Pair("bimodal vs normal", sample(nRef, () -> r.nextGaussian() * 0.5 + (r.nextBoolean() ? -1 : 1)),
                sample(nCur, r::nextGaussian)));
        out.add(new Pair("uniform vs uniform", sample(nRef, r::nextDouble), sample(nCur, () -> r.nextDouble() * 1.1)));
        out.add(new Pair("ties (poisson-like)", sample(nRef, () -> Math.floor(-3 * Math.log(r.nextDouble()))),
                sample(nCur, () -> Math.floor(-3.3 * Math.log(r.nextDouble())))));
        return out;
    }

    static DatasetProfile profile(double[] values, int k) {
        DatasetProfile p = DatasetProfile.builder().numeric("x").kllK(k).build();
        for (double v : values) {
            p.update("x", v);
        }
        return p;
    }

    @Test
    void sketchIntervalsHoldTheExactScoresAtDefaultK() {
        intervalsHold(NumericProfile.DEFAULT_K, 1);
    }

    @Test
    void sketchIntervalsHoldTheExactScoresAtK200() {
        intervalsHold(200, 2);
    }

    /** The typical accuracy the package documents for the default k (measured here; seeded, so repeatable). */
    @Test
    void defaultKPointEstimatesAreCloseToExact() {
        KllSeed.seed(3);
        for (Pair p : distributions(200_000, 150_000)) {
            RawColumns ref = RawColumns.builder().numeric("x", p.ref).build();
            RawColumns cur = RawColumns.builder().numeric("x", p.cur).build();
            DatasetProfile refProfile = profile(p.ref, NumericProfile.DEFAULT_K);
            DatasetProfile curProfile = profile(p.cur, NumericProfile.DEFAULT_K);
            for (String test : List.of("wasserstein", "psi", "kl_div", "jensenshannon", "hellinger")) {
                DriftDetector d = DriftDetector.builder().test("x", test).build();
                double exact = d.compare(ref, cur).feature("x").score();
                double sketch = d.compare(refProfile, curProfile).feature("x").score();
                assertThat(sketch).as("%s %s", p.name, test).isCloseTo(exact, org.assertj.core.data.Offset.offset(0.02));
            }
        }
    }

    private static void intervalsHold(int k, long seed) {
        KllSeed.seed(seed);
        List<String> report = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (Pair p : distributions(200_000, 150_000)) {
            RawColumns ref = RawColumns.builder().numeric("x", p.ref).build();
            RawColumns cur = RawColumns.builder().numeric("x", p.cur).build();
            DatasetProfile refProfile = profile(p.ref, k);
            DatasetProfile curProfile = profile(p.cur, k);
            for (String test : NUMERIC_TESTS) {
                DriftDetector d = DriftDetector.builder().test("x", test).build();
                FeatureDrift exact = d.compare(ref, cur).feature("x");
                FeatureDrift sketch = d.compare(refProfile, curProfile).feature("x");
                report.add(String.format("k=%d %-22s %-14s exact %.6g sketch %.6g [%.6g, %.6g]", k, p.name, test,
                        exact.score(), sketch.score(), sketch.scoreLower(), sketch.scoreUpper()));
                double slack = 1e-12 * Math.max(1, Math.abs(exact.score()));
                if (!(sketch.scoreLower() - slack <= exact.score() && exact.score() <= sketch.scoreUpper() + slack)) {
                    bad.add(report.get(report.size() - 1));
                }
            }
        }
        System.out.println(String.join("\n", report));
        assertThat(bad).isEmpty();
    }
}
