package dev.vitals.server;

import static dev.vitals.server.GatewayChatTest.MODEL;
import static dev.vitals.server.GatewayChatTest.PROMPT;
import static dev.vitals.server.GatewayChatTest.ceilQuarter;
import static dev.vitals.server.GatewayChatTest.gpt4oMiniCost;
import static dev.vitals.server.GatewayFixture.assertReconciled;
import static dev.vitals.server.GatewayFixture.chatBody;
import static dev.vitals.server.GatewayFixture.config;
import static dev.vitals.server.GatewayFixture.openAi;
import static dev.vitals.server.GatewayFixture.sseData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vitals.server.FakeOpenAiUpstream.Scenario;
import dev.vitals.server.config.VitalsConfig;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Failing calls through the real gateway: what the client receives (status, error body or in-band
 * error event) and the exact failure metrics (one failure, one normalized error type, tokens only for
 * what was produced).
 */
class GatewayFailureTest extends GatewayTestBase {
    void startGateway(VitalsConfig.Backend... backends) {
        gateway = GatewayFixture.start(gatewayVertx, config(backends));
    }

    static JsonObject body(boolean stream) {
        return chatBody(MODEL, PROMPT).put("stream", stream);
    }

    /** The gateway's own JSON error: OpenAI's error object plus status/message. */
    static void assertGatewayError(HttpResponse<String> r, int status, String type, String code) {
        assertThat(r.statusCode()).as("status; body %s", r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonObject o = new JsonObject(r.body());
        assertThat(o.getString("status")).isEqualTo("error");
        assertThat(o.getJsonObject("error").getString("type")).isEqualTo(type);
        assertThat(o.getJsonObject("error").getString("code")).isEqualTo(code);
        assertThat(o.getJsonObject("error").getString("message")).isNotBlank().doesNotContain(GatewayFixture.KEY);
        GatewayChatTest.assertOverheadHeader(r);
        assertThat(r.headers().firstValue("x-request-id")).hasValueSatisfying(v -> assertThat(v).matches("req_[0-9a-f]{32}"));
    }

    /** One failure of {@code errorType}, nothing else, no tokens, no fallback. */
    static void assertOneFailureWithoutTokens(PromMetrics m, String errorType) {
        assertThat(m.value("llm_requests_total", "model_name", MODEL, "status", "failure")).isEqualTo(1.0);
        assertThat(m.valueOr(0.0, "llm_requests_total", "model_name", MODEL, "status", "success")).isEqualTo(0.0);
        assertThat(m.value("llm_errors_total", "model_name", MODEL, "error_type", errorType)).isEqualTo(1.0);
        assertThat(m.valueOr(0.0, "llm_input_tokens_total", "model_name", MODEL)).isEqualTo(0.0);
        assertThat(m.valueOr(0.0, "llm_output_tokens_total", "model_name", MODEL)).isEqualTo(0.0);
        assertThat(m.valueOr(0.0, "llm_estimated_token_requests_total", "model_name", MODEL)).isEqualTo(0.0);
        assertThat(m.valueOr(0.0, "llm_cost_usd_total", "model_name", MODEL)).isEqualTo(0.0);
        assertThat(m.valueOr(0.0, "llm_fallbacks_total", "model_name", MODEL)).isEqualTo(0.0);
        assertThat(m.valueOr(0.0, "llm_time_to_first_token_seconds_count", "model_name", MODEL)).isEqualTo(0.0);
        assertThat(m.value("gen_ai_client_operation_duration_seconds_count", "gen_ai_operation_name", "chat",
                "gen_ai_provider_name", "openai", "gen_ai_request_model", MODEL, "error_type", errorType)).isEqualTo(1.0);
        assertReconciled(m, MODEL, 1);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void rateLimitedUpstreamGives429WithTheUpstreamExplanation(boolean stream) {
        startGateway(openAi("fake", upstream.baseUrl(Scenario.RATE_LIMITED), MODEL));

        HttpResponse<String> r = gateway.chat(body(stream), "x-request-id", "rl-1");

        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(new JsonObject(r.body())).isEqualTo(new JsonObject(FakeOpenAiUpstream.RATE_LIMIT_BODY));
        assertThat(r.headers().firstValue("x-request-id")).hasValue("rl-1");
        GatewayChatTest.assertOverheadHeader(r);
        assertThat(upstream.requests()).hasSize(1);
        assertOneFailureWithoutTokens(gateway.metrics(), "rate_limited");
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void upstream500Gives502(boolean stream) {
        startGateway(openAi("fake", upstream.baseUrl(Scenario.SERVER_ERROR), MODEL));

        HttpResponse<String> r = gateway.chat(body(stream));

        assertGatewayError(r, 502, "server_error", "upstream_5xx");
        assertOneFailureWithoutTokens(gateway.metrics(), "upstream_5xx");
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void connectionRefusedGives502(boolean stream) {
        startGateway(openAi("closed", GatewayFixture.refusedBaseUrl(), MODEL));

        HttpResponse<String> r = gateway.chat(body(stream));

        assertGatewayError(r, 502, "server_error", "connection");
        assertOneFailureWithoutTokens(gateway.metrics(), "connection");
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void upstreamThatNeverAnswersTimesOutWith504(boolean stream) {
        VitalsConfig.Backend b = openAi("hang", upstream.baseUrl(Scenario.HANG), MODEL);
        b.readTimeoutMs = 300;
        startGateway(b);

        HttpResponse<String> r = gateway.chat(body(stream));

        assertGatewayError(r, 504, "server_error", "timeout");
        assertOneFailureWithoutTokens(gateway.metrics(), "timeout");
        PromMetrics m = gateway.metrics();
        assertThat(m.value("llm_request_latency_seconds_sum", "model_name", MODEL)).isGreaterThanOrEqualTo(0.3);
        // the gateway gave up on the upstream: its connection is closed
        GatewayFixture.await("the upstream connection closed by the gateway", () -> upstream.abortedByPeer() == 1);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void nonRetryable400IsPassedToTheClientUnchangedAndNotRetried(boolean stream) {
        startGateway(openAi("first", upstream.baseUrl(Scenario.BAD_REQUEST), MODEL),
                openAi("second", upstream.baseUrl(Scenario.NORMAL), MODEL));

        HttpResponse<String> r = gateway.chat(body(stream).put("temperature", 7));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).isEqualTo(FakeOpenAiUpstream.BAD_REQUEST_BODY);
        assertThat(upstream.requests(Scenario.BAD_REQUEST)).hasSize(1);
        assertThat(upstream.requests(Scenario.NORMAL)).as("no fallback after a 400").isEmpty();
        PromMetrics m = gateway.metrics();
        assertOneFailureWithoutTokens(m, "invalid_request");
    }

    @Test
    void streamCutMidwayEndsWithAnInBandErrorAndCountsWhatWasStreamed() {
        upstream.scenario = Scenario.CUT_MID_STREAM;
        upstream.cutAfterChunks = 2;
        startGateway(openAi("fake", upstream.baseUrl(), MODEL));

        HttpResponse<String> r = gateway.chat(body(true), "x-request-id", "cut-1");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-request-id")).hasValue("cut-1");
        GatewayChatTest.assertOverheadHeader(r);
        List<String> data = sseData(r.body());
        // role chunk, two content chunks, the error event, then [DONE] as every stream ends
        assertThat(data).hasSize(5);
        assertThat(data.get(4)).isEqualTo("[DONE]");
        List<String> pieces = FakeOpenAiUpstream.replyPieces(PROMPT);
        assertThat(new JsonObject(data.get(1)).getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("content"))
                .isEqualTo(pieces.get(0));
        assertThat(new JsonObject(data.get(2)).getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("content"))
                .isEqualTo(pieces.get(1));
        JsonObject error = new JsonObject(data.get(3)).getJsonObject("error");
        assertThat(error).as("in-band error event: %s", data.get(3)).isNotNull();
        assertThat(error.getString("code")).isEqualTo("connection");
        assertThat(error.getString("type")).isEqualTo("server_error");

        long in = ceilQuarter(PROMPT.length());
        PromMetrics m = gateway.metrics();
        assertThat(m.value("llm_requests_total", "model_name", MODEL, "status", "failure")).isEqualTo(1.0);
        assertThat(m.valueOr(0.0, "llm_requests_total", "model_name", MODEL, "status", "success")).isEqualTo(0.0);
        assertThat(m.value("llm_errors_total", "model_name", MODEL, "error_type", "connection")).isEqualTo(1.0);
        assertThat(m.value("llm_input_tokens_total", "model_name", MODEL)).isEqualTo(in);
        long out = Math.max(2, ceilQuarter((pieces.get(0) + pieces.get(1)).length()));
        assertThat(m.value("llm_output_tokens_total", "model_name", MODEL)).isEqualTo(out);
        assertThat(m.value("llm_estimated_token_requests_total", "model_name", MODEL)).isEqualTo(1.0);
        assertThat(m.value("llm_cost_usd_total", "model_name", MODEL)).isCloseTo(gpt4oMiniCost(in, 0, out), within(1e-15));
        assertThat(m.value("llm_time_to_first_token_seconds_count", "model_name", MODEL)).isEqualTo(1.0);
        assertReconciled(m, MODEL, 1);
    }

    @Test
    void streamThatStallsPastTheReadTimeoutEndsWithAnInBandTimeoutError() {
        upstream.scenario = Scenario.STALL_MID_STREAM;
        upstream.cutAfterChunks = 3;
        VitalsConfig.Backend b = openAi("fake", upstream.baseUrl(), MODEL);
        b.readTimeoutMs = 500;
        startGateway(b);

        HttpResponse<String> r = gateway.chat(body(true));

        assertThat(r.statusCode()).isEqualTo(200);
        List<String> data = sseData(r.body());
        assertThat(data).hasSize(6).last().isEqualTo("[DONE]");
        assertThat(new JsonObject(data.get(4)).getJsonObject("error").getString("code")).isEqualTo("timeout");
        PromMetrics m = gateway.metrics();
        assertThat(m.value("llm_errors_total", "model_name", MODEL, "error_type", "timeout")).isEqualTo(1.0);
        List<String> pieces = FakeOpenAiUpstream.replyPieces(PROMPT);
        assertThat(m.value("llm_output_tokens_total", "model_name", MODEL))
                .isEqualTo(Math.max(3, ceilQuarter(String.join("", pieces.subList(0, 3)).length())));
        assertThat(m.value("llm_estimated_token_requests_total", "model_name", MODEL)).isEqualTo(1.0);
        assertReconciled(m, MODEL, 1);
        GatewayFixture.await("the upstream connection closed by the gateway", () -> upstream.abortedByPeer() == 1);
    }

    @Test
    void nonStreamingAnswerThatStallsAfterTheHeadTimesOutWith504() {
        upstream.scenario = Scenario.STALL_MID_STREAM;
        VitalsConfig.Backend b = openAi("fake", upstream.baseUrl(), MODEL);
        b.readTimeoutMs = 300;
        startGateway(b);

        HttpResponse<String> r = gateway.chat(body(false));

        assertGatewayError(r, 504, "server_error", "timeout");
        assertOneFailureWithoutTokens(gateway.metrics(), "timeout");
        GatewayFixture.await("the upstream connection closed by the gateway", () -> upstream.abortedByPeer() == 1);
    }

    @Test
    void nonStreamingAnswerCutAfterTheHeadGives502() {
        upstream.scenario = Scenario.CUT_MID_STREAM;
        startGateway(openAi("fake", upstream.baseUrl(), MODEL));

        HttpResponse<String> r = gateway.chat(body(false));

        assertGatewayError(r, 502, "server_error", "connection");
        assertOneFailureWithoutTokens(gateway.metrics(), "connection");
    }

    @Test
    void aModelNoBackendServesIs404AndNoCall() {
        startGateway(openAi("fake", upstream.baseUrl(), MODEL));

        HttpResponse<String> r = gateway.chat(chatBody("gpt-unknown", PROMPT));

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("model_not_found");
        assertThat(upstream.requests()).isEmpty();
        assertThat(gateway.metrics().sum("llm_requests_total")).isEqualTo(0.0);
    }

    @Test
    void mixedOutcomesReconcile() {
        upstream.scenarioForModel("m-ok", Scenario.NORMAL)
                .scenarioForModel("m-429", Scenario.RATE_LIMITED)
                .scenarioForModel("m-500", Scenario.SERVER_ERROR)
                .scenarioForModel("m-cut", Scenario.CUT_MID_STREAM);
        startGateway(openAi("fake", upstream.baseUrl(), "*"));
        String model = "m-ok";
        int sent = 0;
        int[] expected = new int[4]; // ok, 429, 500, cut
        String[] models = {"m-ok", "m-429", "m-500", "m-cut"};
        for (int i = 0; i < 12; i++) {
            int k = i % 4;
            HttpResponse<String> r = gateway.chat(chatBody(models[k], PROMPT + " " + i).put("stream", i % 3 == 0 || k == 3));
            assertThat(r.statusCode()).isIn(200, 429, 502);
            expected[k]++;
            sent++;
        }
        PromMetrics m = gateway.metrics();
        assertThat(m.sum("llm_requests_total")).isEqualTo(sent);
        assertThat(m.sum("llm_requests_total", "status", "failure")).isEqualTo(m.sum("llm_errors_total"));
        assertThat(m.value("llm_requests_total", "model_name", model, "status", "success")).isEqualTo(expected[0]);
        assertThat(m.value("llm_errors_total", "model_name", "m-429", "error_type", "rate_limited")).isEqualTo(expected[1]);
        assertThat(m.value("llm_errors_total", "model_name", "m-500", "error_type", "upstream_5xx")).isEqualTo(expected[2]);
        assertThat(m.value("llm_errors_total", "model_name", "m-cut", "error_type", "connection")).isEqualTo(expected[3]);
        for (int k = 0; k < 4; k++) {
            assertReconciled(m, models[k], expected[k]);
        }
    }
}
