package dev.vitals.server;

import static dev.vitals.server.GatewayFixture.assertReconciled;
import static dev.vitals.server.GatewayFixture.chatBody;
import static dev.vitals.server.GatewayFixture.config;
import static dev.vitals.server.GatewayFixture.openAi;
import static dev.vitals.server.GatewayFixture.simulated;
import static dev.vitals.server.GatewayFixture.sseData;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Many streams at once through one gateway: every client gets a complete stream, and the metrics
 * equal the sums of what the clients received.
 */
class ParallelStreamsTest extends GatewayTestBase {
    static final int STREAMS = 50;
    @BeforeEach
    void startGateway() {
        gateway = GatewayFixture.start(gatewayVertx, config(simulated("simulated", "mock-llm-v1"),
                openAi("fake", upstream.baseUrl(), "gpt-4o-mini")));
    }

    /** What one client received. */
    record Received(String text, long contentChunks, long promptTokens, long completionTokens) {
    }

    /** Sends all requests at once, waits for all answers, checks each stream is complete. */
    List<Received> runParallel(List<JsonObject> bodies) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (JsonObject b : bodies) {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
                    .timeout(Duration.ofSeconds(30))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(b.encode())).build();
            futures.add(GatewayFixture.HTTP.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(40, TimeUnit.SECONDS);
        List<Received> out = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> f : futures) {
            HttpResponse<String> r = f.get();
            assertThat(r.statusCode()).isEqualTo(200);
            List<JsonObject> chunks = GatewayChatTest.chunks(sseData(r.body())); // [DONE] last
            JsonObject usageChunk = chunks.get(chunks.size() - 1);
            assertThat(usageChunk.getJsonArray("choices")).as("usage chunk last").isEmpty();
            JsonObject finish = chunks.get(chunks.size() - 2);
            assertThat(finish.getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("stop");
            JsonObject u = usageChunk.getJsonObject("usage");
            out.add(new Received(GatewayChatTest.content(chunks), GatewayChatTest.contentChunks(chunks),
                    u.getLong("prompt_tokens"), u.getLong("completion_tokens")));
        }
        return out;
    }

    static JsonObject streamBody(String model, String prompt) {
        return chatBody(model, prompt).put("stream", true).put("stream_options", new JsonObject().put("include_usage", true));
    }

    @Test
    void fiftyParallelStreamsThroughTheFakeUpstreamAddUp() throws Exception {
        String model = "gpt-4o-mini";
        List<JsonObject> bodies = new ArrayList<>();
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            // prompts of different lengths: different token counts per stream
            String prompt = "stream " + i + " " + "word ".repeat(i % 7);
            prompts.add(prompt);
            bodies.add(streamBody(model, prompt));
        }

        List<Received> got = runParallel(bodies);

        long prompt = 0;
        long completion = 0;
        for (int i = 0; i < STREAMS; i++) {
            Received r = got.get(i);
            assertThat(r.text()).as("stream %d", i).isEqualTo(FakeOpenAiUpstream.replyText(prompts.get(i)));
            assertThat(r.completionTokens()).isEqualTo(r.contentChunks());
            prompt += r.promptTokens();
            completion += r.completionTokens();
        }
        assertThat(upstream.requests()).hasSize(STREAMS);
        PromMetrics m = gateway.metrics();
        assertThat(m.value("llm_requests_total", "model_name", model, "status", "success")).isEqualTo(STREAMS);
        assertThat(m.value("llm_input_tokens_total", "model_name", model)).isEqualTo(prompt);
        assertThat(m.value("llm_output_tokens_total", "model_name", model)).isEqualTo(completion);
        assertThat(m.value("llm_time_to_first_token_seconds_count", "model_name", model)).isEqualTo(STREAMS);
        assertThat(m.valueOr(0.0, "llm_estimated_token_requests_total", "model_name", model)).isEqualTo(0.0);
        assertReconciled(m, model, STREAMS);
    }

    @Test
    void fiftyParallelStreamsOnTheSimulatedBackendAddUp() throws Exception {
        String model = "mock-llm-v1";
        List<JsonObject> bodies = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            bodies.add(streamBody(model, "simulated stream number " + i));
        }

        List<Received> got = runParallel(bodies);

        long prompt = 0;
        long completion = 0;
        long chunks = 0;
        for (Received r : got) {
            assertThat(r.text()).startsWith("This is a simulated response to your prompt:");
            assertThat(r.completionTokens()).isEqualTo(r.contentChunks());
            prompt += r.promptTokens();
            completion += r.completionTokens();
            chunks += r.contentChunks();
        }
        PromMetrics m = gateway.metrics();
        assertThat(m.value("llm_requests_total", "model_name", model, "status", "success")).isEqualTo(STREAMS);
        assertThat(m.value("llm_input_tokens_total", "model_name", model)).isEqualTo(prompt).isEqualTo(4.0 * STREAMS);
        assertThat(m.value("llm_output_tokens_total", "model_name", model)).isEqualTo(completion).isEqualTo(chunks);
        assertThat(m.value("gen_ai_client_token_usage_sum", "gen_ai_operation_name", "chat", "gen_ai_provider_name", "vitals",
                "gen_ai_request_model", model, "gen_ai_token_type", "output")).isEqualTo(completion);
        assertReconciled(m, model, STREAMS);
    }
}
