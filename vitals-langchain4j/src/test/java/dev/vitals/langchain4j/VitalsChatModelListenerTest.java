package dev.vitals.langchain4j;

import static dev.vitals.langchain4j.FakeOpenAiServer.CACHED_TOKENS;
import static dev.vitals.langchain4j.FakeOpenAiServer.COMPLETION_TOKENS;
import static dev.vitals.langchain4j.FakeOpenAiServer.PROMPT_TOKENS;
import static dev.vitals.langchain4j.FakeOpenAiServer.REPLY;
import static dev.vitals.langchain4j.Scrape.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.vitals.langchain4j.FakeOpenAiServer.Scenario;
import dev.vitals.llm.ErrorType;
import dev.vitals.llm.LlmCall;
import dev.vitals.metrics.LlmMetrics;
import dev.vitals.pricing.PriceCatalog;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * LangChain4j's real {@link OpenAiChatModel} and {@link OpenAiStreamingChatModel} against a real
 * OpenAI-compatible server on loopback, with the listener attached in one line; the registry is
 * scraped in Prometheus' text format and read back exactly.
 */
class VitalsChatModelListenerTest {
    static final String MODEL = "gpt-4o-mini";
    /** gpt-4o-mini: 8 uncached input tokens at 0.15, 3 cached at 0.075, 5 output at 0.60 USD per million. */
    static final double COST = (8 * 0.15 + 3 * 0.075 + 5 * 0.60) / 1e6;

    static FakeOpenAiServer fake;
    PrometheusRegistry registry;
    LlmMetrics metrics;
    final List<LlmCall> calls = new CopyOnWriteArrayList<>();
    VitalsChatModelListener vitals;

    @BeforeAll
    static void startFake() throws Exception {
        fake = new FakeOpenAiServer();
    }

    @AfterAll
    static void stopFake() {
        fake.close();
    }

    @BeforeEach
    void setUp() {
        registry = new PrometheusRegistry();
        metrics = LlmMetrics.builder().register(registry);
        vitals = VitalsChatModelListener.of(c -> {
            calls.add(c);
            metrics.record(c);
        }, PriceCatalog.builtIn());
    }

    ChatModel chatModel(Scenario s, String model) {
        return OpenAiChatModel.builder().baseUrl(fake.baseUrl(s)).apiKey("test-key").modelName(model)
                .timeout(Duration.ofSeconds(10))
                .listeners(List.of(vitals))
                .build();
    }

    StreamingChatModel streamingModel(Scenario s, String model) {
        return OpenAiStreamingChatModel.builder().baseUrl(fake.baseUrl(s)).apiKey("test-key").modelName(model)
                .timeout(Duration.ofSeconds(10))
                .listeners(List.of(vitals))
                .build();
    }

    String scrape() {
        return Scrape.text(registry);
    }

