package dev.vitals.server;

import static dev.vitals.server.GatewayChatTest.PROMPT;
import static dev.vitals.server.GatewayChatTest.ceilQuarter;
import static dev.vitals.server.GatewayFixture.assertReconciled;
import static dev.vitals.server.GatewayFixture.chatBody;
import static dev.vitals.server.GatewayFixture.config;
import static dev.vitals.server.GatewayFixture.openAi;
import static dev.vitals.server.GatewayFixture.sseData;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.server.ScriptedUpstream.Ending;
import dev.vitals.server.ScriptedUpstream.Script;
import dev.vitals.server.config.VitalsConfig;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fault-injection corpus: upstream answers that are malformed, carry error events, end without
 * {@code [DONE]}, or stream tool calls and reasoning without usage, through the real gateway against a
 * real scripted upstream. Every request is counted exactly once with the right status and error type,
 * and no malformed body reaches a client as 200.
 */
class GatewayFaultCorpusTest extends ScriptedGatewayTestBase {
    static final String ROLE = chunk("{\"role\":\"assistant\",\"content\":\"\"}", null);
    static final String USAGE = "{\"prompt_tokens\":11,\"completion_tokens\":5,\"total_tokens\":16}";

    static String chunk(String delta, String finish) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"finish_reason\":" + (finish == null ? "null" : "\"" + finish + "\"") + "}]}";
    }

    static String content(String text) {
        return chunk(new JsonObject().put("content", text).encode(), null);
    }

    static JsonObject body(String model, boolean stream) {
        return chatBody(model, PROMPT).put("stream", stream);
    }

    void startGateway(VitalsConfig.Backend... backends) {
        gateway = GatewayFixture.start(gatewayVertx, config(backends));
    }

    /** The gateway's JSON error with this status and code. */
    static void assertJsonError(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as("status; body %s", r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo(code);
    }

    /** A 200 stream that ends with an in-band error event of {@code code} and then [DONE]. */
    static List<String> assertInBandError(HttpResponse<String> r, String code) {
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> data = sseData(r.body());
        assertThat(data).as("body %s", r.body()).last().isEqualTo("[DONE]");
        JsonObject error = new JsonObject(data.get(data.size() - 2)).getJsonObject("error");
        assertThat(error).as("error event in %s", data).isNotNull();
        assertThat(error.getString("code")).isEqualTo(code);
        return data;
    }

    static void assertOne(PromMetrics m, String model, String status, String errorType) {
        assertThat(m.valueOr(0, "llm_requests_total", "model_name", model, "status", status)).as("%s %s", model, status).isEqualTo(1.0);
        if (errorType != null) {
            assertThat(m.valueOr(0, "llm_errors_total", "model_name", model, "error_type", errorType)).as("%s %s", model, errorType)
                    .isEqualTo(1.0);
        }
        assertReconciled(m, model, 1);
    }

    @Test
    void nonStreamingBodiesThatAreNotChatCompletionsAre502BadResponse() {
        scripted.on("wrongtype", Script.json(200, "{\"choices\":\"wrongtype\",\"usage\":\"x\"}"))
                .on("notjson", Script.json(200, "{not json"))
                .on("nochoices", Script.json(200, "{\"id\":\"x\",\"object\":\"chat.completion\"}"))
                .on("badmessage", Script.json(200, "{\"choices\":[{\"index\":0,\"message\":\"hi\",\"finish_reason\":\"stop\"}]}"))
                .on("error200", Script.json(200, "{\"error\":{\"message\":\"The server is overloaded\",\"type\":\"server_error\"}}"));
        startGateway(openAi("scripted", scripted.baseUrl(), "*"));

        for (String model : List.of("wrongtype", "notjson", "nochoices", "badmessage")) {
            HttpResponse<String> r = gateway.chat(body(model, false));
            assertJsonError(r, 502, "bad_response");
            assertThat(r.body()).doesNotContain("wrongtype");
        }
        HttpResponse<String> r = gateway.chat(body("error200", false));
        assertJsonError(r, 502, "upstream_5xx");
        assertThat(r.body()).as("the upstream's message is not echoed").doesNotContain("overloaded");

        PromMetrics m = gateway.metrics();
        for (String model : List.of("wrongtype", "notjson", "nochoices", "badmessage")) {
            assertOne(m, model, "failure", "bad_response");
            assertThat(m.valueOr(0, "llm_output_tokens_total", "model_name", model)).isEqualTo(0.0);
        }
        assertOne(m, "error200", "failure", "upstream_5xx");
    }

    @Test
    void streamEventsThatAreMalformedOrErrorsEndTheCallAsFailuresWithErrorEventAndDone() {
        scripted.on("notjson", Script.sse(Ending.END, ROLE, content("Hi"), "{not json", content("more"), "[DONE]"))
                .on("wrongtype", Script.sse(Ending.END, ROLE, "{\"choices\":\"wrongtype\"}", "[DONE]"))
                .on("error", Script.sse(Ending.END, ROLE, content("Hi"),
                        "{\"error\":{\"message\":\"model overloaded\",\"type\":\"server_error\",\"code\":null}}"))
                .on("ratelimit", Script.sse(Ending.CUT, ROLE,
                        "{\"error\":{\"message\":\"slow down\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}"));
        startGateway(openAi("scripted", scripted.baseUrl(), "*"));

        List<String> d = assertInBandError(gateway.chat(body("notjson", true)), "bad_response");
        assertThat(d).as("events after the bad one are not forwarded").noneMatch(s -> s.contains("more"));
        assertInBandError(gateway.chat(body("wrongtype", true)), "bad_response");
        assertInBandError(gateway.chat(body("error", true)), "upstream_5xx");
        assertInBandError(gateway.chat(body("ratelimit", true)), "rate_limited");

        PromMetrics m = gateway.metrics();
        assertOne(m, "notjson", "failure", "bad_response");
        assertOne(m, "wrongtype", "failure", "bad_response");
        assertOne(m, "error", "failure", "upstream_5xx");
        assertOne(m, "ratelimit", "failure", "rate_limited");
        // what was produced before the failure is still counted (estimated): one chunk "Hi"
        assertThat(m.value("llm_output_tokens_total", "model_name", "error")).isEqualTo(1.0);
    }

    @Test
    void aStreamThatFailsBeforeItsFirstEventIsAPlainHttpError() {
        scripted.on("first-bad", Script.sse(Ending.END, "{not json"))
                .on("first-error", Script.sse(Ending.END, "{\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\"}}"));
        startGateway(openAi("scripted", scripted.baseUrl(), "*"));

        assertJsonError(gateway.chat(body("first-bad", true)), 502, "bad_response");
        assertJsonError(gateway.chat(body("first-error", true)), 400, "invalid_request");
        PromMetrics m = gateway.metrics();
        assertOne(m, "first-bad", "failure", "bad_response");
        assertOne(m, "first-error", "failure", "invalid_request");
    }

    @Test
    void aCompleteStreamWithoutDoneIsASuccessWithItsUsage() {
        scripted.on("nodone", Script.sse(Ending.END, ROLE, content("Hello"), content(" there"),
                chunk("{}", "stop").replace("}]}", "}],\"usage\":" + USAGE + "}")));
        scripted.on("nodone-cut", Script.sse(Ending.CUT, ROLE, content("Hello"), chunk("{}", "stop")));
        startGateway(openAi("scripted", scripted.baseUrl(), "*"));

        HttpResponse<String> r = gateway.chat(body("nodone", true));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(sseData(r.body())).last().isEqualTo("[DONE]");
        assertThat(sseData(r.body())).noneMatch(s -> s.contains("\"error\""));
        HttpResponse<String> cut = gateway.chat(body("nodone-cut", true));
        assertThat(sseData(cut.body())).noneMatch(s -> s.contains("\"error\""));

        PromMetrics m = gateway.metrics();
        assertOne(m, "nodone", "success", null);
        assertThat(m.value("llm_input_tokens_total", "model_name", "nodone")).isEqualTo(11.0);
        assertThat(m.value("llm_output_tokens_total", "model_name", "nodone")).isEqualTo(5.0);
        assertThat(m.valueOr(0, "llm_estimated_token_requests_total", "model_name", "nodone")).isEqualTo(0.0);
        assertOne(m, "nodone-cut", "success", null);
    }

    @Test
    void toolCallAndReasoningStreamsWithoutUsageCountEveryProducedToken() {
        String name = chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":"
                + "{\"name\":\"get_weather\",\"arguments\":\"\"}}]}", null); // 11 chars
        String arg1 = chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]}", null); // 8
        String arg2 = chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}", null); // 8
        scripted.on("tools", Script.sse(Ending.END, ROLE, name, arg1, arg2, chunk("{}", "tool_calls"), "[DONE]"));
        String thought = "x".repeat(400);
        scripted.on("reasoning", Script.sse(Ending.END, ROLE, chunk(new JsonObject().put("reasoning_content", thought).encode(), null),
                content("ok"), chunk("{}", "stop"), "[DONE]"));
        scripted.on("tools-json", Script.json(200, "{\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                + "\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":"
                + "\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}]}"));
        startGateway(openAi("scripted", scripted.baseUrl(), "*"));

        assertThat(gateway.chat(body("tools", true)).statusCode()).isEqualTo(200);
        assertThat(gateway.chat(body("reasoning", true)).statusCode()).isEqualTo(200);
        HttpResponse<String> json = gateway.chat(body("tools-json", false));
        assertThat(json.statusCode()).isEqualTo(200);

        PromMetrics m = gateway.metrics();
        long in = ceilQuarter(PROMPT.length());
        assertOne(m, "tools", "success", null);
        // 3 producing chunks, 27 characters: max(3, ceil(27/4)) = 7
        assertThat(m.value("llm_output_tokens_total", "model_name", "tools")).isEqualTo(7.0);
        assertThat(m.value("llm_input_tokens_total", "model_name", "tools")).isEqualTo(in);
        assertThat(m.value("llm_estimated_token_requests_total", "model_name", "tools")).isEqualTo(1.0);
        assertThat(m.value("llm_time_to_first_token_seconds_count", "model_name", "tools")).as("first tool-call token").isEqualTo(1.0);
        assertOne(m, "reasoning", "success", null);
        // one 400-character reasoning chunk and "ok": ceil(402/4) = 101, not 2
        assertThat(m.value("llm_output_tokens_total", "model_name", "reasoning")).isEqualTo(101.0);
        assertOne(m, "tools-json", "success", null);
        // "get_weather" + {"city":"Paris"} = 11 + 16 characters: ceil(27/4) = 7
        assertThat(m.value("llm_output_tokens_total", "model_name", "tools-json")).isEqualTo(7.0);
    }

    @Test
    void anUpstreamThatRejectsStreamOptionsIsRetriedWithoutItAndRemembered() {
        String rejection = "{\"error\":{\"message\":\"Unrecognized request argument supplied: stream_options\","
                + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}";
        Script ok = Script.sse(Ending.END, ROLE, content("Hello"), content(" you"), chunk("{}", "stop"), "[DONE]");
        scripted.on("picky", b -> b.containsKey("stream_options") ? Script.json(400, rejection) : ok);
        startGateway(openAi("scripted", scripted.baseUrl(), "*"));

        HttpResponse<String> first = gateway.chat(body("picky", true));
        HttpResponse<String> second = gateway.chat(body("picky", true));
        HttpResponse<String> own = gateway.chat(body("picky", true).put("stream_options", new JsonObject().put("include_usage", true)));

        assertThat(first.statusCode()).as("body %s", first.body()).isEqualTo(200);
        assertThat(sseData(first.body())).contains("[DONE]").noneMatch(s -> s.contains("\"error\""));
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(own.statusCode()).as("the client's own stream_options is its business").isEqualTo(400);
        List<JsonObject> sent = scripted.received("picky");
        assertThat(sent).hasSize(4);
        assertThat(sent.get(0).containsKey("stream_options")).isTrue();
        assertThat(sent.get(1).containsKey("stream_options")).as("the retry").isFalse();
        assertThat(sent.get(2).containsKey("stream_options")).as("remembered").isFalse();
        PromMetrics m = gateway.metrics();
        assertThat(m.value("llm_requests_total", "model_name", "picky", "status", "success")).isEqualTo(2.0);
        assertThat(m.value("llm_estimated_token_requests_total", "model_name", "picky")).isEqualTo(2.0);
        assertThat(m.value("llm_errors_total", "model_name", "picky", "error_type", "invalid_request")).isEqualTo(1.0);
        assertReconciled(m, "picky", 3);
    }

    @Test
    void theStreamUsageSwitchNeverSendsStreamOptions() {
        scripted.on("plain", Script.sse(Ending.END, ROLE, content("Hello"), chunk("{}", "stop"), "[DONE]"));
        VitalsConfig.Backend b = openAi("scripted", scripted.baseUrl(), "*");
        b.streamUsage = false;
        startGateway(b);

        assertThat(gateway.chat(body("plain", true)).statusCode()).isEqualTo(200);
        assertThat(scripted.received("plain")).singleElement().satisfies(j -> assertThat(j.containsKey("stream_options")).isFalse());
        assertThat(gateway.metrics().value("llm_estimated_token_requests_total", "model_name", "plain")).isEqualTo(1.0);
    }

    @Test
    void aStreamThatFailsBeforeItsFirstEventFallsBackToTheNextBackend() {
        scripted.on(GatewayChatTest.MODEL, Script.sse(Ending.CUT)); // the head, then the connection is cut
        startGateway(openAi("cut", scripted.baseUrl(), GatewayChatTest.MODEL),
                openAi("good", upstream.baseUrl(), GatewayChatTest.MODEL));

        HttpResponse<String> r = gateway.chat(body(GatewayChatTest.MODEL, true));

        assertThat(r.statusCode()).isEqualTo(200);
        List<String> data = sseData(r.body());
        assertThat(data).last().isEqualTo("[DONE]");
        assertThat(String.join("", data)).doesNotContain("\"error\"");
        assertThat(upstream.requests()).hasSize(1);
        PromMetrics m = gateway.metrics();
        assertOne(m, GatewayChatTest.MODEL, "success", null);
        assertThat(m.value("llm_fallbacks_total", "model_name", GatewayChatTest.MODEL)).isEqualTo(1.0);
    }

    @Test
    void anErrorEventAfterTheFirstForwardedEventDoesNotFallBack() {
        scripted.on(GatewayChatTest.MODEL, Script.sse(Ending.END, ROLE, "{\"error\":{\"message\":\"x\",\"type\":\"server_error\"}}"));
        startGateway(openAi("bad", scripted.baseUrl(), GatewayChatTest.MODEL),
                openAi("good", upstream.baseUrl(), GatewayChatTest.MODEL));

        assertInBandError(gateway.chat(body(GatewayChatTest.MODEL, true)), "upstream_5xx");
        assertThat(upstream.requests()).isEmpty();
        assertOne(gateway.metrics(), GatewayChatTest.MODEL, "failure", "upstream_5xx");
    }

    @Test
    void theWholeCorpusReconciles() {
        Map<String, Script> corpus = new LinkedHashMap<>();
        corpus.put("c-ok", Script.sse(Ending.END, ROLE, content("Hi"), chunk("{}", "stop"), "[DONE]"));
        corpus.put("c-wrongtype", Script.json(200, "{\"choices\":\"wrongtype\",\"usage\":\"x\"}"));
        corpus.put("c-notjson-event", Script.sse(Ending.END, ROLE, "{not json", "[DONE]"));
        corpus.put("c-wrong-event", Script.sse(Ending.END, ROLE, "{\"choices\":\"wrongtype\"}", "[DONE]"));
        corpus.put("c-error-event", Script.sse(Ending.END, ROLE, "{\"error\":{\"type\":\"server_error\"}}"));
        corpus.put("c-no-done", Script.sse(Ending.END, ROLE, content("Hi"), chunk("{}", "stop")));
        corpus.put("c-cut", Script.sse(Ending.CUT, ROLE, content("Hi")));
        corpus.put("c-tools", Script.sse(Ending.END, ROLE, chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"name\":\"f\","
                + "\"arguments\":\"{}\"}}]}", null), chunk("{}", "tool_calls"), "[DONE]"));
        corpus.forEach(scripted::on);
        startGateway(openAi("scripted", scripted.baseUrl(), "*"));
        Map<String, Integer> sent = new LinkedHashMap<>();
        int malformed200 = 0;
        for (int i = 0; i < 3; i++) {
            for (String model : corpus.keySet()) {
                boolean stream = !model.equals("c-wrongtype");
                HttpResponse<String> r = gateway.chat(body(model, stream));
                sent.merge(model, 1, Integer::sum);
                if (r.statusCode() == 200 && !stream && !r.body().contains("\"choices\":[")) {
                    malformed200++;
                }
            }
        }
        assertThat(malformed200).isZero();
        PromMetrics m = gateway.metrics();
        int total = 0;
        for (var e : sent.entrySet()) {
            assertReconciled(m, e.getKey(), e.getValue());
            total += e.getValue();
        }
        assertThat(m.sum("llm_requests_total")).isEqualTo(total);
        assertThat(m.sum("llm_requests_total", "status", "failure")).isEqualTo(m.sum("llm_errors_total"));
        assertThat(m.value("llm_requests_total", "model_name", "c-no-done", "status", "success")).isEqualTo(3.0);
        assertThat(m.value("llm_requests_total", "model_name", "c-tools", "status", "success")).isEqualTo(3.0);
        assertThat(m.value("llm_errors_total", "model_name", "c-cut", "error_type", "connection")).isEqualTo(3.0);
        assertThat(m.value("llm_errors_total", "model_name", "c-wrong-event", "error_type", "bad_response")).isEqualTo(3.0);
        assertThat(m.value("llm_errors_total", "model_name", "c-error-event", "error_type", "upstream_5xx")).isEqualTo(3.0);
    }
}
