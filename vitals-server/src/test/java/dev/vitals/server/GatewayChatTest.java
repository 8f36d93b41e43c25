package dev.vitals.server;

import static dev.vitals.server.GatewayFixture.assertReconciled;
import static dev.vitals.server.GatewayFixture.chatBody;
import static dev.vitals.server.GatewayFixture.config;
import static dev.vitals.server.GatewayFixture.openAi;
import static dev.vitals.server.GatewayFixture.sseData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vitals.server.FakeOpenAiUpstream.Scenario;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Successful calls through the real gateway to a real fake upstream: what the client receives and the
 * exact metrics recorded (tokens, estimates, cached tokens, cost, time to first token).
 */
class GatewayChatTest extends GatewayTestBase {
    static final String MODEL = "gpt-4o-mini";
    static final String PROMPT = "Tell me about the sea in three short words";

    void startGateway(String... models) {
        gateway = GatewayFixture.start(gatewayVertx, config(openAi("fake", upstream.baseUrl(), models)));
    }

    /** gpt-4o-mini list prices per 1M tokens: input 0.15, cached input 0.075, output 0.60. */
    static double gpt4oMiniCost(long input, long cached, long output) {
        return ((input - cached) * 0.15 + cached * 0.075 + output * 0.60) / 1_000_000d;
    }

    static long promptTokens() {
        return FakeOpenAiUpstream.promptTokens(List.of(PROMPT));
    }

    static long replyPieces() {
        return FakeOpenAiUpstream.replyPieces(PROMPT).size();
    }

    static long ceilQuarter(long chars) {
        return (chars + 3) / 4;
    }

    /** Chunks of a stream's data payloads, [DONE] excluded (it must be last). */
    static List<JsonObject> chunks(List<String> data) {
        assertThat(data).isNotEmpty();
        assertThat(data.get(data.size() - 1)).as("last event").isEqualTo("[DONE]");
        assertThat(data.subList(0, data.size() - 1)).as("[DONE] only once, at the end").doesNotContain("[DONE]");
        List<JsonObject> out = new ArrayList<>();
        for (String d : data.subList(0, data.size() - 1)) {
            out.add(new JsonObject(d));
        }
        return out;
    }

    static String content(List<JsonObject> chunks) {
        StringBuilder sb = new StringBuilder();
        for (JsonObject c : chunks) {
            for (Object ch : c.getJsonArray("choices")) {
                JsonObject delta = ((JsonObject) ch).getJsonObject("delta");
                if (delta != null && delta.getValue("content") instanceof String s) {
                    sb.append(s);
                }
            }
        }
        return sb.toString();
    }

    static long contentChunks(List<JsonObject> chunks) {
        return chunks.stream().filter(c -> c.getJsonArray("choices").stream()
                .anyMatch(ch -> ((JsonObject) ch).getJsonObject("delta").getValue("content") instanceof String s && !s.isEmpty()))
                .count();
    }

    static void assertOverheadHeader(HttpResponse<?> r) {
        String overhead = r.headers().firstValue("x-vitals-overhead-ms").orElse(null);
        assertThat(overhead).as("x-vitals-overhead-ms").isNotNull().matches("\\d+\\.\\d{3}");
        assertThat(Double.parseDouble(overhead)).isGreaterThanOrEqualTo(0.0);
    }

