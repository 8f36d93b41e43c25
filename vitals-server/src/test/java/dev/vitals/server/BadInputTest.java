package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad input gets a clear 4xx JSON error, is counted per route, and changes no LLM metric. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
    private ServerFixture f;

    @BeforeAll
    void start() throws Exception {
        f = ServerFixture.start(cfg -> {
            cfg.server.maxBodyBytes = 4096;
            ServerFixture.sim(cfg).latencyMin = 0;
            ServerFixture.sim(cfg).latencyMax = 0.01;
        });
    }

    @AfterAll
    void stop() throws Exception {
        f.close();
    }

    static Stream<Arguments> badRequests() {
        String big = "{\"prompt\": \"" + "x".repeat(5000) + "\"}";
        return Stream.of(
                Arguments.of("POST", "/generate", "this is not json", 400, "invalid_json", "not valid JSON"),
                Arguments.of("POST", "/generate", "", 400, "empty_body", "empty"),
                Arguments.of("POST", "/generate", "[1,2]", 400, "invalid_body", "must be a JSON object, got an array"),
                Arguments.of("POST", "/generate", "\"text\"", 400, "invalid_body", "got a string"),
                Arguments.of("POST", "/generate", "{\"prompt\": 42}", 400, "invalid_prompt", "'prompt' must be a string, got a number"),
                Arguments.of("POST", "/generate", "{\"prompt\": [\"a\"]}", 400, "invalid_prompt", "got an array"),
                Arguments.of("POST", "/generate", "{\"prompt\": {\"a\":1}}", 400, "invalid_prompt", "got an object"),
                Arguments.of("POST", "/generate", "{\"prompt\": NaN}", 400, "invalid_json", "not valid JSON"),
                Arguments.of("POST", "/generate", big, 413, "body_too_large", "larger than the limit"),
                Arguments.of("GET", "/generate", null, 405, "method_not_allowed", "GET is not allowed on /generate"),
                Arguments.of("DELETE", "/metrics", null, 405, "method_not_allowed", "not allowed"),
                Arguments.of("GET", "/nope", null, 404, "not_found", "no route for GET /nope"),
                Arguments.of("POST", "/v1/chat/completions", "{\"messages\": []}", 400, "invalid_messages", "non-empty array"),
                Arguments.of("POST", "/v1/chat/completions", "{\"messages\": \"hi\"}", 400, "invalid_messages", "got a string"),
                Arguments.of("POST", "/v1/chat/completions", "{\"messages\": [1]}", 400, "invalid_messages", "'messages[0]' must be an object"),
                Arguments.of("POST", "/v1/chat/completions", "{\"messages\": [{\"content\":\"x\"}]}", 400, "invalid_messages", "'messages[0].role'"),
                Arguments.of("POST", "/v1/chat/completions", "{\"messages\": [{\"role\":\"user\",\"content\":5}]}", 400, "invalid_messages", "'messages[0].content'"),
                Arguments.of("POST", "/v1/chat/completions", "{\"model\": 3, \"messages\": [{\"role\":\"user\",\"content\":\"x\"}]}", 400, "invalid_model", "'model'"),
                Arguments.of("POST", "/v1/chat/completions", "{\"stream\": \"yes\", \"messages\": [{\"role\":\"user\",\"content\":\"x\"}]}", 400, "invalid_stream", "'stream' must be a boolean"),
                Arguments.of("POST", "/v1/chat/completions", "{\"stream_options\": 1, \"messages\": [{\"role\":\"user\",\"content\":\"x\"}]}", 400, "invalid_stream_options", "'stream_options'"),
                Arguments.of("POST", "/v1/chat/completions", "{\"model\": \"no-such-model\", \"messages\": [{\"role\":\"user\",\"content\":\"x\"}]}", 404, "model_not_found", "'no-such-model' is not served"),
                Arguments.of("POST", "/admin/prices/reload", "", 403, "admin_disabled", "VITALS_ADMIN_TOKEN"));
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @MethodSource("badRequests")
    void badInputGetsAJsonErrorAndChangesNoLlmMetric(String method, String path, String body, int status, String code,
                                                     String messagePart) throws Exception {
        PromText before = f.metrics();
        HttpResponse<String> r = f.send(method, path, body);
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        JsonObject b = new JsonObject(r.body());
        assertThat(b.getString("status")).isEqualTo("error");
        assertThat(b.getJsonObject("error").getString("code")).isEqualTo(code);
        assertThat(b.getString("message")).contains(messagePart).doesNotContain("Exception").doesNotContain("\tat ");
        PromText after = f.metrics();
        for (String s : after.samples.keySet()) {
            if (s.startsWith("llm_") || s.startsWith("gen_ai_")) {
                assertThat(after.get(s)).as(s).isEqualTo(before.get(s));
            }
        }
        String route = path.equals("/nope") ? "other" : path;
        String series = "vitals_http_requests_total{code=\"" + status + "\",method=\"" + method + "\",route=\"" + route + "\"}";
        assertThat(after.get(series)).as(series).isEqualTo(before.get(series) + 1);
    }

    @Test
    void theServerStillWorksAfterwards() throws Exception {
        assertThat(f.post("/generate", "{\"prompt\":\"hello\"}").statusCode()).isEqualTo(200);
    }
}