    @Test
    void blockingSuccessRecordsTokensCostLengthAndResponseId() {
        assertThat(chatModel(Scenario.NORMAL, MODEL).chat("hi there")).isEqualTo(REPLY);

        assertThat(calls).hasSize(1);
        LlmCall c = calls.get(0);
        assertThat(c.success()).isTrue();
        assertThat(c.model()).isEqualTo(MODEL);
        assertThat(c.provider()).isEqualTo("openai");
        assertThat(c.operation()).isEqualTo("chat");
        assertThat(c.requestId()).startsWith("chatcmpl-fake-");
        assertThat(c.inputTokens()).isEqualTo(PROMPT_TOKENS);
        assertThat(c.outputTokens()).isEqualTo(COMPLETION_TOKENS);
        assertThat(c.cachedInputTokens()).isEqualTo(CACHED_TOKENS);
        assertThat(c.tokensEstimated()).isFalse();
        assertThat(c.streaming()).isFalse();
        assertThat(c.responseChars()).isEqualTo(REPLY.length());
        assertThat(c.durationSeconds()).isPositive().isLessThan(10);
        assertThat(c.timeToFirstTokenSeconds()).isNaN();
        assertThat(c.costUsd()).isCloseTo(COST, within(1e-15));

        String t = scrape();
        assertThat(value(t, "llm_requests_total{model_name=\"gpt-4o-mini\",status=\"success\"}")).isEqualTo(1.0);
        assertThat(value(t, "llm_requests_total{model_name=\"gpt-4o-mini\",status=\"failure\"}")).as("series are made on first use: none for what never happened").isNull();
        assertThat(value(t, "llm_input_tokens_total{model_name=\"gpt-4o-mini\"}")).isEqualTo(11.0);
        assertThat(value(t, "llm_output_tokens_total{model_name=\"gpt-4o-mini\"}")).isEqualTo(5.0);
        assertThat(value(t, "llm_cached_input_tokens_total{model_name=\"gpt-4o-mini\"}")).isEqualTo(3.0);
        assertThat(value(t, "llm_cost_usd_total{model_name=\"gpt-4o-mini\"}")).isCloseTo(COST, within(1e-15));
        assertThat(value(t, "llm_response_length_characters_sum{model_name=\"gpt-4o-mini\"}")).isEqualTo(25.0);
        assertThat(value(t, "llm_request_latency_seconds_count{model_name=\"gpt-4o-mini\"}")).isEqualTo(1.0);
        assertThat(value(t, "gen_ai_client_token_usage_sum{gen_ai_operation_name=\"chat\",gen_ai_provider_name=\"openai\","
                + "gen_ai_request_model=\"gpt-4o-mini\",gen_ai_token_type=\"input\"}")).isEqualTo(11.0);
        assertThat(value(t, "gen_ai_client_operation_duration_seconds_count{error_type=\"\",gen_ai_operation_name=\"chat\","
                + "gen_ai_provider_name=\"openai\",gen_ai_request_model=\"gpt-4o-mini\"}")).isEqualTo(1.0);
    }

    @Test
    void badRequestIsOneUpstream4xxFailureWithoutRetryOrCost() {
        int before = fake.count(Scenario.BAD_REQUEST);
        assertThatThrownBy(() -> chatModel(Scenario.BAD_REQUEST, MODEL).chat("hi")).isInstanceOf(RuntimeException.class);

        assertThat(fake.count(Scenario.BAD_REQUEST) - before).isEqualTo(1); // not retried: a 4xx is not retriable
        assertThat(calls).singleElement().satisfies(c -> {
            assertThat(c.errorType()).isEqualTo(ErrorType.UPSTREAM_4XX);
            assertThat(c.inputTokens()).isZero();
            assertThat(c.outputTokens()).isZero();
        });
        String t = scrape();
        assertThat(value(t, "llm_requests_total{model_name=\"gpt-4o-mini\",status=\"failure\"}")).isEqualTo(1.0);
        assertThat(value(t, "llm_errors_total{error_type=\"upstream_4xx\",model_name=\"gpt-4o-mini\"}")).isEqualTo(1.0);
        assertThat(value(t, "llm_cost_usd_total{model_name=\"gpt-4o-mini\"}")).as("a failed call of a priced model costs 0 USD, recorded").isEqualTo(0.0);
        assertThat(value(t, "llm_unpriced_requests_total{model_name=\"gpt-4o-mini\"}")).as("series are made on first use: none for what never happened").isNull();
    }

    @Test
    void serverErrorRetriedByLangChain4jCountsOnceWithTheLastErrorsType() {
        int before = fake.count(Scenario.SERVER_ERROR);
        assertThatThrownBy(() -> chatModel(Scenario.SERVER_ERROR, MODEL).chat("hi")).isInstanceOf(RuntimeException.class);

        // OpenAiChatModel's default maxRetries = 2: three HTTP requests, one chat call, one failure
        assertThat(fake.count(Scenario.SERVER_ERROR) - before).isEqualTo(3);
        assertThat(calls).singleElement().satisfies(c -> assertThat(c.errorType()).isEqualTo(ErrorType.UPSTREAM_5XX));
        String t = scrape();
        assertThat(value(t, "llm_requests_total{model_name=\"gpt-4o-mini\",status=\"failure\"}")).isEqualTo(1.0);
        assertThat(value(t, "llm_errors_total{error_type=\"upstream_5xx\",model_name=\"gpt-4o-mini\"}")).isEqualTo(1.0);
        assertThat(value(t, "gen_ai_client_operation_duration_seconds_count{error_type=\"upstream_5xx\",gen_ai_operation_name=\"chat\","
                + "gen_ai_provider_name=\"openai\",gen_ai_request_model=\"gpt-4o-mini\"}")).isEqualTo(1.0);
    }

