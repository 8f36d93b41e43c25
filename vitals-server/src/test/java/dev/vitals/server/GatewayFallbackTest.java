package dev.vitals.server;

import static dev.vitals.server.GatewayChatTest.MODEL;
import static dev.vitals.server.GatewayChatTest.PROMPT;
import static dev.vitals.server.GatewayFixture.assertReconciled;
import static dev.vitals.server.GatewayFixture.chatBody;
import static dev.vitals.server.GatewayFixture.config;
import static dev.vitals.server.GatewayFixture.openAi;
import static dev.vitals.server.GatewayFixture.sseData;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.server.FakeOpenAiUpstream.Scenario;
import dev.vitals.server.config.VitalsConfig;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Fallbacks: a retryable failure of the first backend moves the call to the next one, counted once. */
class GatewayFallbackTest extends GatewayTestBase {
    VitalsConfig.Backend first(String kind) {
        VitalsConfig.Backend b = switch (kind) {
            case "refused" -> openAi("first", GatewayFixture.refusedBaseUrl(), MODEL);
            case "timeout" -> openAi("first", upstream.baseUrl(Scenario.HANG), MODEL);
            default -> openAi("first", upstream.baseUrl(Scenario.valueOf(kind)), MODEL);
        };
        b.readTimeoutMs = 300;
        return b;
    }

    @ParameterizedTest(name = "first backend {0}, stream={1}")
    @CsvSource({
        "SERVER_ERROR, false", "SERVER_ERROR, true",
        "RATE_LIMITED, false", "RATE_LIMITED, true",
        "refused, false", "refused, true",
        "timeout, false", "timeout, true"})
    void retryableFailureFallsBackToTheSecondBackend(String kind, boolean stream) {
        gateway = GatewayFixture.start(gatewayVertx, config(first(kind), openAi("second", upstream.baseUrl(Scenario.NORMAL), MODEL)));

        HttpResponse<String> r = gateway.chat(chatBody(MODEL, PROMPT).put("stream", stream), "x-request-id", "fb-1");

        assertThat(r.statusCode()).as("body %s", r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-request-id")).hasValue("fb-1");
        GatewayChatTest.assertOverheadHeader(r);
        String text = stream ? GatewayChatTest.content(GatewayChatTest.chunks(sseData(r.body())))
                : new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content");
        assertThat(text).isEqualTo(FakeOpenAiUpstream.replyText(PROMPT));
        assertThat(upstream.requests(Scenario.NORMAL)).as("the second backend answered").hasSize(1);
        if (!kind.equals("refused")) {
            Scenario firstScenario = kind.equals("timeout") ? Scenario.HANG : Scenario.valueOf(kind);
            assertThat(upstream.requests(firstScenario)).as("the first backend was tried once").hasSize(1);
        }

        PromMetrics m = gateway.metrics();
        assertThat(m.value("llm_requests_total", "model_name", MODEL, "status", "success")).isEqualTo(1.0);
        assertThat(m.valueOr(0.0, "llm_requests_total", "model_name", MODEL, "status", "failure")).isEqualTo(0.0);
        assertThat(m.sum("llm_errors_total", "model_name", MODEL)).as("a fallback is not an error").isEqualTo(0.0);
        assertThat(m.value("llm_fallbacks_total", "model_name", MODEL)).isEqualTo(1.0);
        assertThat(m.value("llm_input_tokens_total", "model_name", MODEL)).isEqualTo(GatewayChatTest.promptTokens());
        assertThat(m.value("llm_output_tokens_total", "model_name", MODEL)).isEqualTo(GatewayChatTest.replyPieces());
        assertReconciled(m, MODEL, 1);
    }

    @Test
    void whenEveryBackendFailsTheLastFailureIsReportedOnceWithItsFallbacks() {
        gateway = GatewayFixture.start(gatewayVertx, config(
                openAi("first", upstream.baseUrl(Scenario.SERVER_ERROR), MODEL),
                openAi("second", GatewayFixture.refusedBaseUrl(), MODEL),
                openAi("third", upstream.baseUrl(Scenario.RATE_LIMITED), MODEL)));

        HttpResponse<String> r = gateway.chat(chatBody(MODEL, PROMPT));

        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(upstream.requests()).hasSize(2);
        PromMetrics m = gateway.metrics();
        assertThat(m.value("llm_requests_total", "model_name", MODEL, "status", "failure")).isEqualTo(1.0);
        assertThat(m.value("llm_errors_total", "model_name", MODEL, "error_type", "rate_limited")).isEqualTo(1.0);
        assertThat(m.value("llm_fallbacks_total", "model_name", MODEL)).isEqualTo(2.0);
        assertReconciled(m, MODEL, 1);
    }

    @Test
    void fallbacksAreCountedPerCallAndOnlyWhenTheyHappen() {
        upstream.scenarioForModel("flaky", Scenario.SERVER_ERROR);
        // the first backend fails for "flaky" only; the second serves everything
        gateway = GatewayFixture.start(gatewayVertx, config(
                openAi("first", upstream.baseUrl(), MODEL, "flaky"),
                openAi("second", upstream.baseUrl(Scenario.NORMAL), MODEL, "flaky")));

        for (int i = 0; i < 3; i++) {
            assertThat(gateway.chat(chatBody(MODEL, PROMPT)).statusCode()).isEqualTo(200);
            assertThat(gateway.chat(chatBody("flaky", PROMPT).put("stream", i % 2 == 0)).statusCode()).isEqualTo(200);
        }

        PromMetrics m = gateway.metrics();
        assertThat(m.valueOr(0.0, "llm_fallbacks_total", "model_name", MODEL)).isEqualTo(0.0);
        assertThat(m.value("llm_fallbacks_total", "model_name", "flaky")).isEqualTo(3.0);
        assertThat(m.value("llm_requests_total", "model_name", "flaky", "status", "success")).isEqualTo(3.0);
        assertReconciled(m, MODEL, 3);
        assertReconciled(m, "flaky", 3);
        List<FakeOpenAiUpstream.Received> failed = upstream.requests(Scenario.SERVER_ERROR);
        assertThat(failed).hasSize(3).allSatisfy(x -> assertThat(x.json().getString("model")).isEqualTo("flaky"));
    }
}
