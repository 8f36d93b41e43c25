package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compute cost and monthly model budgets on /metrics; the month's spend survives a restart. */
class CostTest {
    @TempDir
    Path dir;

    private ServerFixture start() throws Exception {
        return ServerFixture.start(cfg -> {
            cfg.store.path = dir.resolve("vitals.db").toString();
            cfg.system.intervalSeconds = 1;
            cfg.pricing.cpuCoreHourUsd = 3600; // $1 per CPU-second: easy to see
            cfg.pricing.modelBudgetsUsd = Map.of("mock-llm-v1", 0.05);
            ServerFixture.sim(cfg).latencyMin = 0;
            ServerFixture.sim(cfg).latencyMax = 0.002;
        });
    }

    @Test
    void computeCostAndModelBudgets() throws Exception {
        double spent;
        try (ServerFixture f = start()) {
            for (int i = 0; i < 10; i++) {
                f.post("/generate", "{\"prompt\":\"hello there\"}");
            }
            PromText m = f.metrics();
            double tokenCost = m.get("llm_cost_usd_total{model_name=\"mock-llm-v1\"}");
            assertThat(tokenCost).isPositive();
            spent = m.get("vitals_model_spend_month_usd{model=\"mock-llm-v1\"}");
            assertThat(spent).isCloseTo(tokenCost, within(1e-12));
            assertThat(m.get("vitals_model_budget_usd{model=\"mock-llm-v1\"}")).isEqualTo(0.05);
            assertThat(m.get("vitals_model_budget_remaining_usd{model=\"mock-llm-v1\"}")).isCloseTo(0.05 - tokenCost, within(1e-12));
            // process CPU-seconds priced at $1 each: the JVM has used some CPU by now
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (f.metrics().get("vitals_compute_cost_usd_total") == 0 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(f.metrics().get("vitals_compute_cost_usd_total")).isPositive();
        }
        try (ServerFixture f = start()) {
            assertThat(f.metrics().get("vitals_model_spend_month_usd{model=\"mock-llm-v1\"}")).isCloseTo(spent, within(1e-12));
        }
    }
}
