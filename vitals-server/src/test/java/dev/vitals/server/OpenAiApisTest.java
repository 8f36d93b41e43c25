package dev.vitals.server;

import static dev.vitals.server.GatewayFixture.config;
import static dev.vitals.server.GatewayFixture.openAi;
import static dev.vitals.server.GatewayFixture.simulated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseUsage;
import dev.vitals.server.config.VitalsConfig;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/embeddings}, {@code /v1/completions} and {@code /v1/responses} (streaming too) through the official
 * OpenAI Java SDK with strict response validation: on the simulated backend; through an OpenAI-type backend whose
 * upstream is a second Vitals (a real server speaking the protocol); and with a fallback from a refused upstream.
 * Each call is counted like chat, with its {@code gen_ai_operation_name}.
 */
class OpenAiApisTest extends GatewayTestBase {
    static final String SIM = "mock-llm-v1";
    static final String VIA_UPSTREAM = "upstream-model";
    static final String FALLBACK = "fallback-model";
    GatewayFixture second;
    OpenAIClient sdk;

    @BeforeEach
    void startGateways() {
        VitalsConfig upstreamCfg = config(simulated("sim-up", VIA_UPSTREAM));
        upstreamCfg.backends.get(0).embeddingDimensions = 64;
        second = GatewayFixture.start(upstreamVertx, upstreamCfg); // another Vert.x: port 0 is shared per Vert.x (see VitalsServer)
        gateway = GatewayFixture.start(gatewayVertx, config(simulated("simulated", SIM),
                openAi("vitals-upstream", "http://127.0.0.1:" + second.port() + "/v1", VIA_UPSTREAM),
                openAi("down", GatewayFixture.refusedBaseUrl(), FALLBACK), simulated("sim-fallback", FALLBACK)));
        sdk = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + gateway.port() + "/v1").apiKey("test")
                .maxRetries(0).responseValidation(true).timeout(Duration.ofSeconds(20)).build();
    }

    @AfterEach
    void closeAll() {
        sdk.close();
        if (second != null) {
            second.close();
        }
    }

    private static double ops(PromMetrics m, String op, String model) {
        return m.sum("gen_ai_client_operation_duration_seconds_count", "gen_ai_operation_name", op,
                "gen_ai_request_model", model);
    }

    @Test
    void embeddingsAreDeterministicAndCounted() {
        EmbeddingCreateParams p = EmbeddingCreateParams.builder().model(SIM)
                .inputOfArrayOfStrings(List.of("the quick brown fox", "jumps")).build();
        CreateEmbeddingResponse a = sdk.embeddings().create(p);
        CreateEmbeddingResponse b = sdk.embeddings().create(p);
        assertThat(a.data()).hasSize(2);
        List<Float> v0 = a.data().get(0).embedding();
        assertThat(v0).hasSize(256).isEqualTo(b.data().get(0).embedding());
        assertThat(a.data().get(1).embedding()).isNotEqualTo(v0);
        double norm = v0.stream().mapToDouble(x -> x * x).sum();
        assertThat(norm).isCloseTo(1.0, within(1e-4));
        assertThat(a.usage().promptTokens()).isEqualTo(5);
        CreateEmbeddingResponse small = sdk.embeddings().create(p.toBuilder().dimensions(8).build());
        assertThat(small.data().get(0).embedding()).hasSize(8);

        PromMetrics m = gateway.metrics();
        assertThat(ops(m, "embeddings", SIM)).isEqualTo(3);
        assertThat(m.value("llm_input_tokens_total", "model_name", SIM)).isEqualTo(15);
        assertThat(m.valueOr(0, "llm_output_tokens_total", "model_name", SIM)).isZero();
        assertThat(m.value("llm_cost_usd_total", "model_name", SIM)).isCloseTo(15 * 5.00 / 1_000_000d, within(1e-15));
        GatewayFixture.assertReconciled(m, SIM, 3);
    }

    @Test
    void completionsAnswerTextAndAreCounted() {
        Completion c = sdk.completions().create(CompletionCreateParams.builder().model(SIM).prompt("Once upon a time").build());
        assertThat(c.choices().get(0).text()).startsWith("This is a simulated response to your prompt: 'Once upon a time...'");
        long out = c.usage().orElseThrow().completionTokens();
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(4);
        PromMetrics m = gateway.metrics();
        assertThat(ops(m, "text_completion", SIM)).isEqualTo(1);
        assertThat(m.value("llm_output_tokens_total", "model_name", SIM)).isEqualTo(out);
    }

    /** Streams a legacy completion; the text and the usages seen. */
    private String streamCompletion(String model, boolean includeUsage, List<com.openai.models.completions.CompletionUsage> usages) {
        StringBuilder text = new StringBuilder();
        CompletionCreateParams.Builder p = CompletionCreateParams.builder().model(model).prompt("stream this text");
        if (includeUsage) {
            p.streamOptions(com.openai.models.chat.completions.ChatCompletionStreamOptions.builder().includeUsage(true).build());
        }
        // without response validation: the SDK's CompletionChoice requires finish_reason, but every chunk before the last
        // carries "finish_reason": null, as OpenAI's own legacy completion streams do
        OpenAIClient lenient = sdk.withOptions(o -> o.responseValidation(false)); // shares sdk's connections, closed with it
        try (StreamResponse<Completion> s = lenient.completions().createStreaming(p.build())) {
            s.stream().forEach(c -> {
                c.choices().forEach(ch -> text.append(ch.text()));
                c.usage().ifPresent(usages::add);
            });
        }
        return text.toString();
    }

    @Test
    void completionsStreamOnTheSimulatedBackendAndThroughAnUpstream() {
        List<com.openai.models.completions.CompletionUsage> plain = new ArrayList<>();
        assertThat(streamCompletion(SIM, false, plain)).startsWith("This is a simulated response to your prompt: 'stream this text...'");
        assertThat(plain).as("no usage chunk unless asked").isEmpty();
        List<com.openai.models.completions.CompletionUsage> withUsage = new ArrayList<>();
        streamCompletion(SIM, true, withUsage);
        assertThat(withUsage).hasSize(1);
        List<com.openai.models.completions.CompletionUsage> up = new ArrayList<>();
        assertThat(streamCompletion(VIA_UPSTREAM, true, up)).startsWith("This is a simulated response");
        assertThat(up).hasSize(1);
        PromMetrics m = gateway.awaitMetrics("three streamed completions", x -> ops(x, "text_completion", SIM) == 2
                && ops(x, "text_completion", VIA_UPSTREAM) == 1);
        assertThat(m.value("llm_input_tokens_total", "model_name", SIM)).isEqualTo(6);
        assertThat(m.value("llm_input_tokens_total", "model_name", VIA_UPSTREAM)).isEqualTo(3);
        assertThat(m.value("llm_output_tokens_total", "model_name", VIA_UPSTREAM)).isEqualTo(up.get(0).completionTokens());
        assertThat(m.valueOr(0, "llm_estimated_token_requests_total", "model_name", SIM)).isZero();
        assertThat(m.valueOr(0, "llm_time_to_first_token_seconds_count", "model_name", SIM)).isEqualTo(2);
    }

    @Test
    void responsesNonStreamingAndStreaming() {
        Response r = sdk.responses().create(ResponseCreateParams.builder().model(SIM).input("Tell me about otters").build());
        String text = r.output().get(0).asMessage().content().get(0).asOutputText().text();
        assertThat(text).startsWith("This is a simulated response to your prompt: 'Tell me about otters...'");
        ResponseUsage u = r.usage().orElseThrow();
        assertThat(u.inputTokens()).isEqualTo(4);

        StringBuilder streamed = new StringBuilder();
        List<ResponseUsage> usages = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> s = sdk.responses().createStreaming(
                ResponseCreateParams.builder().model(SIM).input("stream me please").build())) {
            s.stream().forEach(ev -> {
                ev.outputTextDelta().ifPresent(d -> streamed.append(d.delta()));
                ev.completed().ifPresent(c -> c.response().usage().ifPresent(usages::add));
            });
        }
        assertThat(streamed.toString()).startsWith("This is a simulated response to your prompt: 'stream me please...'");
        assertThat(usages).hasSize(1);
        PromMetrics m = gateway.awaitMetrics("two responses calls", x -> ops(x, "chat", SIM) == 2);
        assertThat(m.value("llm_input_tokens_total", "model_name", SIM)).isEqualTo(4 + 3);
        assertThat(m.value("llm_output_tokens_total", "model_name", SIM))
                .isEqualTo(u.outputTokens() + usages.get(0).outputTokens());
        assertThat(m.valueOr(0, "llm_time_to_first_token_seconds_count", "model_name", SIM)).isEqualTo(1);
        assertThat(m.valueOr(0, "llm_estimated_token_requests_total", "model_name", SIM)).isZero();
    }

    @Test
    void throughAnOpenAiUpstreamAndWithFallbacks() {
        CreateEmbeddingResponse e = sdk.embeddings().create(EmbeddingCreateParams.builder().model(VIA_UPSTREAM).input("hello world").build());
        assertThat(e.data().get(0).embedding()).hasSize(64);
        Completion c = sdk.completions().create(CompletionCreateParams.builder().model(VIA_UPSTREAM).prompt("a b c").build());
        Response r = sdk.responses().create(ResponseCreateParams.builder().model(VIA_UPSTREAM).input("x y").build());
        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<ResponseStreamEvent> s = sdk.responses().createStreaming(
                ResponseCreateParams.builder().model(VIA_UPSTREAM).input("one two three").build())) {
            s.stream().forEach(ev -> ev.outputTextDelta().ifPresent(d -> streamed.append(d.delta())));
        }
        assertThat(streamed).isNotEmpty();
        PromMetrics m = gateway.awaitMetrics("four upstream calls", x -> x.valueOr(0, "llm_requests_total", "model_name",
                VIA_UPSTREAM, "status", "success") == 4);
        assertThat(m.value("llm_input_tokens_total", "model_name", VIA_UPSTREAM)).isEqualTo(2 + 3 + 2 + 3);
        assertThat(m.value("llm_output_tokens_total", "model_name", VIA_UPSTREAM)).isGreaterThanOrEqualTo(
                c.usage().orElseThrow().completionTokens() + r.usage().orElseThrow().outputTokens() + 20);
        assertThat(m.valueOr(0, "llm_estimated_token_requests_total", "model_name", VIA_UPSTREAM)).isZero();
        assertThat(m.sum("gen_ai_client_operation_duration_seconds_count", "gen_ai_operation_name", "embeddings",
                "gen_ai_provider_name", "openai", "gen_ai_request_model", VIA_UPSTREAM)).isEqualTo(1);

        // the first backend of FALLBACK refuses connections: the simulated one answers, one fallback counted
        sdk.embeddings().create(EmbeddingCreateParams.builder().model(FALLBACK).input("fall back").build());
        sdk.responses().create(ResponseCreateParams.builder().model(FALLBACK).input("fall back").build());
        PromMetrics f = gateway.metrics();
        assertThat(f.value("llm_requests_total", "model_name", FALLBACK, "status", "success")).isEqualTo(2);
        assertThat(f.sum("llm_fallbacks_total", "model_name", FALLBACK)).isEqualTo(2);
    }

    @Test
    void badInputIsA400NamingTheField() throws Exception {
        String[][] cases = {
                {"/v1/embeddings", "{\"model\":\"" + SIM + "\"}", "invalid_input"},
                {"/v1/embeddings", "{\"model\":\"" + SIM + "\",\"input\":[]}", "invalid_input"},
                {"/v1/embeddings", "{\"model\":\"" + SIM + "\",\"input\":[\"a\",3]}", "invalid_input"},
                {"/v1/embeddings", "{\"model\":\"" + SIM + "\",\"input\":\"a\",\"dimensions\":0}", "invalid_dimensions"},
                {"/v1/embeddings", "{\"model\":\"" + SIM + "\",\"input\":\"a\",\"dimensions\":1.5}", "invalid_dimensions"},
                {"/v1/embeddings", "{\"model\":\"" + SIM + "\",\"input\":\"a\",\"encoding_format\":\"hex\"}", "invalid_encoding_format"},
                {"/v1/embeddings", "[1,2]", "invalid_body"},
                {"/v1/completions", "{\"model\":\"" + SIM + "\",\"prompt\":5}", "invalid_prompt"},
                {"/v1/completions", "{\"model\":\"" + SIM + "\",\"prompt\":\"a\",\"stream\":true,\"stream_options\":3}", "invalid_stream_options"},
                {"/v1/responses", "{\"model\":\"" + SIM + "\"}", "invalid_input"},
                {"/v1/responses", "{\"model\":\"" + SIM + "\",\"input\":\"a\",\"stream\":\"yes\"}", "invalid_stream"},
                {"/v1/responses", "{\"model\":\"" + SIM + "\",\"input\":[\"a\"]}", "invalid_input"},
                {"/v1/responses", "{\"model\":7,\"input\":\"a\"}", "invalid_model"},
                {"/v1/responses", "not json", "invalid_json"},
                {"/v1/embeddings", "{\"model\":\"" + SIM + "\",\"input\":[" + "\"a\",".repeat(2048) + "\"a\"]}", "invalid_input"},
                {"/v1/embeddings", "{\"model\":\"" + SIM + "\",\"input\":[1,-2]}", "invalid_input"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = GatewayFixture.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + c[0]))
                    .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(c[1])).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(c[0] + " " + c[1]).isEqualTo(400);
            assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).as(c[1]).isEqualTo(c[2]);
        }
        HttpResponse<String> unknown = GatewayFixture.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                + "/v1/embeddings")).POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"nope\",\"input\":\"a\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThatThrownBy(() -> sdk.embeddings().create(EmbeddingCreateParams.builder().model(SIM).input("a").dimensions(100_000).build()))
                .isInstanceOf(BadRequestException.class);
        PromMetrics m = gateway.metrics();
        assertThat(m.valueOr(0, "llm_requests_total", "model_name", SIM, "status", "success")).isZero();
        assertThat(m.sum("vitals_http_requests_total", "route", "/v1/embeddings", "code", "400")).isGreaterThanOrEqualTo(7);
    }

    @Test
    void failuresAreRecordedWithTheirType() {
        assertThatThrownBy(() -> sdk.responses().create(ResponseCreateParams.builder().model(SIM).input("please raise an error").build()))
                .isInstanceOf(com.openai.errors.InternalServerException.class);
        List<String> types = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> s = sdk.responses().createStreaming(
                ResponseCreateParams.builder().model(SIM).input("an error in a stream").build())) {
            s.stream().forEach(ev -> types.add(String.valueOf(ev)));
        } catch (RuntimeException expected) {
            types.add("exception " + expected.getClass().getSimpleName());
        }
        PromMetrics m = gateway.metrics();
        assertThat(m.value("llm_requests_total", "model_name", SIM, "status", "failure")).isEqualTo(2);
        assertThat(m.sum("gen_ai_client_operation_duration_seconds_count", "gen_ai_operation_name", "chat",
                "gen_ai_request_model", SIM, "error_type", "model_error")).isEqualTo(2);
    }
}
