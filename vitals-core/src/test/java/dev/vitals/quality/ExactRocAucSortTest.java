package dev.vitals.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The radix sort of the scores orders any finite doubles as {@link Arrays#sort(double[])} does. */
class ExactRocAucSortTest {
    @Test
    void radixSortEqualsArraysSortOnAnyFiniteScores() {
        Random r = new Random(9);
        for (int t = 0; t < 30; t++) {
            int n = ExactRocAuc.RADIX_FROM + r.nextInt(20_000);
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                int kind = r.nextInt(6);
                v[i] = switch (kind) {
                    case 0 -> r.nextDouble();                                  // probabilities
                    case 1 -> -r.nextDouble() * Math.pow(10, r.nextInt(40) - 20); // negatives, any magnitude
                    case 2 -> Math.round(r.nextGaussian() * 10) / 10.0;       // ties
                    case 3 -> r.nextBoolean() ? 0.0 : -0.0;
                    case 4 -> r.nextBoolean() ? Double.MIN_VALUE : -Double.MAX_VALUE;
                    default -> r.nextGaussian() * 1e300;
                };
            }
            int m = n - r.nextInt(100); // only the first m
            double[] w = v.clone();
            ExactRocAuc.sort(w, m);
            double[] part = Arrays.copyOf(v, m);
            Arrays.sort(part);
            for (int i = 0; i < m; i++) {
                assertThat(w[i] == part[i]).as("index %d: %s vs %s", i, w[i], part[i]).isTrue(); // -0.0 == 0.0
            }
            assertThat(Arrays.copyOfRange(w, m, n)).containsExactly(Arrays.copyOfRange(v, m, n));
        }
    }

    @Test
    void aucOverAMillionScoresEqualsTheQuicksortedOne() {
        Random r = new Random(1);
        int n = 1_000_000;
        ExactRocAuc radix = new ExactRocAuc(1);
        double[] p = new double[n];
        double[] q = new double[n];
        int np = 0;
        int nn = 0;
        for (int i = 0; i < n; i++) {
            boolean y = r.nextDouble() < 0.3;
            double s = Math.min(1, Math.max(0, r.nextGaussian() * 0.2 + (y ? 0.65 : 0.35)));
            radix.add(0, y, s);
            if (y) {
                p[np++] = s;
            } else {
                q[nn++] = s;
            }
        }
        Arrays.sort(p, 0, np);
        Arrays.sort(q, 0, nn);
        double expected = ExactRocAuc.auc(p, np, q, nn); // already sorted: the result of the quicksort
        assertThat(radix.auc(0)).isEqualTo(expected);
    }
}
