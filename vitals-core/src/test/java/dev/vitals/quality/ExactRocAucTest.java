package dev.vitals.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The exact ROC AUC: pairs counted by hand, ties one half, and a brute-force check on random data with ties. */
class ExactRocAucTest {
    @Test
    void countsPairsWithTiesAsHalves() {
        ExactRocAuc a = new ExactRocAuc(1);
        for (double s : new double[] {0.5, 0.8, 0.3}) {
            a.add(0, true, s);
        }
        for (double s : new double[] {0.3, 0.1, 0.5}) {
            a.add(0, false, s);
        }
        // 0.5 beats 0.3 and 0.1, ties 0.5: 2.5; 0.8 beats all: 3; 0.3 ties 0.3, beats 0.1: 1.5
        assertThat(a.auc(0)).isEqualTo(7.0 / 9.0);
    }

    @Test
    void matchesBruteForceOnRandomScoresWithTies() {
        Random r = new Random(5);
        int n = 3_000;
        double[] s = new double[n];
        boolean[] y = new boolean[n];
        ExactRocAuc a = new ExactRocAuc(1);
        for (int i = 0; i < n; i++) {
            y[i] = r.nextDouble() < 0.3;
            s[i] = Math.round((r.nextGaussian() + (y[i] ? 0.7 : 0)) * 20) / 20.0; // many ties
            a.add(0, y[i], s[i]);
        }
        double good = 0;
        long pairs = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (y[i] && !y[j]) {
                    pairs++;
                    good += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                }
            }
        }
        assertThat(a.auc(0)).isCloseTo(good / pairs, within(1e-15));
    }

    @Test
    void undefinedWithoutBothClassesAndMacroSkipsThoseProblems() {
        ExactRocAuc a = new ExactRocAuc(3);
        a.add(0, true, 0.9);
        a.add(0, false, 0.1);
        a.add(1, true, 0.2);
        a.add(1, false, 0.8);
        a.add(2, false, 0.5); // no positive: undefined
        assertThat(a.auc(2)).isNaN();
        assertThat(a.macro()).isEqualTo(0.5);
        assertThat(new ExactRocAuc(1).macro()).isNaN();
        assertThatThrownBy(() -> a.add(0, true, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExactRocAuc(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
