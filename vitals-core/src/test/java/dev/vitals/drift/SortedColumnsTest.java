package dev.vitals.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link RawColumns.Builder#sortedNumeric}: the same results as {@link RawColumns.Builder#numeric}, no copy. */
class SortedColumnsTest {

    /** Every test on both forms of the same values: raw in file order with nulls, and sorted finite + a count. */
    @Test
    void everyTestGivesTheSameResultAsTheRawForm() {
        Random rnd = new Random(7);
        double[][] shapes = {
            values(rnd, 3000, 0.0, 1.0, 0),        // continuous: ks, wasserstein, binned distances
            values(rnd, 2500, 0.3, 1.0, 0),
            values(rnd, 800, 0.0, 1.0, 100),       // rounded: many duplicates
            values(rnd, 900, 0.5, 1.0, 100),
            values(rnd, 400, 0.0, 1.0, 1),         // at most 5 distinct values: compared per value
            values(rnd, 500, 0.0, 1.0, 1),
        };
        for (int s = 0; s < shapes.length; s += 2) {
            for (String test : StatTest.names()) {
                if (!StatTest.byName(test).featureTypes().contains(FeatureType.NUMERIC)) {
                    continue;
                }
                DriftDetector d = DriftDetector.builder().test("x", test).build();
                DatasetDrift raw = d.compare(RawColumns.builder().numeric("x", shapes[s]).build(),
                        RawColumns.builder().numeric("x", shapes[s + 1]).build());
                DatasetDrift sorted = d.compare(sorted(shapes[s]), sorted(shapes[s + 1]));
                assertThat(sorted).as(test + " on shape " + s / 2).isEqualTo(raw);
            }
            DatasetDrift byDefault = DriftDetector.builder().build().compare(sorted(shapes[s]), sorted(shapes[s + 1]));
            assertThat(byDefault).isEqualTo(DriftDetector.builder().build().compare(
                    RawColumns.builder().numeric("x", shapes[s]).build(),
                    RawColumns.builder().numeric("x", shapes[s + 1]).build()));
        }
    }

    @Test
    void onlyNullsOrNoValuesGiveNoVerdictAsTheRawForm() {
        DriftDetector d = DriftDetector.builder().test("x", "ks").build();
        DatasetDrift raw = d.compare(RawColumns.builder().numeric("x", new double[] {Double.NaN, 1.0 / 0}).build(),
                RawColumns.builder().numeric("x", new double[] {1, 2}).build());
        DatasetDrift sorted = d.compare(RawColumns.builder().sortedNumeric("x", new double[0], 0, 2).build(),
                RawColumns.builder().sortedNumeric("x", new double[] {1, 2, 99}, 2, 0).build());
        assertThat(sorted).isEqualTo(raw);
        assertThat(sorted.features().get(0).verdict()).isEqualTo(Verdict.NO_VERDICT);
    }

    @Test
    void negativeZeroIsZeroAsInTheRawForm() {
        double[] a = {-0.0, -0.0, 1};
        RawColumns.builder().sortedNumeric("x", a, 3, 0);
        assertThat(Double.doubleToRawLongBits(a[0])).isEqualTo(Double.doubleToRawLongBits(0.0));
        DriftDetector d = DriftDetector.builder().test("x", "psi").build();
        assertThat(d.compare(RawColumns.builder().sortedNumeric("x", new double[] {-0.0, 0.0, 1}, 3, 0).build(),
                RawColumns.builder().sortedNumeric("x", new double[] {0.0, 1, 1}, 3, 0).build()))
                .isEqualTo(d.compare(RawColumns.builder().numeric("x", new double[] {-0.0, 0.0, 1}).build(),
                        RawColumns.builder().numeric("x", new double[] {0.0, 1, 1}).build()));
    }

    @Test
    void badInputFailsWithExactMessages() {
        assertThatThrownBy(() -> RawColumns.builder().sortedNumeric("x", new double[] {2, 1}, 2, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("column \"x\": value 1 (1.0) is below the one before it; the values must be ascending");
        assertThatThrownBy(() -> RawColumns.builder().sortedNumeric("x", new double[] {1, Double.NaN}, 2, 0))
                .hasMessage("column \"x\": value 1 (NaN) is not finite; pass nulls as a count");
        assertThatThrownBy(() -> RawColumns.builder().sortedNumeric("x", new double[] {1}, 2, 0))
                .hasMessage("column \"x\": length 2 and nulls 0 must be >= 0, the length at most the array's 1");
        assertThatThrownBy(() -> RawColumns.builder().sortedNumeric("x", new double[] {1}, 1, -1))
                .hasMessage("column \"x\": length 1 and nulls -1 must be >= 0, the length at most the array's 1");
        assertThatThrownBy(() -> RawColumns.builder().sortedNumeric("x", null, 0, 0))
                .hasMessage("values of column \"x\" must not be null");
        // values past the length are not looked at: a reused buffer
        RawColumns ok = RawColumns.builder().sortedNumeric("x", new double[] {1, 2, Double.NaN, -5}, 2, 0).build();
        assertThat(ok.types()).containsEntry("x", FeatureType.NUMERIC);
    }

    @Test
    void profileOfTheSortedFormCountsTheNulls() {
        DatasetProfile p = RawColumns.builder().sortedNumeric("x", new double[] {1, 2, 3}, 3, 4).build().profile();
        assertThat(p.numeric("x").count()).isEqualTo(3);
        assertThat(p.numeric("x").nulls()).isEqualTo(4);
    }

    /**
     * n values, a share of them NaN, ±infinity or -0.0, rounded to {@code grid} steps when grid > 0 (grid 1: the
     * integers -2..2).
     */
    private static double[] values(Random rnd, int n, double shift, double sd, int grid) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double x = shift + sd * rnd.nextGaussian();
            if (grid > 0) {
                x = Math.round(x * grid) / (double) grid;
            }
            if (grid == 1) {
                x = Math.max(-2, Math.min(2, x));
            }
            int r = rnd.nextInt(50);
            v[i] = r == 0 ? Double.NaN : r == 1 ? Double.POSITIVE_INFINITY : r == 2 ? -0.0 : x;
        }
        return v;
    }

    private static RawColumns sorted(double[] raw) {
        double[] f = Arrays.stream(raw).filter(Double::isFinite).sorted().toArray();
        return RawColumns.builder().sortedNumeric("x", f, f.length, raw.length - f.length).build();
    }
}
