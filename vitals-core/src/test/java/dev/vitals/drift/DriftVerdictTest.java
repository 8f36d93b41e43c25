package dev.vitals.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** No verdict below the minimum count; in sketch mode, uncertain when the score's interval straddles the threshold. */
class DriftVerdictTest {
    static DatasetProfile profile(double[] values, int k) {
        return SketchModeTest.profile(values, k);
    }

    static RawColumns raw(double... v) {
        return RawColumns.builder().numeric("x", v).build();
    }

    @Test
    void threeReferenceValuesAgainstSixGiveNoVerdictBelowTheMinimumCount() {
        RawColumns ref = raw(1, 2, 3);
        RawColumns cur = raw(10, 11, 12, 13, 14, 15);
        // without a minimum the tiny sample decides: the false positive
        assertThat(DriftDetector.builder().build().compare(ref, cur).feature("x").verdict()).isEqualTo(Verdict.DRIFT);

        DatasetDrift d = DriftDetector.builder().minCount(30).build().compare(ref, cur);
        FeatureDrift f = d.feature("x");
        assertThat(f.verdict()).isEqualTo(Verdict.NO_VERDICT);
        assertThat(f.drifted()).isFalse();
        assertThat(f.score()).isNaN();
        assertThat(f.reason()).contains("reference window has 3 values").contains("minimum of 30");
        assertThat(f.referenceCount()).isEqualTo(3);
        assertThat(f.currentCount()).isEqualTo(6);
        assertThat(d.verdict()).isEqualTo(Verdict.NO_VERDICT);
        assertThat(DriftDetector.builder().minCount(5).build().compare(raw(1, 2, 3, 4, 5), raw(1, 2, 3, 4)).feature("x").reason())
                .contains("current window has 4 values");
        assertThatThrownBy(() -> DriftDetector.builder().minCount(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minCount");
    }

    @Test
    void aSketchIntervalThatStraddlesTheThresholdIsUncertain() {
        Random r = new Random(11);
        double[] ref = SketchModeTest.sample(200_000, r::nextGaussian);
        double[] cur = SketchModeTest.sample(200_000, () -> r.nextGaussian() + 0.05);
        DatasetProfile pr = profile(ref, 64);
        DatasetProfile pc = profile(cur, 64);
        FeatureDrift probe = DriftDetector.builder().test("x", "wasserstein").build().compare(pr, pc).feature("x");
        assertThat(probe.scoreLower()).as("an approximate sketch states an interval").isLessThan(probe.scoreUpper());

        double mid = (probe.scoreLower() + probe.scoreUpper()) / 2;
        DatasetDrift d = DriftDetector.builder().test("x", "wasserstein").threshold("x", mid).build().compare(pr, pc);
        assertThat(d.feature("x").verdict()).isEqualTo(Verdict.UNCERTAIN);
        assertThat(d.feature("x").drifted()).isFalse();
        assertThat(d.feature("x").reason()).contains("straddles the threshold");
        assertThat(d.evaluatedFeatures()).isZero();
        assertThat(d.verdict()).isEqualTo(Verdict.UNCERTAIN);

        double below = probe.scoreLower() * 0.99;
        assertThat(DriftDetector.builder().test("x", "wasserstein").threshold("x", below).build().compare(pr, pc).feature("x")
                .verdict()).isEqualTo(Verdict.DRIFT);
        double above = probe.scoreUpper() * 1.01;
        assertThat(DriftDetector.builder().test("x", "wasserstein").threshold("x", above).build().compare(pr, pc).feature("x")
                .verdict()).isEqualTo(Verdict.NO_DRIFT);
        // exact mode on the same data never is uncertain, whatever the threshold
        assertThat(DriftDetector.builder().test("x", "wasserstein").threshold("x", mid).build()
                .compare(raw(ref), raw(cur)).feature("x").verdict()).isIn(Verdict.DRIFT, Verdict.NO_DRIFT);
    }

    @Test
    void aDatasetIsUncertainOnlyWhenItsUncertainFeaturesCouldTipIt() {
        assertThat(DriftDetector.datasetVerdict(2, 4, 0, 0.5)).isEqualTo(Verdict.DRIFT);
        assertThat(DriftDetector.datasetVerdict(1, 4, 1, 0.5)).isEqualTo(Verdict.NO_DRIFT); // 1/5 .. 2/5
        assertThat(DriftDetector.datasetVerdict(2, 4, 1, 0.5)).isEqualTo(Verdict.UNCERTAIN); // 2/5 .. 3/5
        assertThat(DriftDetector.datasetVerdict(3, 4, 1, 0.5)).isEqualTo(Verdict.DRIFT); // 3/5 at least
        assertThat(DriftDetector.datasetVerdict(0, 4, 1, 0.5)).isEqualTo(Verdict.NO_DRIFT); // at most 1/5
        assertThat(DriftDetector.datasetVerdict(2, 3, 1, 0.5)).isEqualTo(Verdict.DRIFT); // 2/4 at least
        assertThat(DriftDetector.datasetVerdict(1, 2, 2, 0.5)).isEqualTo(Verdict.UNCERTAIN); // 1/4 .. 3/4
        assertThat(DriftDetector.datasetVerdict(0, 0, 0, 0.5)).isEqualTo(Verdict.NO_VERDICT);
    }
}
