package dev.vitals.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DriftDetectorTest {
    private static final DriftDetector DEFAULTS = DriftDetector.builder().build();

    private static RawColumns num(double... v) {
        return RawColumns.builder().numeric("x", v).build();
    }

    private static RawColumns cat(String... v) {
        return RawColumns.builder().categorical("x", v).build();
    }

    @Test
    void registryListsTestsWithTypesThresholdsAndDirection() {
        assertThat(StatTest.names()).containsExactly("chisquare", "hellinger", "jensenshannon", "kl_div", "ks", "psi",
                "wasserstein", "z");
        assertThat(StatTest.byName("ks").kind()).isEqualTo(StatTest.Kind.P_VALUE);
        assertThat(StatTest.byName("ks").featureTypes()).containsExactly(FeatureType.NUMERIC);
        assertThat(StatTest.byName("chisquare").featureTypes()).containsExactly(FeatureType.CATEGORICAL);
        assertThat(StatTest.byName("psi").featureTypes()).containsExactly(FeatureType.NUMERIC, FeatureType.CATEGORICAL);
        assertThat(StatTest.byName("z").defaultThreshold()).isEqualTo(0.05);
        assertThat(StatTest.byName("wasserstein").defaultThreshold()).isEqualTo(0.1);
        assertThat(StatTest.KS.drifted(0.049, 0.05)).isTrue();
        assertThat(StatTest.KS.drifted(0.05, 0.05)).isFalse();
        assertThat(StatTest.PSI.drifted(0.1, 0.1)).isTrue();
        assertThat(StatTest.PSI.drifted(0.099, 0.1)).isFalse();
    }

    @Test
    void badConfigurationFailsWithExactMessages() {
        assertThatThrownBy(() -> StatTest.byName("anderson"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown drift test \"anderson\"; valid tests: chisquare, hellinger, jensenshannon, kl_div, "
                        + "ks, psi, wasserstein, z");
        assertThatThrownBy(() -> DriftDetector.builder().test("x", "t-test"))
                .hasMessageStartingWith("unknown drift test \"t-test\"; valid tests: chisquare,");
        assertThatThrownBy(() -> DriftDetector.builder().threshold("x", Double.NaN))
                .hasMessage("threshold for feature \"x\" must be a finite number >= 0, got NaN");
        assertThatThrownBy(() -> DriftDetector.builder().driftShare(0))
                .hasMessage("driftShare must be in (0, 1], got 0.0");
        assertThatThrownBy(() -> DriftDetector.builder().test("", "ks")).hasMessage("feature name must not be blank");

        assertThatThrownBy(() -> DriftDetector.builder().test("x", "chisquare").build().compare(num(1, 2), num(1, 2)))
                .hasMessage("drift test \"chisquare\" does not accept numeric feature \"x\"; it accepts categorical features");
        assertThatThrownBy(() -> DriftDetector.builder().test("x", "wasserstein").build().compare(cat("a"), cat("a")))
                .hasMessage("drift test \"wasserstein\" does not accept categorical feature \"x\"; it accepts numeric features");
        DatasetProfile p = DatasetProfile.builder().categorical("x").build();
        assertThatThrownBy(() -> DriftDetector.builder().test("x", "ks").build().compare(p, p))
                .hasMessage("drift test \"ks\" does not accept categorical feature \"x\"; it accepts numeric features");
        assertThatThrownBy(() -> DriftDetector.builder().test("y", "ks").build().compare(num(1), num(1)))
                .hasMessage("drift test configured for unknown feature \"y\"");
        assertThatThrownBy(() -> DriftDetector.builder().threshold("y", 0.2).build().compare(num(1), num(1)))
                .hasMessage("threshold configured for unknown feature \"y\"");
        assertThatThrownBy(() -> DEFAULTS.compare(num(1), cat("a")))
                .hasMessage("feature \"x\" is numeric in the reference and categorical in the current data");
        RawColumns two = RawColumns.builder().numeric("x", new double[] {1}).numeric("z", new double[] {1}).build();
        assertThatThrownBy(() -> DEFAULTS.compare(two, num(1)))
                .hasMessage("reference and current have different features: only in reference [z], only in current []");
        assertThatThrownBy(() -> RawColumns.builder().numeric("x", null))
                .hasMessage("values of column \"x\" must not be null");
    }

    @Test
    void defaultRuleFollowsEvidently() {
        assertThat(DriftDetector.defaultTest(FeatureType.NUMERIC, 1000, 6)).isEqualTo(StatTest.KS);
        assertThat(DriftDetector.defaultTest(FeatureType.NUMERIC, 1000, 5)).isEqualTo(StatTest.CHISQUARE);
        assertThat(DriftDetector.defaultTest(FeatureType.NUMERIC, 1000, 2)).isEqualTo(StatTest.Z);
        assertThat(DriftDetector.defaultTest(FeatureType.CATEGORICAL, 1000, 50)).isEqualTo(StatTest.CHISQUARE);
        assertThat(DriftDetector.defaultTest(FeatureType.CATEGORICAL, 10, 2)).isEqualTo(StatTest.Z);
        assertThat(DriftDetector.defaultTest(FeatureType.NUMERIC, 1001, 6)).isEqualTo(StatTest.WASSERSTEIN);
        assertThat(DriftDetector.defaultTest(FeatureType.NUMERIC, 1001, 5)).isEqualTo(StatTest.JENSENSHANNON);
        assertThat(DriftDetector.defaultTest(FeatureType.CATEGORICAL, 5000, 3)).isEqualTo(StatTest.JENSENSHANNON);
    }

    @Test
    void nonFiniteValuesAreNullsInExactModeToo() {
        FeatureDrift f = DEFAULTS.compare(num(1, 2, 3, 4, 5, 6, Double.NaN), num(1, 2, 3, 4, 5, 6,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)).feature("x");
        assertThat(f.referenceCount()).isEqualTo(6);
        assertThat(f.referenceNulls()).isEqualTo(1);
        assertThat(f.currentNulls()).isEqualTo(2);
        assertThat(f.test()).isEqualTo("ks");
        assertThat(f.score()).isEqualTo(1.0);
        assertThat(f.verdict()).isEqualTo(Verdict.NO_DRIFT);
    }

    @Test
    void emptyOrAllNullWindowsGiveNoVerdictNeverAScore() {
        FeatureDrift f = DEFAULTS.compare(num(), num(1, 2)).feature("x");
        assertThat(f.verdict()).isEqualTo(Verdict.NO_VERDICT);
        assertThat(f.score()).isNaN();
        assertThat(f.test()).isNull();
        assertThat(f.reason()).isEqualTo("the reference window is empty");
        FeatureDrift g = DriftDetector.builder().test("x", "psi").build().compare(cat("a"), cat(null, null)).feature("x");
        assertThat(g.verdict()).isEqualTo(Verdict.NO_VERDICT);
        assertThat(g.test()).isEqualTo("psi");
        assertThat(g.threshold()).isEqualTo(0.1);
        assertThat(g.reason()).isEqualTo("the current window has only nulls");
        assertThat(g.currentNulls()).isEqualTo(2);

        DatasetDrift none = DEFAULTS.compare(num(), num());
        assertThat(none.verdict()).isEqualTo(Verdict.NO_VERDICT);
        assertThat(none.driftShare()).isNaN();
        // the same through profiles
        DatasetProfile empty = DatasetProfile.builder().numeric("x").build();
        assertThat(DEFAULTS.compare(empty, empty).feature("x").reason()).isEqualTo("the reference window is empty");
    }

    @Test
    void zTestOnMoreThanTwoValuesGivesNoVerdict() {
        FeatureDrift f = DriftDetector.builder().test("x", "z").build().compare(cat("a", "b", "c"), cat("a")).feature("x");
        assertThat(f.verdict()).isEqualTo(Verdict.NO_VERDICT);
        assertThat(f.reason()).isEqualTo("the z test needs at most 2 distinct values, got 3");
    }

    @Test
    void constantColumns() {
        double[] two = new double[50];
        java.util.Arrays.fill(two, 2.0);
        double[] three = new double[50];
        java.util.Arrays.fill(three, 3.0);
        for (String t : List.of("ks", "wasserstein", "psi", "kl_div", "jensenshannon", "hellinger")) {
            FeatureDrift same = DriftDetector.builder().test("x", t).build().compare(num(two), num(two)).feature("x");
            assertThat(same.score()).as(t).isEqualTo(t.equals("ks") ? 1.0 : 0.0);
            assertThat(same.verdict()).as(t).isEqualTo(Verdict.NO_DRIFT);
            FeatureDrift moved = DriftDetector.builder().test("x", t).build().compare(num(two), num(three)).feature("x");
            assertThat(moved.verdict()).as(t).isEqualTo(Verdict.DRIFT);
        }
        // wasserstein over a constant reference divides by 0.001: a shift of 1 scores 1000
        assertThat(DriftDetector.builder().test("x", "wasserstein").build().compare(num(two), num(three))
                .feature("x").score()).isCloseTo(1000, within(1e-9));
        assertThat(DEFAULTS.compare(num(two), num(two)).feature("x").test()).isEqualTo("z");
        assertThat(DEFAULTS.compare(num(two), num(two)).feature("x").score()).isEqualTo(1.0);
        assertThat(DEFAULTS.compare(cat("a", "a"), cat("a")).feature("x").score()).isEqualTo(1.0);
        assertThat(DriftDetector.builder().test("x", "chisquare").build().compare(cat("a", "a"), cat("a"))
                .feature("x").score()).isEqualTo(1.0);
    }

    @Test
    void binningIsSturgesEqualWidthOverBothWindows() {
        // n = 6 + 4 = 10 -> ceil(log2 10) + 1 = 5 bins over [0, 10]: [0,2) [2,4) [4,6) [6,8) [8,10]
        Window r = Window.exactNumeric(new double[] {0, 1, 2, 3, 4, 5});
        Window c = Window.exactNumeric(new double[] {6, 8, 9.99, 10});
        DriftDetector.Bins b = DriftDetector.numericBins(r, c);
        assertThat(b.ref()).containsExactly(2, 2, 2, 0, 0);
        assertThat(b.cur()).containsExactly(0, 0, 0, 1, 3);
        // psi with Evidently's fill: empty shares -> 0.0001 (the smallest share, 1/4, is above 0.0001)
        double f = 0.0001;
        double expected = 3 * (1.0 / 3 - f) * Math.log((1.0 / 3) / f) + (f - 0.25) * Math.log(f / 0.25)
                + (f - 0.75) * Math.log(f / 0.75);
        assertThat(DriftDetector.builder().test("x", "psi").build().compare(
                num(0, 1, 2, 3, 4, 5), num(6, 8, 9.99, 10)).feature("x").score()).isCloseTo(expected, within(1e-12));
        // js does not fill: disjoint supports give the maximum sqrt(ln 2)
        assertThat(DriftDetector.builder().test("x", "jensenshannon").build().compare(
                num(0, 1, 2, 3, 4, 5), num(6, 8, 9.99, 10)).feature("x").score())
                .isCloseTo(Math.sqrt(Math.log(2)), within(1e-12));
        assertThat(Distances.fillZeroes(new double[] {0, 0.00005, 0.99995})).containsExactly(5e-11, 0.00005, 0.99995);
    }

    @Test
    void sketchModeIsExactWhileSketchesAreExact() {
        Random r = new Random(9);
        double[] a = SketchModeTest.sample(600, r::nextGaussian);
        double[] b = SketchModeTest.sample(500, () -> r.nextGaussian() + 0.3);
        double[] fewA = SketchModeTest.sample(3000, () -> r.nextInt(4));
        double[] fewB = SketchModeTest.sample(2000, () -> r.nextInt(5));
        String[] ca = new String[700];
        String[] cb = new String[800];
        for (int i = 0; i < ca.length; i++) {
            ca[i] = "v" + r.nextInt(6);
        }
        for (int i = 0; i < cb.length; i++) {
            cb[i] = i % 50 == 0 ? null : "v" + r.nextInt(8);
        }
        RawColumns ref = RawColumns.builder().numeric("x", a).numeric("few", fewA).categorical("c", ca).build();
        RawColumns cur = RawColumns.builder().numeric("x", b).numeric("few", fewB).categorical("c", cb).build();
        for (String t : List.of("default", "ks", "wasserstein", "psi", "kl_div", "jensenshannon", "hellinger",
                "chisquare")) {
            DriftDetector.Builder builder = DriftDetector.builder();
            if (!t.equals("default")) {
                if (!t.equals("chisquare")) {
                    builder.test("x", t);
                }
                if (StatTest.byName(t).featureTypes().contains(FeatureType.CATEGORICAL)) {
                    builder.test("c", t);
                }
            }
            DriftDetector d = builder.build();
            DatasetDrift exact = d.compare(ref, cur);
            DatasetDrift sketch = d.compare(ref.profile(), cur.profile());
            for (FeatureDrift e : exact.features()) {
                FeatureDrift s = sketch.feature(e.feature());
                assertThat(s.test()).isEqualTo(e.test());
                assertThat(s.score()).as("%s %s", t, e.feature()).isCloseTo(e.score(), within(1e-12));
                assertThat(s.scoreLower()).isEqualTo(s.score());
                assertThat(s.scoreUpper()).isEqualTo(s.score());
                assertThat(s.verdict()).isEqualTo(e.verdict());
                assertThat(s.currentNulls()).isEqualTo(e.currentNulls());
            }
        }
        assertThat(DEFAULTS.compare(ref, cur).feature("few").test()).isEqualTo("jensenshannon");
    }

    @Test
    void categoricalPastSketchCapacityIsApproximateWithoutStatedBound() {
        String[] ref = new String[20_000];
        String[] cur = new String[20_000];
        for (int i = 0; i < ref.length; i++) {
            ref[i] = i % 2 == 0 ? "common" : "r" + i;
            cur[i] = i % 2 == 0 ? "common" : "c" + i;
        }
        DatasetDrift s = DEFAULTS.compare(cat(ref).profile(), cat(cur).profile());
        FeatureDrift f = s.feature("x");
        assertThat(f.test()).isEqualTo("jensenshannon");
        assertThat(f.scoreLower()).isNaN();
        assertThat(f.scoreUpper()).isNaN();
        assertThat(f.score()).isBetween(0.0, Math.sqrt(Math.log(2)));
        assertThat(DriftDetector.builder().test("x", "z").build().compare(cat(ref).profile(), cat(cur).profile())
                .feature("x").reason()).isEqualTo("the z test needs at most 2 distinct values, got more");
        // exact mode sees the disjoint tails
        assertThat(DEFAULTS.compare(cat(ref), cat(cur)).feature("x").verdict()).isEqualTo(Verdict.DRIFT);
    }

    @Test
    void datasetDriftsWhenHalfTheFeaturesWithAVerdictDrift() {
        Random r = new Random(11);
        double[] a = SketchModeTest.sample(400, r::nextGaussian);
        double[] same = SketchModeTest.sample(400, r::nextGaussian);
        double[] moved = SketchModeTest.sample(400, () -> r.nextGaussian() + 2);
        RawColumns ref = RawColumns.builder().numeric("a", a).numeric("b", a).numeric("c", a)
                .numeric("empty", new double[0]).build();
        RawColumns cur = RawColumns.builder().numeric("a", moved).numeric("b", same).numeric("c", same)
                .numeric("empty", new double[0]).build();
        DatasetDrift d = DEFAULTS.compare(ref, cur);
        assertThat(d.driftedFeatures()).isEqualTo(1);
        assertThat(d.evaluatedFeatures()).isEqualTo(3);
        assertThat(d.driftShare()).isCloseTo(1.0 / 3, within(1e-15));
        assertThat(d.verdict()).isEqualTo(Verdict.NO_DRIFT);
        assertThat(d.features()).extracting(FeatureDrift::feature).containsExactly("a", "b", "c", "empty");
        DatasetDrift strict = DriftDetector.builder().driftShare(0.3).build().compare(ref, cur);
        assertThat(strict.drifted()).isTrue();
        DatasetDrift twoOfThree = DEFAULTS.compare(ref, RawColumns.builder().numeric("a", moved).numeric("b", moved)
                .numeric("c", same).numeric("empty", new double[0]).build());
        assertThat(twoOfThree.verdict()).isEqualTo(Verdict.DRIFT);
        assertThat(DriftDetector.builder().threshold("a", 1e-300).build().compare(ref, cur).feature("a").drifted())
                .isFalse();
    }
}
