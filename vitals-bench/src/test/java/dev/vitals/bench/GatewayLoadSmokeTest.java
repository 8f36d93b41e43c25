package dev.vitals.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A few seconds of the overhead benchmark, so the harness cannot rot. Asserts correctness, not speed. */
class GatewayLoadSmokeTest {

    @Test
    void harnessRunsEveryCombinationWithoutErrors() throws Exception {
        List<GatewayLoad.Result> results = GatewayLoad.run(200, 50, 5, new int[] {1, 4});
        assertThat(results).hasSize(12); // direct, bare, vitals × 2 modes × 2 concurrencies
        assertThat(results).allSatisfy(r -> {
            assertThat(r.errors()).isZero();
            assertThat(r.p50Ms()).isPositive();
            assertThat(r.p99Ms()).isGreaterThanOrEqualTo(r.p50Ms());
        });
        assertThat(GatewayLoad.report(results)).contains("| stream | 4 | vitals |");
    }
}
