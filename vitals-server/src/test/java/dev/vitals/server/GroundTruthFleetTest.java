package dev.vitals.server;

import static dev.vitals.server.QualityHttp.sample;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.server.store.PgCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Predictions and actuals on two real replicas sharing one real PostgreSQL: an actual posted to one
 * replica joins a prediction posted to the other, whichever comes first.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GroundTruthFleetTest {
    private static final String MODEL = "churn";

    private static HttpResponse<String> post(ServerFixture f, String path, JsonObject r) throws Exception {
        return f.post(path, new JsonObject().put("records", new JsonArray().add(r)).encode());
    }

    private static JsonObject ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    @Test
    void anActualOnOneReplicaJoinsAPredictionOnTheOther() throws Exception {
        try (PgCluster pg = PgCluster.start()) {
            String url = pg.createDatabase();
            Map<String, String> env = Map.of("VITALS_DB_USER", "postgres");
            java.util.function.Consumer<dev.vitals.server.config.VitalsConfig> cfg = c -> {
                QualityHttp.fast(c);
                c.store.jdbcUrl = url;
                c.store.userEnv = "VITALS_DB_USER";
                c.store.maxPoolSize = 3;
            };
            try (ServerFixture a = ServerFixture.start(cfg, env); ServerFixture b = ServerFixture.start(cfg, env)) {
                // prediction first on A, actual on B
                ok(post(a, "/v1/predictions", new JsonObject().put("model", MODEL).put("id", "u1").put("predicted", "stays")));
                assertThat(ok(post(b, "/v1/actuals", new JsonObject().put("model", MODEL).put("id", "u1").put("actual", "stays")))
                        .getInteger("joined")).isEqualTo(1);
                // actual first on B, prediction later on A
                assertThat(ok(post(b, "/v1/actuals", new JsonObject().put("model", MODEL).put("id", "u2").put("actual", "leaves")))
                        .getInteger("pending")).isEqualTo(1);
                ok(post(a, "/v1/predictions", new JsonObject().put("model", MODEL).put("id", "u2").put("predicted", "stays")));
                long end = System.currentTimeMillis() + 30_000;
                double joined = 0;
                while (System.currentTimeMillis() < end) {
                    // a replica that joined nothing has no such series yet
                    joined = java.util.Objects.requireNonNullElse(sample(a.metrics(), "vitals_actuals_total", "outcome", "joined"), 0.0)
                            + java.util.Objects.requireNonNullElse(sample(b.metrics(), "vitals_actuals_total", "outcome", "joined"), 0.0);
                    if (joined == 2) {
                        break;
                    }
                    Thread.sleep(100);
                }
                assertThat(joined).isEqualTo(2);
                // label coverage is read from the shared store: both replicas see both pairs, whichever joined them
                for (ServerFixture f : List.of(a, b)) {
                    JsonObject cov = null;
                    while (System.currentTimeMillis() < end) {
                        HttpResponse<String> r = f.get("/v1/quality?model=" + MODEL + "&window=1h");
                        cov = r.statusCode() == 200 ? new JsonObject(r.body()).getJsonObject("label_coverage") : null;
                        if (cov != null && cov.getLong("with_actual") == 2) {
                            break;
                        }
                        Thread.sleep(200);
                    }
                    assertThat(cov).as("label_coverage").isNotNull();
                    assertThat(cov.getLong("predictions")).isEqualTo(2);
                    assertThat(cov.getLong("with_actual")).isEqualTo(2);
                    assertThat(cov.getDouble("ratio")).isEqualTo(1.0);
                    assertThat(sample(f.metrics(), "vitals_label_coverage_ratio", "model", MODEL)).isEqualTo(1.0);
                }
                // the fleet's report has both pairs, whichever replica joined them
                JsonObject c = null;
                while (System.currentTimeMillis() < end) {
                    HttpResponse<String> r = a.get("/v1/quality?model=" + MODEL + "&window=1h&scope=fleet");
                    if (r.statusCode() == 200) {
                        c = new JsonObject(r.body()).getJsonObject("classification");
                        if (c != null && c.getLong("count", 0L) == 2) {
                            break;
                        }
                    }
                    Thread.sleep(100);
                }
                assertThat(c).isNotNull();
                assertThat(c.getLong("count")).isEqualTo(2);
                assertThat(c.getDouble("accuracy")).isEqualTo(0.5);
            }
        }
    }
}
