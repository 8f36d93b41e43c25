package dev.vitals.server;

import static dev.vitals.server.GatewayFixture.assertReconciled;
import static dev.vitals.server.GatewayFixture.config;
import static dev.vitals.server.GatewayFixture.openAi;
import static dev.vitals.server.GatewayFixture.simulated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import dev.vitals.server.FakeOpenAiUpstream.Scenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK as the gateway's client, with strict response validation: on the
 * default simulated backend ({@code mock-llm-v1}) and on the fake OpenAI upstream.
 */
class OpenAiSdkTest extends GatewayTestBase {
    static final String SIM = "mock-llm-v1";
    static final String UPSTREAM_MODEL = "gpt-4o-mini";
    static final String PROMPT = "Hello there, how are you today";
    OpenAIClient sdk;

    @BeforeEach
    void startGateway() {
        upstream.scenarioForModel("gpt-4o-mini-limited", Scenario.RATE_LIMITED);
        gateway = GatewayFixture.start(gatewayVertx, config(simulated("simulated", SIM),
                openAi("fake", upstream.baseUrl(), UPSTREAM_MODEL, "gpt-4o-mini-limited")));
        sdk = OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + gateway.port() + "/v1")
                .apiKey("test")
                .maxRetries(0)
                .responseValidation(true)
                .timeout(Duration.ofSeconds(20))
                .build();
    }

    @AfterEach
    void closeSdk() {
        sdk.close();
    }

    static ChatCompletionCreateParams params(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(PROMPT).build();
    }

    static ChatCompletionCreateParams params(String model, boolean includeUsage) {
        return params(model).toBuilder()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(includeUsage).build()).build();
    }

    /** What a stream delivered. */
    record Streamed(List<ChatCompletionChunk> chunks, String text, long contentChunks, List<CompletionUsage> usages) {
    }

    Streamed stream(ChatCompletionCreateParams p) {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = sdk.chat().completions().createStreaming(p)) {
            s.stream().forEach(chunks::add);
        }
        StringBuilder text = new StringBuilder();
        long content = 0;
        List<CompletionUsage> usages = new ArrayList<>();
        for (ChatCompletionChunk c : chunks) {
            for (ChatCompletionChunk.Choice ch : c.choices()) {
                String piece = ch.delta().content().orElse("");
                if (!piece.isEmpty()) {
                    content++;
                    text.append(piece);
                }
            }
            c.usage().ifPresent(usages::add);
        }
        return new Streamed(chunks, text.toString(), content, usages);
    }

    @Test
    void nonStreamingOnTheSimulatedBackend() {
        ChatCompletion c = sdk.chat().completions().create(params(SIM));

        assertThat(c.model()).isEqualTo(SIM);
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().get(0).message().content()).hasValueSatisfying(t ->
                assertThat(t).startsWith("This is a simulated response to your prompt: '" + PROMPT + "...'"));
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        CompletionUsage u = c.usage().orElseThrow();
        assertThat(u.promptTokens()).isEqualTo(6); // words of the prompt
        assertThat(u.completionTokens()).isBetween(20L, 150L);
        assertThat(u.totalTokens()).isEqualTo(u.promptTokens() + u.completionTokens());

        PromMetrics m = gateway.metrics();
        assertThat(m.value("llm_requests_total", "model_name", SIM, "status", "success")).isEqualTo(1.0);
        assertThat(m.value("llm_input_tokens_total", "model_name", SIM)).isEqualTo(u.promptTokens());
        assertThat(m.value("llm_output_tokens_total", "model_name", SIM)).isEqualTo(u.completionTokens());
        // mock-llm-v1: input 5.00, output 15.00 per 1M tokens
        assertThat(m.value("llm_cost_usd_total", "model_name", SIM))
                .isCloseTo((u.promptTokens() * 5.00 + u.completionTokens() * 15.00) / 1_000_000d, org.assertj.core.api.Assertions.within(1e-15));
        assertReconciled(m, SIM, 1);
    }

    @Test
    void streamingOnTheSimulatedBackendWithoutAndWithUsage() {
        Streamed plain = stream(params(SIM));
        Streamed withUsage = stream(params(SIM, true));

        assertThat(plain.usages()).as("no usage unless asked").isEmpty();
        assertThat(plain.text()).startsWith("This is a simulated response to your prompt: '" + PROMPT + "...'");
        assertThat(plain.chunks()).allSatisfy(c -> assertThat(c.choices()).isNotEmpty());
        assertThat(plain.chunks().get(plain.chunks().size() - 1).choices().get(0).finishReason())
                .hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);

        assertThat(withUsage.usages()).hasSize(1);
        ChatCompletionChunk last = withUsage.chunks().get(withUsage.chunks().size() - 1);
        assertThat(last.choices()).isEmpty();
        CompletionUsage u = last.usage().orElseThrow();
        assertThat(u.promptTokens()).isEqualTo(6);
        assertThat(u.completionTokens()).isEqualTo(withUsage.contentChunks());

        PromMetrics m = gateway.metrics();
        assertThat(m.value("llm_requests_total", "model_name", SIM, "status", "success")).isEqualTo(2.0);
        // the simulated model streams one chunk per output token
        assertThat(m.value("llm_output_tokens_total", "model_name", SIM)).isEqualTo(plain.contentChunks() + withUsage.contentChunks());
        assertThat(m.value("llm_input_tokens_total", "model_name", SIM)).isEqualTo(12.0);
        assertThat(m.value("llm_time_to_first_token_seconds_count", "model_name", SIM)).isEqualTo(2.0);
        assertThat(m.valueOr(0.0, "llm_estimated_token_requests_total", "model_name", SIM)).isEqualTo(0.0);
        assertReconciled(m, SIM, 2);
    }

    @Test
    void nonStreamingAndStreamingThroughTheFakeUpstream() {
        upstream.cachedTokens = 5;

        ChatCompletion c = sdk.chat().completions().create(params(UPSTREAM_MODEL));
        Streamed plain = stream(params(UPSTREAM_MODEL));
        Streamed withUsage = stream(params(UPSTREAM_MODEL, true));

        String expected = FakeOpenAiUpstream.replyText(PROMPT);
        long prompt = FakeOpenAiUpstream.promptTokens(List.of(PROMPT));
        long pieces = FakeOpenAiUpstream.replyPieces(PROMPT).size();
        assertThat(c.choices().get(0).message().content()).hasValue(expected);
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(prompt);
        assertThat(c.usage().orElseThrow().promptTokensDetails().orElseThrow().cachedTokens()).hasValue(5L);
        assertThat(plain.text()).isEqualTo(expected);
        assertThat(plain.usages()).isEmpty();
        assertThat(withUsage.text()).isEqualTo(expected);
        assertThat(withUsage.usages()).hasSize(1);
        assertThat(withUsage.usages().get(0).completionTokens()).isEqualTo(pieces).isEqualTo(withUsage.contentChunks());
        // the SDK's own key is not what the upstream sees
        assertThat(upstream.requests()).hasSize(3)
                .allSatisfy(r -> assertThat(r.header("authorization")).isEqualTo("Bearer " + GatewayFixture.KEY));

        PromMetrics m = gateway.metrics();
        assertThat(m.value("llm_requests_total", "model_name", UPSTREAM_MODEL, "status", "success")).isEqualTo(3.0);
        assertThat(m.value("llm_input_tokens_total", "model_name", UPSTREAM_MODEL)).isEqualTo(3.0 * prompt);
        assertThat(m.value("llm_cached_input_tokens_total", "model_name", UPSTREAM_MODEL)).isEqualTo(15.0);
        assertThat(m.value("llm_output_tokens_total", "model_name", UPSTREAM_MODEL)).isEqualTo(3.0 * pieces);
        assertThat(m.valueOr(0.0, "llm_estimated_token_requests_total", "model_name", UPSTREAM_MODEL)).isEqualTo(0.0);
        assertReconciled(m, UPSTREAM_MODEL, 3);
    }

    @Test
    void theSdkSeesTheUpstreamRateLimitAsItsOwnException() {
        assertThatThrownBy(() -> sdk.chat().completions().create(params("gpt-4o-mini-limited")))
                .isInstanceOf(RateLimitException.class);

        PromMetrics m = gateway.metrics();
        assertThat(m.value("llm_errors_total", "model_name", "gpt-4o-mini-limited", "error_type", "rate_limited")).isEqualTo(1.0);
        assertReconciled(m, "gpt-4o-mini-limited", 1);
    }
}