    @Test
    void nonStreamingPassesTheAnswerThroughAndRecordsReportedUsageCachedTokensAndCost() {
        upstream.cachedTokens = 4;
        startGateway(MODEL);
        JsonObject body = chatBody(MODEL, PROMPT).put("temperature", 0.2);

        HttpResponse<String> r = gateway.chat(body, "x-request-id", "client-req-42", "authorization", "Bearer client-own-key");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(r.headers().firstValue("x-request-id")).hasValue("client-req-42");
        assertOverheadHeader(r);
        JsonObject answer = new JsonObject(r.body());
        assertThat(answer.getString("object")).isEqualTo("chat.completion");
        assertThat(answer.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"))
                .isEqualTo(FakeOpenAiUpstream.replyText(PROMPT));
        assertThat(answer.getJsonObject("usage").getLong("prompt_tokens")).isEqualTo(promptTokens());

        // what the upstream got: the client's body unchanged, the configured key, not the client's
        assertThat(upstream.requests()).hasSize(1);
        FakeOpenAiUpstream.Received got = upstream.requests().get(0);
        assertThat(got.path()).isEqualTo("/v1/chat/completions");
        assertThat(got.json()).isEqualTo(body);
        assertThat(got.header("authorization")).isEqualTo("Bearer " + GatewayFixture.KEY);

        PromMetrics m = gateway.metrics();
        assertThat(m.value("llm_requests_total", "model_name", MODEL, "status", "success")).isEqualTo(1.0);
        assertThat(m.valueOr(Double.NaN, "llm_requests_total", "model_name", MODEL, "status", "failure")).as("created on first use only").isNaN();
        assertThat(m.value("llm_input_tokens_total", "model_name", MODEL)).isEqualTo(promptTokens());
        assertThat(m.value("llm_output_tokens_total", "model_name", MODEL)).isEqualTo(replyPieces());
        assertThat(m.value("llm_cached_input_tokens_total", "model_name", MODEL)).isEqualTo(4.0);
        assertThat(m.valueOr(Double.NaN, "llm_estimated_token_requests_total", "model_name", MODEL)).as("created on first use only").isNaN();
        assertThat(m.value("llm_cost_usd_total", "model_name", MODEL))
                .isCloseTo(gpt4oMiniCost(promptTokens(), 4, replyPieces()), within(1e-15))
                .isLessThan(gpt4oMiniCost(promptTokens(), 0, replyPieces())); // cached input is cheaper
        assertThat(m.valueOr(0.0, "llm_unpriced_requests_total", "model_name", MODEL)).isEqualTo(0.0);
        assertThat(m.valueOr(0.0, "llm_fallbacks_total", "model_name", MODEL)).isEqualTo(0.0);
        assertThat(m.valueOr(0.0, "llm_time_to_first_token_seconds_count", "model_name", MODEL)).isEqualTo(0.0);
        assertThat(m.value("llm_response_length_characters_sum", "model_name", MODEL))
                .isEqualTo(FakeOpenAiUpstream.replyText(PROMPT).length());
        assertThat(m.value("gen_ai_client_token_usage_sum", "gen_ai_operation_name", "chat", "gen_ai_provider_name", "openai",
                "gen_ai_request_model", MODEL, "gen_ai_token_type", "input")).isEqualTo(promptTokens());
        assertThat(m.value("gen_ai_client_token_usage_sum", "gen_ai_operation_name", "chat", "gen_ai_provider_name", "openai",
                "gen_ai_request_model", MODEL, "gen_ai_token_type", "output")).isEqualTo(replyPieces());
        assertThat(m.value("gen_ai_client_operation_duration_seconds_count", "gen_ai_operation_name", "chat",
                "gen_ai_provider_name", "openai", "gen_ai_request_model", MODEL, "error_type", "")).isEqualTo(1.0);
        assertReconciled(m, MODEL, 1);
        assertThat(m.text()).as("the API key never reaches /metrics").doesNotContain(GatewayFixture.KEY);
        assertThat(r.body()).doesNotContain(GatewayFixture.KEY);
    }

    @Test
    void generatesARequestIdWhenNoneOrAnInvalidOneIsSent() {
        startGateway(MODEL);

        HttpResponse<String> none = gateway.chat(chatBody(MODEL, PROMPT));
        HttpResponse<String> invalid = gateway.chat(chatBody(MODEL, PROMPT), "x-request-id", "not valid!<script>");

        String a = none.headers().firstValue("x-request-id").orElseThrow();
        String b = invalid.headers().firstValue("x-request-id").orElseThrow();
        assertThat(a).matches("req_[0-9a-f]{32}");
        assertThat(b).matches("req_[0-9a-f]{32}").isNotEqualTo(a);
        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(invalid.statusCode()).isEqualTo(200);
        assertReconciled(gateway.metrics(), MODEL, 2);
    }

    @Test
    void streamHidesTheUsageChunkFromAClientThatDidNotAskButCountsItsTokens() {
        upstream.cachedTokens = 3;
        startGateway(MODEL);
        JsonObject body = chatBody(MODEL, PROMPT).put("stream", true);

        HttpResponse<String> r = gateway.chat(body, "x-request-id", "stream-1");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(r.headers().firstValue("x-request-id")).hasValue("stream-1");
        assertOverheadHeader(r);
        List<JsonObject> chunks = chunks(sseData(r.body()));
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.getString("object")).isEqualTo("chat.completion.chunk");
            assertThat(c.getValue("usage")).as("no usage reaches a client that did not ask").isNull();
            assertThat(c.getJsonArray("choices")).as("no usage-only chunk").isNotEmpty();
        });
        assertThat(content(chunks)).isEqualTo(FakeOpenAiUpstream.replyText(PROMPT));
        assertThat(chunks.get(chunks.size() - 1).getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("stop");
        // role chunk + one chunk per piece + finish chunk
        assertThat(chunks).hasSize((int) replyPieces() + 2);

        // the gateway asked the upstream for usage
        JsonObject sent = upstream.requests().get(0).json();
        assertThat(sent.getBoolean("stream")).isTrue();
        assertThat(sent.getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
        assertThat(upstream.requests().get(0).header("authorization")).isEqualTo("Bearer " + GatewayFixture.KEY);

        PromMetrics m = gateway.metrics();
        assertThat(m.value("llm_requests_total", "model_name", MODEL, "status", "success")).isEqualTo(1.0);
        assertThat(m.value("llm_input_tokens_total", "model_name", MODEL)).isEqualTo(promptTokens());
        assertThat(m.value("llm_output_tokens_total", "model_name", MODEL)).isEqualTo(replyPieces());
        assertThat(m.value("llm_cached_input_tokens_total", "model_name", MODEL)).isEqualTo(3.0);
        assertThat(m.valueOr(Double.NaN, "llm_estimated_token_requests_total", "model_name", MODEL)).as("created on first use only").isNaN();
        assertThat(m.value("llm_cost_usd_total", "model_name", MODEL))
                .isCloseTo(gpt4oMiniCost(promptTokens(), 3, replyPieces()), within(1e-15));
        assertThat(m.value("llm_time_to_first_token_seconds_count", "model_name", MODEL)).isEqualTo(1.0);
        assertThat(m.value("gen_ai_server_time_to_first_token_seconds_count", "gen_ai_operation_name", "chat",
                "gen_ai_provider_name", "openai", "gen_ai_request_model", MODEL)).isEqualTo(1.0);
        assertThat(m.value("llm_response_length_characters_sum", "model_name", MODEL))
                .isEqualTo(FakeOpenAiUpstream.replyText(PROMPT).length());
        assertReconciled(m, MODEL, 1);
    }

    @Test
    void streamShowsTheUsageChunkToAClientThatAsked() {
        startGateway(MODEL);
        JsonObject body = chatBody(MODEL, PROMPT).put("stream", true)
                .put("stream_options", new JsonObject().put("include_usage", true));

        HttpResponse<String> r = gateway.chat(body);

        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonObject> chunks = chunks(sseData(r.body()));
        JsonObject last = chunks.get(chunks.size() - 1);
        assertThat(last.getJsonArray("choices")).isEmpty();
        assertThat(last.getJsonObject("usage").getLong("prompt_tokens")).isEqualTo(promptTokens());
        assertThat(last.getJsonObject("usage").getLong("completion_tokens")).isEqualTo(replyPieces());
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c.getValue("usage")).isNull());
        assertThat(content(chunks)).isEqualTo(FakeOpenAiUpstream.replyText(PROMPT));

        PromMetrics m = gateway.metrics();
        assertThat(m.value("llm_input_tokens_total", "model_name", MODEL)).isEqualTo(promptTokens());
        assertThat(m.value("llm_output_tokens_total", "model_name", MODEL)).isEqualTo(replyPieces());
        assertThat(m.valueOr(Double.NaN, "llm_estimated_token_requests_total", "model_name", MODEL)).as("created on first use only").isNaN();
        assertReconciled(m, MODEL, 1);
    }

    @Test
    void streamAsksTheUpstreamForUsageEvenWhenTheClientSaidNo() {
        startGateway(MODEL);
        JsonObject body = chatBody(MODEL, PROMPT).put("stream", true)
                .put("stream_options", new JsonObject().put("include_usage", false));

        HttpResponse<String> r = gateway.chat(body);

        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonObject> chunks = chunks(sseData(r.body()));
        assertThat(chunks).allSatisfy(c -> assertThat(c.getJsonArray("choices")).isNotEmpty());
        assertThat(upstream.requests().get(0).json().getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
        PromMetrics m = gateway.metrics();
        assertThat(m.value("llm_output_tokens_total", "model_name", MODEL)).isEqualTo(replyPieces());
        assertThat(m.valueOr(Double.NaN, "llm_estimated_token_requests_total", "model_name", MODEL)).as("created on first use only").isNaN();
        assertReconciled(m, MODEL, 1);
    }

    @Test
    void nonStreamingWithoutUsageEstimatesTokensAndMarksThem() {
        upstream.scenario = Scenario.NO_USAGE;
        startGateway(MODEL);

        HttpResponse<String> r = gateway.chat(chatBody(MODEL, PROMPT));

        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject answer = new JsonObject(r.body());
        assertThat(answer.containsKey("usage")).isFalse();
        long in = ceilQuarter(PROMPT.length());
        long out = ceilQuarter(FakeOpenAiUpstream.replyText(PROMPT).length());
        PromMetrics m = gateway.metrics();
        assertThat(m.value("llm_requests_total", "model_name", MODEL, "status", "success")).isEqualTo(1.0);
        assertThat(m.value("llm_input_tokens_total", "model_name", MODEL)).isEqualTo(in);
        assertThat(m.value("llm_output_tokens_total", "model_name", MODEL)).isEqualTo(out);
        assertThat(m.valueOr(Double.NaN, "llm_cached_input_tokens_total", "model_name", MODEL)).as("created on first use only").isNaN();
        assertThat(m.value("llm_estimated_token_requests_total", "model_name", MODEL)).isEqualTo(1.0);
        assertThat(m.value("llm_cost_usd_total", "model_name", MODEL)).isCloseTo(gpt4oMiniCost(in, 0, out), within(1e-15));
        assertReconciled(m, MODEL, 1);
    }

    @Test
    void streamWithoutUsageEstimatesOutputFromChunksAndCharactersAndMarksTheEstimate() {
        upstream.scenario = Scenario.NO_USAGE;
        startGateway(MODEL);
        // the client asks for usage, but there is none to give: no usage chunk is invented
        JsonObject body = chatBody(MODEL, PROMPT).put("stream", true)
                .put("stream_options", new JsonObject().put("include_usage", true));

        HttpResponse<String> r = gateway.chat(body);

        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonObject> chunks = chunks(sseData(r.body()));
        assertThat(chunks).allSatisfy(c -> assertThat(c.getValue("usage")).isNull());
        assertThat(content(chunks)).isEqualTo(FakeOpenAiUpstream.replyText(PROMPT));
        long received = contentChunks(chunks);
        assertThat(received).isEqualTo(replyPieces());
        long in = ceilQuarter(PROMPT.length());
        // at least one token per producing chunk and never fewer than ceil(characters / 4)
        long out = Math.max(received, ceilQuarter(FakeOpenAiUpstream.replyText(PROMPT).length()));
        assertThat(out).as("this reply's characters decide").isGreaterThan(received);
        PromMetrics m = gateway.metrics();
        assertThat(m.value("llm_requests_total", "model_name", MODEL, "status", "success")).isEqualTo(1.0);
        assertThat(m.value("llm_input_tokens_total", "model_name", MODEL)).isEqualTo(in);
        assertThat(m.value("llm_output_tokens_total", "model_name", MODEL)).isEqualTo(out);
        assertThat(m.value("llm_estimated_token_requests_total", "model_name", MODEL)).isEqualTo(1.0);
        assertThat(m.value("llm_cost_usd_total", "model_name", MODEL)).isCloseTo(gpt4oMiniCost(in, 0, out), within(1e-15));
        assertThat(m.value("llm_time_to_first_token_seconds_count", "model_name", MODEL)).isEqualTo(1.0);
        assertReconciled(m, MODEL, 1);
    }

    @Test
    void streamWithUsageOnlyInTheLastChunkUsesItAndForwardsThatChunk() {
        upstream.scenario = Scenario.USAGE_IN_LAST_CHUNK;
        upstream.cachedTokens = 2;
        startGateway(MODEL);

        HttpResponse<String> r = gateway.chat(chatBody(MODEL, PROMPT).put("stream", true));

        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonObject> chunks = chunks(sseData(r.body()));
        assertThat(content(chunks)).isEqualTo(FakeOpenAiUpstream.replyText(PROMPT));
        JsonObject last = chunks.get(chunks.size() - 1);
        // the finish chunk carries choices: it is never hidden, usage or not
        assertThat(last.getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("stop");
        assertThat(last.getJsonObject("usage").getLong("completion_tokens")).isEqualTo(replyPieces());
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c.containsKey("usage")).isFalse());

        PromMetrics m = gateway.metrics();
        assertThat(m.value("llm_input_tokens_total", "model_name", MODEL)).isEqualTo(promptTokens());
        assertThat(m.value("llm_output_tokens_total", "model_name", MODEL)).isEqualTo(replyPieces());
        assertThat(m.value("llm_cached_input_tokens_total", "model_name", MODEL)).isEqualTo(2.0);
        assertThat(m.valueOr(Double.NaN, "llm_estimated_token_requests_total", "model_name", MODEL)).as("created on first use only").isNaN();
        assertThat(m.value("llm_cost_usd_total", "model_name", MODEL))
                .isCloseTo(gpt4oMiniCost(promptTokens(), 2, replyPieces()), within(1e-15));
        assertReconciled(m, MODEL, 1);
    }

    @Test
    void slowFirstTokenIsMeasuredInTheTimeToFirstTokenHistograms() {
        upstream.scenario = Scenario.SLOW_FIRST_TOKEN;
        upstream.firstTokenDelayMs = 300;
        startGateway(MODEL);

        HttpResponse<String> r = gateway.chat(chatBody(MODEL, PROMPT).put("stream", true));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(content(chunks(sseData(r.body())))).isEqualTo(FakeOpenAiUpstream.replyText(PROMPT));
        PromMetrics m = gateway.metrics();
        assertThat(m.value("llm_time_to_first_token_seconds_count", "model_name", MODEL)).isEqualTo(1.0);
        assertThat(m.value("llm_time_to_first_token_seconds_sum", "model_name", MODEL)).isGreaterThanOrEqualTo(0.3);
        String[] genAi = {"gen_ai_operation_name", "chat", "gen_ai_provider_name", "openai", "gen_ai_request_model", MODEL};
        assertThat(m.value("gen_ai_server_time_to_first_token_seconds_count", genAi)).isEqualTo(1.0);
        assertThat(m.value("gen_ai_server_time_to_first_token_seconds_sum", genAi)).isGreaterThanOrEqualTo(0.3);
        // the role chunk came at once; the first token did not: TTFT is not time to headers
        assertThat(m.valueOr(0.0, "llm_time_to_first_token_seconds_bucket", "model_name", MODEL, "le", "0.25")).isEqualTo(0.0);
        assertThat(m.value("llm_request_latency_seconds_sum", "model_name", MODEL)).isGreaterThanOrEqualTo(0.3);
        assertThat(m.value("llm_requests_total", "model_name", MODEL, "status", "success")).isEqualTo(1.0);
        assertReconciled(m, MODEL, 1);
    }

    @Test
    void streamFramedWithCrLfCommentsAndTinyWritesIsReassembled() {
        upstream.awkwardFraming = true;
        startGateway(MODEL);

        HttpResponse<String> r = gateway.chat(chatBody(MODEL, PROMPT).put("stream", true));

        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonObject> chunks = chunks(sseData(r.body()));
        assertThat(content(chunks)).isEqualTo(FakeOpenAiUpstream.replyText(PROMPT));
        assertThat(chunks).hasSize((int) replyPieces() + 2).allSatisfy(c -> assertThat(c.getJsonArray("choices")).isNotEmpty());
        PromMetrics m = gateway.metrics();
        assertThat(m.value("llm_requests_total", "model_name", MODEL, "status", "success")).isEqualTo(1.0);
        assertThat(m.value("llm_input_tokens_total", "model_name", MODEL)).isEqualTo(promptTokens());
        assertThat(m.value("llm_output_tokens_total", "model_name", MODEL)).isEqualTo(replyPieces());
        assertThat(m.valueOr(Double.NaN, "llm_estimated_token_requests_total", "model_name", MODEL)).as("created on first use only").isNaN();
        assertReconciled(m, MODEL, 1);
    }

    @Test
    void aModelMissingFromThePriceCatalogIsCountedAsUnpricedWithNoCostInvented() {
        String model = "acme-local-7b";
        startGateway(model);

        HttpResponse<String> a = gateway.chat(chatBody(model, PROMPT));
        HttpResponse<String> b = gateway.chat(chatBody(model, PROMPT).put("stream", true));

        assertThat(a.statusCode()).isEqualTo(200);
        assertThat(b.statusCode()).isEqualTo(200);
        PromMetrics m = gateway.metrics();
        assertThat(m.value("llm_unpriced_requests_total", "model_name", model)).isEqualTo(2.0);
        assertThat(m.valueOr(Double.NaN, "llm_cost_usd_total", "model_name", model)).as("created on first use only").isNaN();
        assertThat(m.valueOr(0.0, "llm_query_cost_usd_count", "model_name", model)).isEqualTo(0.0);
        assertThat(m.value("llm_input_tokens_total", "model_name", model)).isEqualTo(2.0 * promptTokens());
        assertThat(m.value("llm_output_tokens_total", "model_name", model)).isEqualTo(2.0 * replyPieces());
        assertReconciled(m, model, 2);
    }

    @Test
    void messagesWithContentPartsAreForwardedAndEstimatedFromTheirText() {
        upstream.scenario = Scenario.NO_USAGE;
        startGateway(MODEL);
        JsonObject body = new JsonObject().put("model", MODEL).put("messages", new JsonArray()
                .add(new JsonObject().put("role", "system").put("content", "Be brief."))
                .add(new JsonObject().put("role", "user").put("content", new JsonArray()
                        .add(new JsonObject().put("type", "text").put("text", "Hello")))));

        HttpResponse<String> r = gateway.chat(body);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(upstream.requests().get(0).json()).isEqualTo(body);
        PromMetrics m = gateway.metrics();
        // the prompt text is "Be brief.\nHello": 15 characters, 4 tokens
        assertThat(m.value("llm_input_tokens_total", "model_name", MODEL)).isEqualTo(4.0);
        assertThat(m.value("llm_estimated_token_requests_total", "model_name", MODEL)).isEqualTo(1.0);
        assertReconciled(m, MODEL, 1);
    }
}
