package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.vitals.server.config.ConfigException;
import dev.vitals.server.config.ConfigLoader;
import dev.vitals.server.config.VitalsConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the dashboard's API adds for the first hour: models known only from quality or drift, the SLO
 * panel, spend by key, the baselines behind the tiles and the anomaly settings the demo times itself by.
 */
class DashboardDataApiTest {
    @Test
    void modelsKnownOnlyFromEvaluationsOrFeaturesAreSelectableWithEmptySeries() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> { })) {
            assertThat(f.post("/v1/evaluations", new JsonObject().put("records", new JsonArray()
                    .add(new JsonObject().put("model", "price").put("predicted", 12.5).put("actual", 13.0))).encode()).statusCode()).isEqualTo(200);
            assertThat(f.post("/v1/features", new JsonObject().put("model", "fraud-v3").put("records", new JsonArray()
                    .add(new JsonObject().put("age", 31))).encode()).statusCode()).isEqualTo(200);
            for (String m : new String[] {"price", "fraud-v3"}) {
                HttpResponse<String> r = f.get("/v1/dashboard/series?range=15m&model=" + m);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                JsonObject b = new JsonObject(r.body());
                assertThat(b.getString("model")).isEqualTo(m);
                assertThat(b.getJsonArray("models").getList()).contains("price", "fraud-v3");
                assertThat(b.getJsonObject("series").getJsonArray("request_rate").stream().allMatch(v -> v == null)).isTrue();
                assertThat(b.getJsonArray("timestamps")).hasSameSizeAs(b.getJsonObject("series").getJsonArray("latency_p95"));
                HttpResponse<String> o = f.get("/v1/dashboard/overview?model=" + m);
                assertThat(o.statusCode()).as(o.body()).isEqualTo(200);
                assertThat(new JsonObject(o.body()).getInteger("requests")).isZero();
            }
            HttpResponse<String> unknown = f.get("/v1/dashboard/series?model=nobody");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(new JsonObject(unknown.body()).getString("message")).contains("unknown model 'nobody'", "price", "fraud-v3");
        }
    }

    @Test
    void theSloPanelCountsFailuresAndSlowCallsAgainstTheObjectives() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> {
            cfg.slo.availability = 0.9;
            cfg.slo.latency = 0.95;
            cfg.slo.latencyThresholdSeconds = 0.05;
            ServerFixture.sim(cfg).latencyMin = 0.001;
            ServerFixture.sim(cfg).latencyMax = 0.002;
        })) {
            JsonObject empty = new JsonObject(f.get("/v1/dashboard/overview").body()).getJsonObject("slo");
            assertThat(empty.getJsonObject("availability").getLong("calls")).isZero();
            assertThat(empty.getJsonObject("availability").getValue("error_budget_left")).as("no calls, no number").isNull();
            assertThat(empty.getJsonObject("availability").getValue("burn_rate_1h")).isNull();
            for (int i = 0; i < 8; i++) {
                f.post("/generate", new JsonObject().put("prompt", "hello " + i).encode());
            }
            f.post("/generate", new JsonObject().put("prompt", "an error please").encode());
            f.post("/v1/chat/completions", new JsonObject().put("model", "mock-llm-v1").put("metadata",
                    new JsonObject().put("vitals_latency_seconds", "0.2")).put("messages", new JsonArray()
                    .add(new JsonObject().put("role", "user").put("content", "slow"))).encode());
            JsonObject o = new JsonObject(f.get("/v1/dashboard/overview?model=mock-llm-v1").body());
            JsonObject av = o.getJsonObject("slo").getJsonObject("availability");
            assertThat(av.getLong("calls")).isEqualTo(10);
            assertThat(av.getLong("bad")).isEqualTo(1);
            assertThat(av.getDouble("actual")).isCloseTo(0.9, within(1e-12));
            assertThat(av.getDouble("error_budget_left")).isCloseTo(0.0, within(1e-9)); // 1 of the 1 allowed
            assertThat(av.getDouble("burn_rate_1h")).isCloseTo(1.0, within(1e-9));
            JsonObject lat = o.getJsonObject("slo").getJsonObject("latency");
            assertThat(lat.getLong("bad")).as("calls slower than 50 ms").isEqualTo(1);
            assertThat(lat.getDouble("threshold_seconds")).isEqualTo(0.05);
            assertThat(lat.getDouble("error_budget_left")).isCloseTo(1 - 1 / (0.05 * 10), within(1e-9));
            assertThat(o.getJsonArray("spend_by_key")).isEmpty(); // no keys: auth is off
            assertThat(o.getJsonObject("baselines")).isEmpty(); // still warming up
            JsonObject settings = new JsonObject(f.get("/v1/anomalies").body()).getJsonObject("settings");
            assertThat(settings.getInteger("warm_up")).isEqualTo(12);
            assertThat(settings.getInteger("consecutive")).isEqualTo(3);
            assertThat(settings.getLong("step_ms")).isEqualTo(10_000);
        }
    }

    @Test
    void badSloSettingsFailFastNamingTheKey() {
        for (Object[] c : new Object[][] {{"availability", 1.0}, {"availability", Double.NaN}, {"latency", 0.0},
                {"latencyThresholdSeconds", -1.0}, {"latencyThresholdSeconds", Double.POSITIVE_INFINITY}, {"windowDays", 0}, {"windowDays", 91}}) {
            VitalsConfig cfg = ConfigLoader.load(new ConfigLoader.Overrides(), Map.of());
            switch ((String) c[0]) {
                case "availability" -> cfg.slo.availability = (Double) c[1];
                case "latency" -> cfg.slo.latency = (Double) c[1];
                case "latencyThresholdSeconds" -> cfg.slo.latencyThresholdSeconds = (Double) c[1];
                default -> cfg.slo.windowDays = (Integer) c[1];
            }
            assertThatThrownBy(() -> ConfigLoader.validate(cfg)).as(c[0] + "=" + c[1]).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("slo." + c[0] + ":");
        }
    }
}
