package dev.vitals.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MomentsTest {
    @Test
    void mergingTwoGroupsGivesTheMeanAndM2OfAllTheirValues() {
        Random r = new Random(7);
        double[] a = new double[37];
        double[] b = new double[1_000];
        for (int i = 0; i < a.length; i++) {
            a[i] = 5 + r.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = 1e6 + 3 * r.nextGaussian(); // far apart: the naive sum-of-squares formula loses digits here
        }
        double[] all = new double[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);

        double mean = Moments.mergedMean(a.length, mean(a), b.length, mean(b));
        double m2 = Moments.mergedM2(a.length, mean(a), m2(a), b.length, mean(b), m2(b));

        assertThat(mean).isCloseTo(mean(all), within(1e-9 * Math.abs(mean(all))));
        assertThat(m2).isCloseTo(m2(all), within(1e-9 * m2(all)));
    }

    @Test
    void oneValueGroupsMergeToTheirPopulationMoments() {
        assertThat(Moments.mergedMean(1, 1.0, 1, 3.0)).isEqualTo(2.0);
        assertThat(Moments.mergedM2(1, 1.0, 0, 1, 3.0, 0)).isEqualTo(2.0); // (1-2)^2 + (3-2)^2
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double m2(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return s;
    }
}
