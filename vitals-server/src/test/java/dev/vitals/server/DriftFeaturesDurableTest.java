package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploaded features are stored before their 2xx (issue #16): the running window a restart starts from
 * holds every accepted batch, and a refused batch holds nothing. {@code CrashTest} does the same with SIGKILL.
 */
@Timeout(120)
class DriftFeaturesDurableTest {
    static final String ADMIN = "admin-token-0123456789abcdef";
    @TempDir
    Path dir;

    private ServerFixture start() throws Exception {
        return ServerFixture.start(cfg -> cfg.store.path = dir.resolve("vitals.db").toString(), Map.of("VITALS_ADMIN_TOKEN", ADMIN));
    }

    private static long currentCount(ServerFixture f, String model, String feature) throws Exception {
        f.server.drift().evaluate();
        HttpResponse<String> r = f.get("/v1/drift?model=" + model);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        for (Object o : new JsonObject(r.body()).getJsonArray("features")) {
            if (((JsonObject) o).getString("feature").equals(feature)) {
                return ((JsonObject) o).getLong("current_count");
            }
        }
        throw new AssertionError("no feature " + feature + " in " + r.body());
    }

    @Test
    void acceptedBatchesAreInTheWindowAfterARestart() throws Exception {
        try (ServerFixture f = start()) {
            HttpResponse<String> up = f.http.send(HttpRequest.newBuilder(f.uri("/admin/drift/reference?model=scorer"))
                    .header("authorization", "Bearer " + ADMIN).header("content-type", "text/csv")
                    .POST(HttpRequest.BodyPublishers.ofString("x,tier\n1,a\n2,b\n3,a\n4,b\n5,a\n"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
            for (int b = 0; b < 3; b++) {
                JsonArray records = new JsonArray();
                for (int i = 0; i < 40; i++) {
                    records.add(new JsonObject().put("x", i * 0.25).put("tier", i % 2 == 0 ? "a" : "b"));
                }
                HttpResponse<String> ok = f.post("/v1/features", new JsonObject().put("model", "scorer").put("records", records).encode());
                assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
                assertThat(new JsonObject(ok.body()).getInteger("accepted")).isEqualTo(40);
            }
            // refused whole: nothing of it is stored or applied
            HttpResponse<String> bad = f.post("/v1/features", "{\"model\":\"scorer\",\"records\":[{\"x\":2.0},{\"x\":\"two\"}]}");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(currentCount(f, "scorer", "x")).isEqualTo(120);
        }
        try (ServerFixture f = start()) {
            assertThat(currentCount(f, "scorer", "x")).as("the window continues after a restart").isEqualTo(120);
            assertThat(currentCount(f, "scorer", "tier")).isEqualTo(120);
            HttpResponse<String> more = f.post("/v1/features", "{\"model\":\"scorer\",\"records\":[{\"x\":1.0,\"tier\":\"a\"}]}");
            assertThat(more.statusCode()).as(more.body()).isEqualTo(200);
            assertThat(currentCount(f, "scorer", "x")).isEqualTo(121);
        }
    }
}
