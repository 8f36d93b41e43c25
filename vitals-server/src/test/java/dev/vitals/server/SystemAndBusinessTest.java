package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host, JVM and GPU metrics on /metrics, and business events through POST /v1/events. */
class SystemAndBusinessTest {
    @TempDir
    Path dir;

    private static final String CHAT = "{\"model\":\"mock-llm-v1\",\"user\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void systemJvmAndFakeGpuMetricsAreExported() throws Exception {
        Path smi = dir.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\necho '0, NVIDIA H200, GPU-1111, 87, 40960, 143771, 61, 412.5, 700.0, 3, 0'\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (ServerFixture f = ServerFixture.start(cfg -> {
            cfg.gpu.executable = smi.toString();
            cfg.system.intervalSeconds = 1;
            cfg.gpu.intervalSeconds = 1;
        })) {
            // each gauge reads the last poll when scraped: wait for a scrape that has both (seen once under CI load: the
            // first scrape had the utilization but not yet the memory series)
            PromText m = awaitMetric(f, "vitals_gpu_utilization_ratio{index=\"0\",name=\"NVIDIA H200\",uuid=\"GPU-1111\"}",
                    "vitals_gpu_memory_used_bytes{index=\"0\",name=\"NVIDIA H200\",uuid=\"GPU-1111\"}");
            assertThat(m.get("vitals_gpu_utilization_ratio{index=\"0\",name=\"NVIDIA H200\",uuid=\"GPU-1111\"}")).isEqualTo(0.87);
            assertThat(m.get("vitals_gpu_memory_used_bytes{index=\"0\",name=\"NVIDIA H200\",uuid=\"GPU-1111\"}"))
                    .isEqualTo(40960.0 * 1024 * 1024);
            m = awaitMetric(f, "vitals_system_memory_total_bytes");
            assertThat(m.get("vitals_system_memory_total_bytes")).isPositive();
            assertThat(m.get("vitals_system_cpu_utilization_ratio")).isBetween(0.0, 1.0);
            assertThat(m.raw).contains("jvm_memory_used_bytes");
        }
    }

    @Test
    void noGpuMeansNoGpuSeries() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> cfg.gpu.executable = dir.resolve("absent-nvidia-smi").toString())) {
            Thread.sleep(300);
            assertThat(f.get("/metrics").body()).doesNotContain("vitals_gpu_utilization_ratio{");
        }
    }

    /** The first scrape that has every one of {@code series}, within 20 s. */
    private static PromText awaitMetric(ServerFixture f, String... series) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        PromText m = f.metrics();
        while (!java.util.Arrays.stream(series).allMatch(m::has) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            m = f.metrics();
        }
        for (String one : series) {
            assertThat(m.has(one)).as(one).isTrue();
        }
        return m;
    }

    @Test
    void eventsConvertAndBadBatchesApplyNothing() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> {
            ServerFixture.sim(cfg).latencyMin = 0;
            ServerFixture.sim(cfg).latencyMax = 0.005;
        })) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> r = f.http.send(HttpRequest.newBuilder(f.uri("/v1/chat/completions"))
                        .header("x-vitals-variant", "b")
                        .POST(HttpRequest.BodyPublishers.ofString(String.format(CHAT, "user-" + (i % 2)))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                ids.add(r.headers().firstValue("x-request-id").orElseThrow());
            }
            String series = "vitals_conversions_total{kind=\"purchased\",model=\"mock-llm-v1\",variant=\"b\"}";
            // one bad event rejects the whole batch
            HttpResponse<String> bad = f.post("/v1/events", new JsonObject().put("events", new JsonArray()
                    .add(new JsonObject().put("request_id", ids.get(0)).put("kind", "purchased"))
                    .add(new JsonObject().put("request_id", ids.get(1)).put("kind", "liked"))).encode());
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("events[1]").contains("liked");
            // a request id no replica has written yet: stored, waiting for its call (202), counted only when it joins
            HttpResponse<String> unknown = f.post("/v1/events", "{\"request_id\":\"req_nope\",\"kind\":\"purchased\"}");
            assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(202);
            assertThat(new JsonObject(unknown.body()).getString("status")).isEqualTo("pending");
            assertThat(f.post("/v1/events", "{\"events\":[]}").statusCode()).isEqualTo(400);
            assertThat(f.post("/v1/events", "{\"request_id\":5,\"kind\":\"purchased\"}").statusCode()).isEqualTo(400);
            assertThat(f.post("/v1/events", "{\"request_id\":\"x\",\"kind\":\"purchased\",\"ts\":1}").statusCode()).isEqualTo(400);
            assertThat(f.post("/v1/events", "nope").statusCode()).isEqualTo(400);
            JsonArray many = new JsonArray();
            for (int i = 0; i < 1001; i++) {
                many.add(new JsonObject().put("request_id", ids.get(0)).put("kind", "clicked"));
            }
            assertThat(f.post("/v1/events", new JsonObject().put("events", many).encode()).statusCode()).isEqualTo(413);
            assertThat(f.metrics().get(series)).isZero();
            HttpResponse<String> ok = f.post("/v1/events", "{\"request_id\":\"" + ids.get(0) + "\",\"kind\":\"purchased\"}");
            assertThat(ok.statusCode()).isEqualTo(200);
            PromText m = f.metrics();
            assertThat(m.get(series)).isEqualTo(1.0);
            assertThat(m.get("vitals_conversion_ratio{kind=\"purchased\",model=\"mock-llm-v1\",variant=\"b\"}")).isEqualTo(0.25);
            assertThat(m.get("vitals_unique_users{model=\"mock-llm-v1\",window=\"1h\"}")).isEqualTo(2.0);
            assertThat(m.raw).doesNotContain("user-0").doesNotContain("user-1");
        }
    }
}
