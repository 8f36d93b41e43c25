package dev.vitals.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.TokenUsage;
import dev.vitals.internal.ThrottledLogger;
import dev.vitals.llm.CallListener;
import dev.vitals.llm.ErrorType;
import dev.vitals.llm.LlmCall;
import dev.vitals.metrics.LlmMetrics;
import dev.vitals.pricing.PriceCatalog;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A LangChain4j {@link ChatModelListener} that turns every chat call of any provider into one
 * {@link LlmCall} — model, provider, outcome and normalized {@link ErrorType}, input/output/cached
 * tokens, latency, cost from the {@link PriceCatalog}, response length, the provider's response id —
 * and records it in Vitals' {@code llm_*} and {@code gen_ai_*} families.
 *
 * <pre>{@code
 * VitalsChatModelListener vitals = VitalsChatModelListener.create(PrometheusRegistry.defaultRegistry);
 * ChatModel model = OpenAiChatModel.builder()
 *     .apiKey(key).modelName("gpt-4o-mini")
 *     .listeners(List.of(vitals))          // the one line
 *     .build();
 * }</pre>
 *
 * <p>Counts and retries: LangChain4j retries failed calls itself (OpenAI's blocking model, say, up to
 * {@code maxRetries} = 2 extra attempts on 5xx, 429 and timeouts) inside one listener call, so Vitals
 * counts one request per {@code chat(...)}: its latency includes the retries, and a call that succeeded
 * on a retry counts as one success. Only a call whose last attempt failed counts as a failure, with the
 * type of that last error. Retries are invisible to the listener, so {@code llm_fallbacks_total} stays 0.
 *
 * <p>Time to first token: LangChain4j tells listeners only the start and the end of a stream. Wrap a
 * streaming model with {@link #timeToFirstToken(StreamingChatModel)} to measure it too; without the
 * wrapper it is absent (not guessed).
 *
 * <p>Never throws into the model's call: a failure to record is counted by {@link LlmMetrics} in
 * {@code vitals_recording_errors_total}, or here in the log (throttled).
 */
public final class VitalsChatModelListener implements ChatModelListener {
    private static final Logger LOG = Logger.getLogger(VitalsChatModelListener.class.getName());
    /** Key of the start time (a {@code Long} of {@link System#nanoTime()}) in the listener attributes. */
    static final Object START_NANOS = new Object() {
        @Override
        public String toString() {
            return "vitals.startNanos";
        }
    };
    /** Key of the first token's time (an {@link AtomicLong}, 0 until then) put by the wrapper. */
    static final Object FIRST_TOKEN_NANOS = new Object() {
        @Override
        public String toString() {
            return "vitals.firstTokenNanos";
        }
    };

    private final CallListener sink;
    private final Supplier<PriceCatalog> prices;
    private final ThrottledLogger errorLog = new ThrottledLogger(LOG, Duration.ofMinutes(1));

    private VitalsChatModelListener(CallListener sink, Supplier<PriceCatalog> prices) {
        this.sink = Objects.requireNonNull(sink, "sink must not be null");
        this.prices = Objects.requireNonNull(prices, "prices must not be null");
    }

    /**
     * A listener that registers a new {@link LlmMetrics} (both families) on {@code registry} and prices
     * calls with the built-in catalog. Create one per registry: a second would clash on metric names.
     */
    public static VitalsChatModelListener create(PrometheusRegistry registry) {
        return of(LlmMetrics.builder().register(registry), PriceCatalog.builtIn());
    }

    /**
     * A listener that hands its calls to {@code sink} (an {@link LlmMetrics}, or any {@link CallListener}
     * that fans out) and prices them with {@code prices}, for apps that already have both.
     */
    public static VitalsChatModelListener of(CallListener sink, PriceCatalog prices) {
        Objects.requireNonNull(prices, "prices must not be null");
        return new VitalsChatModelListener(sink, () -> prices);
    }

    /** Like {@link #of(CallListener, PriceCatalog)}, with a catalog read at each call (one that reloads). */
    public static VitalsChatModelListener of(CallListener sink, Supplier<PriceCatalog> prices) {
        return new VitalsChatModelListener(sink, prices);
    }

    /**
     * {@code model} with time to first token measured: the returned model stamps the first streamed
     * token for this listener. {@code model} must have this listener among its listeners.
     */
    public StreamingChatModel timeToFirstToken(StreamingChatModel model) {
        return new FirstTokenTimingModel(model);
    }

    @Override
    public void onRequest(ChatModelRequestContext ctx) {
        ctx.attributes().put(START_NANOS, System.nanoTime());
    }

    @Override
    public void onResponse(ChatModelResponseContext ctx) {
        long end = System.nanoTime();
        try {
            ChatResponse response = ctx.chatResponse();
            ChatResponseMetadata meta = response.metadata();
            AiMessage ai = response.aiMessage();
            long chars = ai == null || ai.text() == null ? 0 : ai.text().length();
            LlmCall.Builder b = start(ctx.chatRequest(), meta, ctx.modelProvider(), ctx.attributes(), end)
                    .success()
                    .responseChars(chars)
                    .requestId(meta == null ? null : meta.id());
            TokenUsage usage = meta == null ? null : meta.tokenUsage();
            tokens(b, modelOf(ctx.chatRequest(), meta), usage, ctx.chatRequest(), chars);
            sink.onCall(b.build());
        } catch (RuntimeException e) {
            logThrottled(e);
        }
    }

    @Override
    public void onError(ChatModelErrorContext ctx) {
        long end = System.nanoTime();
        try {
            String model = modelOf(ctx.chatRequest(), null);
            LlmCall.Builder b = start(ctx.chatRequest(), null, ctx.modelProvider(), ctx.attributes(), end)
                    .failure(ErrorTypes.of(ctx.error()));
            // no usage is visible on a failure: 0 tokens, costing 0 USD for a priced model (as the gateway
            // records a failure) and unknown for an unpriced one
            b.tokens(0, 0).costUsd(prices.get().cost(model, 0, 0, 0));
            sink.onCall(b.build());
        } catch (RuntimeException e) {
            logThrottled(e);
        }
    }

    private LlmCall.Builder start(ChatRequest request, ChatResponseMetadata meta, ModelProvider provider,
                                  Map<Object, Object> attributes, long end) {
        Object started = attributes.get(START_NANOS);
        // a listener added to a model mid-call saw no start: the duration is unknown, so 0 is not claimed
        long startNanos = started instanceof Long l ? l : end;
        LlmCall.Builder b = LlmCall.builder(modelOf(request, meta))
                .provider(providerName(provider))
                .operation("chat")
                .durationSeconds((end - startNanos) / 1e9);
        Object first = attributes.get(FIRST_TOKEN_NANOS);
        if (first instanceof AtomicLong at) {
            b.streaming(true);
            long t = at.get();
            if (t != 0 && started instanceof Long) {
                b.timeToFirstTokenSeconds(Math.max(0, t - startNanos) / 1e9);
            }
        }
        return b;
    }

    private void tokens(LlmCall.Builder b, String model, TokenUsage usage, ChatRequest request, long responseChars) {
        long in;
        long out;
        long cached = 0;
        if (usage != null && usage.inputTokenCount() != null && usage.outputTokenCount() != null) {
            in = usage.inputTokenCount();
            out = usage.outputTokenCount();
            cached = Math.min(in, CachedTokens.of(usage));
        } else {
            // the provider reported no usage: estimate from characters (4 per token) and say so
            in = estimate(promptChars(request));
            out = estimate(responseChars);
            b.tokensEstimated(true);
        }
        b.tokens(in, out).cachedInputTokens(cached).costUsd(prices.get().cost(model, in, cached, out));
    }

    static long estimate(long chars) {
        return (chars + 3) / 4;
    }

    private static long promptChars(ChatRequest request) {
        long n = 0;
        for (ChatMessage m : request.messages()) {
            if (m instanceof UserMessage u && u.hasSingleText()) {
                n += u.singleText().length();
            } else if (m instanceof SystemMessage s) {
                n += s.text().length();
            } else if (m instanceof AiMessage a && a.text() != null) {
                n += a.text().length();
            }
        }
        return n;
    }

    private static String modelOf(ChatRequest request, ChatResponseMetadata meta) {
        String m = request.parameters() == null ? null : request.parameters().modelName();
        if ((m == null || m.isEmpty()) && meta != null) {
            m = meta.modelName();
        }
        return m == null || m.isEmpty() ? "unknown" : m;
    }

    /** The OpenTelemetry GenAI {@code gen_ai.provider.name} of a LangChain4j provider. */
    static String providerName(ModelProvider p) {
        if (p == null) {
            return "_OTHER";
        }
        return switch (p.name()) {
            case "OPEN_AI" -> "openai";
            case "ANTHROPIC" -> "anthropic";
            case "AMAZON_BEDROCK" -> "aws.bedrock";
            case "AZURE_OPEN_AI" -> "azure.ai.openai";
            case "MICROSOFT_FOUNDRY" -> "azure.ai.inference";
            case "GOOGLE_AI_GEMINI" -> "gcp.gemini";
            case "GOOGLE_VERTEX_AI_GEMINI", "GOOGLE_VERTEX_AI_ANTHROPIC" -> "gcp.vertex_ai";
            case "GOOGLE_GENAI" -> "gcp.gen_ai";
            case "MISTRAL_AI" -> "mistral_ai";
            case "WATSONX" -> "ibm.watsonx.ai";
            case "COHERE" -> "cohere";
            case "OTHER" -> "_OTHER";
            default -> p.name().toLowerCase(Locale.ROOT);
        };
    }

    private void logThrottled(RuntimeException e) {
        errorLog.warning("recording a LangChain4j chat call failed (further failures in the next minute are not logged)", e);
    }
}