    @Test
    void rateLimitIsRateLimited() {
        ChatModel m = OpenAiChatModel.builder().baseUrl(fake.baseUrl(Scenario.RATE_LIMITED)).apiKey("k").modelName(MODEL)
                .maxRetries(0).listeners(List.of(vitals)).build();
        assertThatThrownBy(() -> m.chat("hi")).isInstanceOf(RuntimeException.class);
        assertThat(calls).singleElement().satisfies(c -> assertThat(c.errorType()).isEqualTo(ErrorType.RATE_LIMITED));
        assertThat(value(scrape(), "llm_errors_total{error_type=\"rate_limited\",model_name=\"gpt-4o-mini\"}")).isEqualTo(1.0);
    }

    @Test
    void timeoutIsTimeoutWithItsDuration() {
        ChatModel m = OpenAiChatModel.builder().baseUrl(fake.baseUrl(Scenario.HANG)).apiKey("k").modelName(MODEL)
                .timeout(Duration.ofMillis(400)).maxRetries(0).listeners(List.of(vitals)).build();
        assertThatThrownBy(() -> m.chat("hi")).isInstanceOf(RuntimeException.class);
        assertThat(calls).singleElement().satisfies(c -> {
            assertThat(c.errorType()).isEqualTo(ErrorType.TIMEOUT);
            assertThat(c.durationSeconds()).isGreaterThanOrEqualTo(0.39);
        });
        assertThat(value(scrape(), "llm_errors_total{error_type=\"timeout\",model_name=\"gpt-4o-mini\"}")).isEqualTo(1.0);
    }

    @Test
    void streamWithUsageHasExactTokensAndTimeToFirstTokenWhenWrapped() throws Exception {
        fake.firstTokenDelayMs = 300;
        StreamingChatModel m = vitals.timeToFirstToken(streamingModel(Scenario.SLOW_FIRST_TOKEN, MODEL));
        assertThat(stream(m, "hello stream").aiMessage().text()).isEqualTo(REPLY);

        LlmCall c = awaitOneCall();
        assertThat(c.success()).isTrue();
        assertThat(c.streaming()).isTrue();
        assertThat(c.inputTokens()).isEqualTo(PROMPT_TOKENS);
        assertThat(c.outputTokens()).isEqualTo(COMPLETION_TOKENS);
        assertThat(c.cachedInputTokens()).isEqualTo(CACHED_TOKENS);
        assertThat(c.tokensEstimated()).isFalse();
        assertThat(c.responseChars()).isEqualTo(REPLY.length());
        assertThat(c.timeToFirstTokenSeconds()).isGreaterThanOrEqualTo(0.29).isLessThanOrEqualTo(c.durationSeconds());
        assertThat(c.costUsd()).isCloseTo(COST, within(1e-15));
        String t = scrape();
        assertThat(value(t, "llm_time_to_first_token_seconds_count{model_name=\"gpt-4o-mini\"}")).isEqualTo(1.0);
        assertThat(value(t, "gen_ai_server_time_to_first_token_seconds_count{gen_ai_operation_name=\"chat\","
                + "gen_ai_provider_name=\"openai\",gen_ai_request_model=\"gpt-4o-mini\"}")).isEqualTo(1.0);
        assertThat(value(t, "llm_output_tokens_total{model_name=\"gpt-4o-mini\"}")).isEqualTo(5.0);
    }

    @Test
    void streamWithoutTheWrapperHasNoTimeToFirstTokenRatherThanAGuess() throws Exception {
        stream(streamingModel(Scenario.NORMAL, MODEL), "hello");
        LlmCall c = awaitOneCall();
        assertThat(c.success()).isTrue();
        assertThat(c.timeToFirstTokenSeconds()).isNaN();
        assertThat(c.inputTokens()).isEqualTo(PROMPT_TOKENS);
        assertThat(value(scrape(), "llm_time_to_first_token_seconds_count{model_name=\"gpt-4o-mini\"}")).as("series are made on first use: none for what never happened").isNull();
    }

