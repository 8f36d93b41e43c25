package dev.vitals.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class EwmaTest {

    @Test
    void firstSamplesGiveTheExactMeanAndPopulationVariance() {
        Ewma e = new Ewma();
        Random r = new Random(1);
        double alpha = 0.01; // exact for the first 100 samples
        double sum = 0;
        double[] xs = new double[100];
        for (int i = 0; i < 100; i++) {
            xs[i] = 3 + 2 * r.nextGaussian();
            sum += xs[i];
            e.update(xs[i], alpha);
        }
        double mean = sum / 100;
        double ss = 0;
        for (double x : xs) {
            ss += (x - mean) * (x - mean);
        }
        assertThat(e.n).isEqualTo(100);
        assertThat(e.mean).isCloseTo(mean, within(1e-12));
        assertThat(e.var).isCloseTo(ss / 100, within(1e-12));
    }

    @Test
    void thenOldSamplesDecayAtAlpha() {
        Ewma e = new Ewma();
        for (int i = 0; i < 10; i++) {
            e.update(0, 0.5);
        }
        e.update(8, 0.5);
        assertThat(e.mean).isEqualTo(4);
        e.update(8, 0.5);
        assertThat(e.mean).isEqualTo(6);
    }
}
