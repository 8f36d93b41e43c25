package dev.vitals.drift;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The p-value functions against SciPy 1.10 (golden/drift.json), to 1e-9. */
class KsDistributionTest {

    @Test
    void kolmogorovSurvivalMatchesScipyKstwoOnEveryBranch() {
        List<String> bad = new ArrayList<>();
        for (JsonNode row : Golden.ROOT.get("kstwo_sf")) {
            double n = row.get(0).asDouble();
            double x = row.get(1).asDouble();
            double expected = row.get(2).asDouble();
            double actual = KsDistribution.kolmogorovSf(n, x);
            if (!Golden.close(actual, expected)) {
                bad.add("n=" + (long) n + " x=" + x + " expected " + expected + " got " + actual);
            }
        }
        assertThat(bad).isEmpty();
    }

    @Test
    void exactTwoSampleMatchesScipy() {
        List<String> bad = new ArrayList<>();
        for (JsonNode row : Golden.ROOT.get("ks2_exact")) {
            int n1 = row.get(0).asInt();
            int n2 = row.get(1).asInt();
            double d = row.get(2).asDouble();
            double actual = KsDistribution.exactTwoSample(n1, n2, d);
            if (row.get(3).isNull()) {
                if (!Double.isNaN(actual)) {
                    bad.add(n1 + "," + n2 + "," + d + ": expected fallback, got " + actual);
                }
            } else if (!Golden.close(actual, row.get(3).asDouble())) {
                bad.add(n1 + "," + n2 + "," + d + ": expected " + row.get(3).asDouble() + " got " + actual);
            }
        }
        assertThat(bad).isEmpty();
    }

    @Test
    void chiSquareAndNormalTailsMatchScipy() {
        for (JsonNode row : Golden.ROOT.get("chi2_sf")) {
            double x = row.get(0).asDouble();
            int df = row.get(1).asInt();
            assertThat(Golden.close(Special.chi2Sf(x, df), row.get(2).asDouble()))
                    .as("chi2.sf(%s, %s) = %s, got %s", x, df, row.get(2).asDouble(), Special.chi2Sf(x, df)).isTrue();
        }
        for (JsonNode row : Golden.ROOT.get("z_two_sided")) {
            double z = row.get(0).asDouble();
            assertThat(Golden.close(Special.twoSidedNormalP(z), row.get(1).asDouble()))
                    .as("z=%s", z).isTrue();
        }
    }
}
