package dev.vitals.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RobustWindowTest {

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int h = s.length / 2;
        return s.length % 2 == 1 ? s[h] : (s[h - 1] + s[h]) / 2;
    }

    @Test
    void medianAndMadMatchABruteForceOverASlidingWindow() {
        for (int capacity : new int[] {1, 2, 7, 8, 360}) {
            RobustWindow w = new RobustWindow(capacity);
            ArrayDeque<Double> kept = new ArrayDeque<>();
            Random r = new Random(capacity);
            for (int i = 0; i < 3 * capacity + 50; i++) {
                double x = r.nextInt(25) - 12 + (r.nextBoolean() ? 0.5 : 0); // many ties
                w.add(x);
                kept.addLast(x);
                if (kept.size() > capacity) {
                    kept.removeFirst();
                }
                double[] v = kept.stream().mapToDouble(Double::doubleValue).toArray();
                double med = median(v);
                double mad = median(Arrays.stream(v).map(y -> Math.abs(y - med)).toArray());
                assertThat(w.size()).isEqualTo(v.length);
                assertThat(w.values()).isEqualTo(v);
                assertThat(w.median()).isEqualTo(med);
                if (mad > 0) {
                    assertThat(w.scale()).isCloseTo(RobustWindow.MAD_TO_STDDEV * mad, within(1e-12));
                }
            }
        }
    }

    @Test
    void whenMostValuesAreEqualTheScaleFallsBackToTheMeanAbsoluteDeviation() {
        RobustWindow w = new RobustWindow(10);
        for (double x : new double[] {5, 5, 5, 5, 9}) {
            w.add(x);
        }
        assertThat(w.median()).isEqualTo(5);
        assertThat(w.scale()).isCloseTo(RobustWindow.MEAN_AD_TO_STDDEV * 4 / 5, within(1e-12));
        RobustWindow constant = new RobustWindow(3);
        constant.add(2);
        constant.add(2);
        assertThat(constant.scale()).isZero();
        assertThat(new RobustWindow(3).median()).isNaN();
    }

    @Test
    void scaleEstimatesTheStddevOfNormalData() {
        RobustWindow w = new RobustWindow(20_000);
        Random r = new Random(1);
        for (int i = 0; i < 20_000; i++) {
            w.add(50 + 10 * r.nextGaussian());
        }
        assertThat(w.median()).isCloseTo(50, within(0.3));
        assertThat(w.scale()).isCloseTo(10, within(0.3));
    }
}
