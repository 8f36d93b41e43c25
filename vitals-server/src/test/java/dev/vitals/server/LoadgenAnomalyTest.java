package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.server.cli.LoadgenCommand;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The traffic generator's demo scenario makes the server's baselines open anomalies, which survive a restart. */
// 10 s of traffic, the last intervals judged, then a restart: over the 60 s default on a loaded 2-core machine
@org.junit.jupiter.api.Timeout(value = 120, unit = java.util.concurrent.TimeUnit.SECONDS)
class LoadgenAnomalyTest {
    @TempDir
    Path dir;

    private ServerFixture start() throws Exception {
        return ServerFixture.start(cfg -> {
            cfg.store.path = dir.resolve("vitals.db").toString();
            cfg.dashboard.stepMillis = 250;
            cfg.anomalies.warmUp = 8;
            cfg.anomalies.consecutive = 2;
            cfg.anomalies.minVolume = 1;
            ServerFixture.sim(cfg).latencyMin = 0.001;
            ServerFixture.sim(cfg).latencyMax = 0.01;
        });
    }

    @Test
    void demoTrafficOpensAnomaliesAndBaselinesSurviveARestart() throws Exception {
        try (ServerFixture f = start()) {
            LoadgenCommand gen = new LoadgenCommand();
            new CommandLine(gen).parseArgs("--url", "http://127.0.0.1:" + f.server.port(), "--rps", "40", "--duration", "10",
                    "--scenario", "demo", "--quiet", "--summary-wait", "2");
            LoadgenCommand.Summary s = gen.run(f.uri("/"));
            assertThat(s.sent()).isEqualTo(400);
            assertThat(s.byPhaseAndStatus()).containsKeys("steady 200", "latency_spike 200", "error_burst 500", "cost_jump 200",
                    "drift 200");
            // let the last intervals close and be judged
            long deadline = System.nanoTime() + 10_000_000_000L;
            JsonObject anomalies = new JsonObject(f.get("/v1/anomalies").body());
            while (all(anomalies).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(200);
                anomalies = new JsonObject(f.get("/v1/anomalies").body());
            }
            assertThat(all(anomalies).stream().map(o -> ((JsonObject) o).getString("signal")))
                    .as(anomalies.encode()).containsAnyOf("latency_p50", "latency_p95", "error_ratio", "tokens_per_request",
                            "cost_per_query");
            JsonObject a = (JsonObject) all(anomalies).getValue(0);
            assertThat(a.getString("model")).isEqualTo("mock-llm-v1");
            assertThat(Math.abs(a.getDouble("peak_z"))).isGreaterThan(3);
            PromText m = f.metrics();
            assertThat(m.raw).contains("vitals_baseline{model=\"mock-llm-v1\",signal=\"latency_p50\"}");
            assertThat(m.raw).contains("vitals_anomaly_zscore{model=\"mock-llm-v1\",signal=\"request_rate\"}");
            // the dashboard draws the latency baseline's band for a model that has one
            JsonObject series = new JsonObject(f.get("/v1/dashboard/series?model=mock-llm-v1&range=15m").body()).getJsonObject("series");
            // the band as it was at each interval: none before the warm-up ended, then one per judged interval
            JsonArray high = series.getJsonArray("latency_p95_baseline_high");
            JsonArray low = series.getJsonArray("latency_p95_baseline_low");
            assertThat(high).hasSameSizeAs(series.getJsonArray("latency_p95"));
            assertThat(high.getValue(0)).as("no band before the server judged anything").isNull();
            java.util.Set<Double> distinct = new java.util.HashSet<>();
            int first = -1;
            for (int i = 0; i < high.size(); i++) {
                if (high.getValue(i) != null) {
                    first = first < 0 ? i : first;
                    assertThat(high.getDouble(i)).isGreaterThanOrEqualTo(low.getDouble(i));
                    distinct.add(high.getDouble(i));
                }
            }
            assertThat(first).as("a band once the baseline warmed up").isPositive();
            assertThat(distinct.size()).as("the band moves with the baseline, not one value painted flat").isGreaterThan(1);
            assertThat(new JsonObject(f.get("/v1/dashboard/series?range=15m").body()).getJsonObject("series")
                    .containsKey("latency_p95_baseline_low")).isFalse(); // all models together have no baseline
            JsonObject overview = new JsonObject(f.get("/v1/dashboard/overview").body());
            assertThat(overview.getJsonArray("anomalies")).isNotEmpty();
        }
        try (ServerFixture f = start()) {
            // no traffic yet: the baselines come from the store
            assertThat(f.get("/metrics").body()).contains("vitals_baseline{model=\"mock-llm-v1\",signal=\"latency_p50\"}");
        }
    }

    private static JsonArray all(JsonObject anomalies) {
        return new JsonArray().addAll(anomalies.getJsonArray("open")).addAll(anomalies.getJsonArray("recent"));
    }
}
