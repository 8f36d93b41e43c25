package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The source document's service: /generate, /, /health and /metrics on a real server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GenerateApiTest {
    private ServerFixture f;

    @BeforeAll
    void start() throws Exception {
        f = ServerFixture.start(cfg -> {
            ServerFixture.sim(cfg).latencyMin = 0.01;
            ServerFixture.sim(cfg).latencyMax = 0.05;
            ServerFixture.sim(cfg).seed = 7L;
        });
    }

    @AfterAll
    void stop() throws Exception {
        f.close();
    }

    @Test
    void successAnswersAsTheSourceDocumentDoes() throws Exception {
        HttpResponse<String> r = f.post("/generate", "{\"prompt\": \"What is the capital of France?\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject b = new JsonObject(r.body());
        assertThat(b.getString("status")).isEqualTo("success");
        assertThat(b.getString("response")).startsWith("This is a simulated response to your prompt: 'What is the capital of France?...'");
        assertThat(b.getJsonObject("tokens").getInteger("input")).isEqualTo(6);
        assertThat(b.getJsonObject("tokens").getInteger("output")).isBetween(20, 150);
        assertThat(b.getDouble("latency_seconds")).isBetween(0.01, 5.0);
        assertThat(r.headers().firstValue("x-request-id")).hasValueSatisfying(id -> assertThat(id).startsWith("req_"));
    }

    @Test
    void missingPromptMeansTellMeAStory() throws Exception {
        HttpResponse<String> r = f.post("/generate", "{}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject b = new JsonObject(r.body());
        assertThat(b.getString("response")).contains("Tell me a story.");
        assertThat(b.getJsonObject("tokens").getInteger("input")).isEqualTo(4);
    }

    @Test
    void promptWithErrorFailsWith500() throws Exception {
        HttpResponse<String> r = f.post("/generate", "{\"prompt\": \"Simulate an ERROR now.\"}");
        assertThat(r.statusCode()).isEqualTo(500);
        JsonObject b = new JsonObject(r.body());
        assertThat(b.getString("status")).isEqualTo("error");
        assertThat(b.getString("message")).isEqualTo("Simulated LLM error processing prompt.");
    }

    @Test
    void rootAndHealth() throws Exception {
        HttpResponse<String> root = f.get("/");
        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.body()).contains("running");
        HttpResponse<String> h = f.get("/health");
        assertThat(h.statusCode()).isEqualTo(200);
        JsonObject b = new JsonObject(h.body());
        assertThat(b.getString("status")).isEqualTo("ok");
        assertThat(b.getJsonArray("models").getList()).containsExactly("mock-llm-v1");
    }

    @Test
    void clientRequestIdIsEchoedAndHostileOnesReplaced() throws Exception {
        HttpResponse<String> r = f.http.send(HttpRequest.newBuilder(f.uri("/generate")).header("x-request-id", "abc-123.X")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("x-request-id")).hasValue("abc-123.X");
        HttpResponse<String> bad = f.http.send(HttpRequest.newBuilder(f.uri("/generate")).header("x-request-id", "a b<script>")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.headers().firstValue("x-request-id").orElseThrow()).startsWith("req_");
    }

    @Test
    void concurrentRequestsAreCountedExactly() throws Exception {
        // a dedicated server, so the counts are this test's alone
        try (ServerFixture g = ServerFixture.start(cfg -> {
            cfg.defaultModel = "conc-model";
            ServerFixture.sim(cfg).models = List.of("conc-model");
            ServerFixture.sim(cfg).latencyMin = 0.05;
            ServerFixture.sim(cfg).latencyMax = 0.2;
        })) {
            List<CompletableFuture<HttpResponse<String>>> fs = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String prompt = i % 4 == 0 ? "please error out" : "word ".repeat(1 + i % 7).trim();
                fs.add(g.http.sendAsync(HttpRequest.newBuilder(g.uri("/generate"))
                        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("prompt", prompt).encode())).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            long ok = 0;
            long failed = 0;
            long in = 0;
            long out = 0;
            long chars = 0;
            for (CompletableFuture<HttpResponse<String>> cf : fs) {
                HttpResponse<String> r = cf.get();
                JsonObject b = new JsonObject(r.body());
                if (r.statusCode() == 200) {
                    ok++;
                    in += b.getJsonObject("tokens").getLong("input");
                    out += b.getJsonObject("tokens").getLong("output");
                    chars += b.getString("response").length();
                } else {
                    assertThat(r.statusCode()).isEqualTo(500);
                    failed++;
                }
            }
            assertThat(ok).isEqualTo(150);
            assertThat(failed).isEqualTo(50);
            PromText m = g.metrics();
            assertThat(m.get("llm_requests_total{model_name=\"conc-model\",status=\"success\"}")).isEqualTo(150.0);
            assertThat(m.get("llm_requests_total{model_name=\"conc-model\",status=\"failure\"}")).isEqualTo(50.0);
            assertThat(m.get("llm_errors_total{error_type=\"model_error\",model_name=\"conc-model\"}")).isEqualTo(50.0);
            assertThat(m.get("llm_input_tokens_total{model_name=\"conc-model\"}")).isEqualTo((double) in);
            assertThat(m.get("llm_output_tokens_total{model_name=\"conc-model\"}")).isEqualTo((double) out);
            assertThat(m.get("llm_request_latency_seconds_count{model_name=\"conc-model\"}")).isEqualTo(200.0);
            assertThat(m.get("llm_response_length_characters_count{model_name=\"conc-model\"}")).isEqualTo(150.0);
            assertThat(m.get("llm_response_length_characters_sum{model_name=\"conc-model\"}")).isEqualTo((double) chars);
            assertThat(m.get("vitals_http_requests_total{code=\"200\",method=\"POST\",route=\"/generate\"}")).isEqualTo(150.0);
            assertThat(m.get("vitals_http_requests_total{code=\"500\",method=\"POST\",route=\"/generate\"}")).isEqualTo(50.0);
        }
    }
}