    @Test
    void streamServerErrorIsOneFailure() throws Exception {
        CompletableFuture<Throwable> err = new CompletableFuture<>();
        vitals.timeToFirstToken(streamingModel(Scenario.SERVER_ERROR, MODEL)).chat("hi", new StreamingChatResponseHandler() {
            @Override
            public void onCompleteResponse(ChatResponse r) {
                err.complete(null);
            }

            @Override
            public void onError(Throwable e) {
                err.complete(e);
            }
        });
        assertThat(err.get(10, TimeUnit.SECONDS)).isNotNull();
        LlmCall c = awaitOneCall();
        assertThat(c.errorType()).isEqualTo(ErrorType.UPSTREAM_5XX);
        assertThat(c.streaming()).isTrue();
        assertThat(c.timeToFirstTokenSeconds()).isNaN();
        assertThat(value(scrape(), "llm_errors_total{error_type=\"upstream_5xx\",model_name=\"gpt-4o-mini\"}")).isEqualTo(1.0);
    }

    @Test
    void noUsageMeansEstimatedTokensAndAnUnpricedModelHasNoCost() {
        chatModel(Scenario.NO_USAGE, "my-local-model").chat("abcdefgh"); // 8 chars: 2 tokens
        LlmCall c = calls.get(0);
        assertThat(c.tokensEstimated()).isTrue();
        assertThat(c.inputTokens()).isEqualTo(2);
        assertThat(c.outputTokens()).isEqualTo((REPLY.length() + 3) / 4);
        assertThat(c.costUsd()).isNaN();
        String t = scrape();
        assertThat(value(t, "llm_estimated_token_requests_total{model_name=\"my-local-model\"}")).isEqualTo(1.0);
        assertThat(value(t, "llm_unpriced_requests_total{model_name=\"my-local-model\"}")).isEqualTo(1.0);
        assertThat(value(t, "llm_cost_usd_total{model_name=\"my-local-model\"}")).as("series are made on first use: none for what never happened").isNull();
    }

    @Test
    void personalDataInTheModelNameNeverReachesALabel() throws Exception {
        VitalsChatModelListener oneLine = VitalsChatModelListener.create(registry = new PrometheusRegistry());
        OpenAiChatModel.builder().baseUrl(fake.baseUrl(Scenario.NORMAL)).apiKey("k").modelName("john.doe@example.com")
                .listeners(List.of(oneLine)).build().chat("hi");
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        OpenAiStreamingChatModel.builder().baseUrl(fake.baseUrl(Scenario.NORMAL)).apiKey("k").modelName("john.doe@example.com")
                .listeners(List.of(oneLine)).build().chat("hi", handler(done));
        done.get(10, TimeUnit.SECONDS);

        String t = scrape();
        assertThat(t).doesNotContain("john.doe").doesNotContain("example.com");
        awaitValue("llm_requests_total{model_name=\"[email]\",status=\"success\"}", 2.0);
        assertThat(value(t, "gen_ai_client_token_usage_count{gen_ai_operation_name=\"chat\",gen_ai_provider_name=\"openai\","
                + "gen_ai_request_model=\"[email]\",gen_ai_token_type=\"output\"}")).isNotNull();
        assertThat(value(t, "vitals_label_redactions_total{kind=\"email\"}")).isGreaterThanOrEqualTo(1.0);
    }

    private void awaitValue(String series, double expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && !Double.valueOf(expected).equals(value(scrape(), series))) {
            Thread.sleep(10);
        }
        assertThat(value(scrape(), series)).isEqualTo(expected);
    }

    private ChatResponse stream(StreamingChatModel m, String prompt) throws Exception {
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        m.chat(prompt, handler(done));
        return done.get(10, TimeUnit.SECONDS);
    }

    private static StreamingChatResponseHandler handler(CompletableFuture<ChatResponse> done) {
        return new StreamingChatResponseHandler() {
            @Override
            public void onCompleteResponse(ChatResponse r) {
                done.complete(r);
            }

            @Override
            public void onError(Throwable e) {
                done.completeExceptionally(e);
            }
        };
    }

    /** The listener runs before the app's handler on completion, but on another thread on error. */
    private LlmCall awaitOneCall() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (calls.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(calls).hasSize(1);
        return calls.get(0);
    }
}
