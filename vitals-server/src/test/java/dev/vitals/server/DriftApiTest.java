package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drift through the server: gateway features, client features, frozen and uploaded references, exports, restart. */
class DriftApiTest {
    static final String ADMIN = "admin-token-0123456789abcdef";
    @TempDir
    Path dir;

    private ServerFixture start() throws Exception {
        return ServerFixture.start(cfg -> {
            cfg.store.path = dir.resolve("vitals.db").toString();
            ServerFixture.sim(cfg).latencyMin = 0;
            ServerFixture.sim(cfg).latencyMax = 0.002;
        }, Map.of("VITALS_ADMIN_TOKEN", ADMIN));
    }

    private static HttpResponse<String> admin(ServerFixture f, String path, String body) throws Exception {
        return f.http.send(HttpRequest.newBuilder(f.uri(path)).header("authorization", "Bearer " + ADMIN)
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void chat(ServerFixture f, String prompt) throws Exception {
        HttpResponse<String> r = f.post("/v1/chat/completions", new JsonObject().put("model", "mock-llm-v1")
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt))).encode());
        assertThat(r.statusCode()).isEqualTo(200);
    }

    private static JsonObject feature(JsonObject report, String name) {
        for (Object o : report.getJsonArray("features")) {
            JsonObject f = (JsonObject) o;
            if (f.getString("feature").equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no feature " + name + " in " + report.encode());
    }

    @Test
    void gatewayFeaturesDriftAgainstAFrozenReferenceThatSurvivesARestart() throws Exception {
        try (ServerFixture f = start()) {
            assertThat(admin(f, "/admin/drift/reference?model=mock-llm-v1", null).statusCode()).isEqualTo(404);
            for (int i = 0; i < 150; i++) {
                chat(f, "short question " + i);
            }
            HttpResponse<String> frozen = admin(f, "/admin/drift/reference?model=mock-llm-v1", null);
            assertThat(frozen.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(frozen.body()).getInteger("frozen_features")).isEqualTo(8);
            for (int i = 0; i < 600; i++) {
                chat(f, "ünïcödé ".repeat(40 + i % 20) + i);
            }
            f.server.drift().evaluate();
            JsonObject report = new JsonObject(f.get("/v1/drift?model=mock-llm-v1").body());
            JsonObject chars = feature(report, "prompt_chars");
            assertThat(chars.getBoolean("drifted")).isTrue();
            assertThat(chars.getLong("current_count")).isEqualTo(750);
            assertThat(feature(report, "non_ascii_share").getBoolean("drifted")).isTrue();
            assertThat(feature(report, "finish_reason").getString("type")).isEqualTo("categorical");
            assertThat(chars.getString("verdict")).isEqualTo("drift");
            // the dataset's verdict follows from its features': drift when at least half of those decided drifted
            long decided = 0;
            long drifted = 0;
            for (Object o : report.getJsonArray("features")) {
                JsonObject fe = (JsonObject) o;
                assertThat(fe.getString("verdict")).isIn("drift", "no_drift", "no_verdict", "uncertain");
                assertThat(fe.getBoolean("drifted")).isEqualTo("drift".equals(fe.getString("verdict")));
                decided += fe.getString("verdict").startsWith("no_v") || fe.getString("verdict").equals("uncertain") ? 0 : 1;
                drifted += fe.getBoolean("drifted") ? 1 : 0;
            }
            assertThat(decided).isEqualTo(8);
            assertThat(report.getDouble("drift_share")).isEqualTo((double) drifted / decided);
            assertThat(report.getString("verdict")).isEqualTo(2 * drifted >= decided ? "drift" : "no_drift");
            PromText m = f.metrics();
            assertThat(m.get("vitals_drift_detected{feature=\"prompt_chars\",model=\"mock-llm-v1\"}")).isEqualTo(1.0);
            assertThat(m.raw).contains("vitals_drift_score{feature=\"prompt_chars\",model=\"mock-llm-v1\",test=\"");
            assertThat(m.get("vitals_drift_samples{feature=\"prompt_chars\",model=\"mock-llm-v1\",window=\"reference\"}")).isEqualTo(150.0);
            // drift scores get baselines too (the server feeds them once a minute)
            f.server.baselines().judgeScores(f.server.drift().scores());
            var state = f.server.baselines().detector().state("mock-llm-v1", "drift:prompt_chars");
            assertThat(state).isNotNull();
            assertThat(state.samples()).isEqualTo(1); // learning: no verdict during the warm-up
            JsonObject history = new JsonObject(f.get("/v1/drift?range=1h&model=mock-llm-v1").body());
            assertThat(history.getJsonArray("timestamps")).hasSize(1);
            assertThat(history.getJsonObject("series").fieldNames()).anyMatch(k -> k.startsWith("prompt_chars"));
        }
        try (ServerFixture f = start()) {
            chat(f, "after the restart");
            f.server.drift().evaluate();
            JsonObject report = new JsonObject(f.get("/v1/drift?model=mock-llm-v1").body());
            assertThat(report.getJsonObject("references").getJsonObject("prompt_chars").getString("source")).isEqualTo("frozen");
            assertThat(feature(report, "prompt_chars").getLong("reference_count")).isEqualTo(150);
        }
    }

    @Test
    void clientFeaturesWithAnUploadedCsvReference() throws Exception {
        try (ServerFixture f = start()) {
            Random rnd = new Random(7);
            StringBuilder csv = new StringBuilder("age,country\n");
            for (int i = 0; i < 500; i++) {
                csv.append(30 + rnd.nextGaussian() * 5).append(',').append(i % 2 == 0 ? "FR" : "DE").append('\n');
            }
            HttpResponse<String> up = admin(f, "/admin/drift/reference?model=fraud-v3", csv.toString());
            assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
            JsonArray records = new JsonArray();
            for (int i = 0; i < 500; i++) {
                records.add(new JsonObject().put("age", 45 + rnd.nextGaussian() * 5).put("country", i % 2 == 0 ? "FR" : "DE"));
            }
            HttpResponse<String> ok = f.post("/v1/features", new JsonObject().put("model", "fraud-v3").put("records", records).encode());
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            f.server.drift().evaluate();
            JsonObject report = new JsonObject(f.get("/v1/drift?model=fraud-v3").body());
            assertThat(feature(report, "age").getBoolean("drifted")).isTrue();
            assertThat(feature(report, "country").getBoolean("drifted")).isFalse();
            assertThat(report.getDouble("drift_share")).isEqualTo(0.5);
        }
    }

    @Test
    void tinySamplesGetNoVerdictAndNoDetectedSeries() throws Exception {
        try (ServerFixture f = start()) {
            HttpResponse<String> up = admin(f, "/admin/drift/reference?model=tiny", "x\n1\n2\n");
            assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
            JsonArray records = new JsonArray();
            for (int i = 0; i < 5; i++) {
                records.add(new JsonObject().put("x", 10 + i));
            }
            assertThat(f.post("/v1/features", new JsonObject().put("model", "tiny").put("records", records).encode()).statusCode())
                    .isEqualTo(200);
            f.server.drift().evaluate();
            JsonObject report = new JsonObject(f.get("/v1/drift?model=tiny").body());
            JsonObject x = feature(report, "x");
            assertThat(x.getString("verdict")).isEqualTo("no_verdict");
            assertThat(x.getBoolean("drifted")).isFalse();
            assertThat(x.getString("reason")).contains("minimum of 30");
            assertThat(report.getString("verdict")).isEqualTo("no_verdict");
            assertThat(report.getLong("min_count")).isEqualTo(30);
            PromText m = f.metrics();
            assertThat(m.raw).doesNotContain("vitals_drift_detected{feature=\"x\",model=\"tiny\"}");
            assertThat(m.get("vitals_drift_samples{feature=\"x\",model=\"tiny\",window=\"reference\"}")).isEqualTo(2.0);
        }
    }

    @Test
    void badInputIsRejectedWholeAndClearly() throws Exception {
        try (ServerFixture f = start()) {
            f.post("/v1/features", "{\"model\":\"m\",\"records\":[{\"x\":1.5}]}");
            // one record with a text value for the numeric feature: nothing applied
            HttpResponse<String> mixed = f.post("/v1/features", "{\"model\":\"m\",\"records\":[{\"x\":2.0},{\"x\":\"two\"}]}");
            assertThat(mixed.statusCode()).isEqualTo(400);
            assertThat(mixed.body()).contains("records[1].x").contains("categorical").contains("numeric");
            assertThat(f.post("/v1/features", "{\"model\":\"m\",\"records\":[]}").statusCode()).isEqualTo(400);
            assertThat(f.post("/v1/features", "{\"model\":\"m\",\"records\":[{\"x\":[1]}]}").statusCode()).isEqualTo(400);
            assertThat(f.post("/v1/features", "{\"records\":[{\"x\":1}]}").statusCode()).isEqualTo(400);
            assertThat(f.post("/v1/features", "not json").statusCode()).isEqualTo(400);
            JsonArray many = new JsonArray();
            for (int i = 0; i < 10_001; i++) {
                many.add(new JsonObject().put("x", i));
            }
            assertThat(f.post("/v1/features", new JsonObject().put("model", "m").put("records", many).encode()).statusCode()).isEqualTo(413);
            assertThat(f.get("/v1/drift?model=nope").statusCode()).isEqualTo(404);
            assertThat(f.get("/v1/drift").statusCode()).isEqualTo(400);
            assertThat(f.get("/v1/drift?range=2d").statusCode()).isEqualTo(400);
            assertThat(admin(f, "/admin/drift/reference?model=m", "a,b\n1\n").statusCode()).isEqualTo(400);
            assertThat(admin(f, "/admin/drift/reference?model=m", "x\nhello\n").body()).contains("numeric");
            assertThat(admin(f, "/admin/drift/reference", null).statusCode()).isEqualTo(400);
            // no reference yet: the feature waits, with no made-up score
            f.server.drift().evaluate();
            JsonObject report = new JsonObject(f.get("/v1/drift?model=m").body());
            assertThat(report.getJsonArray("features")).isEmpty();
            assertThat(report.getJsonArray("features_without_reference").getList()).containsExactly("x");
            assertThat(report.getString("verdict")).isEqualTo("no_verdict");
        }
    }
}
