package dev.vitals.spring.ai;

import dev.vitals.internal.ThrottledLogger;
import dev.vitals.llm.CallListener;
import dev.vitals.llm.ErrorType;
import dev.vitals.llm.LlmCall;
import dev.vitals.pricing.PriceCatalog;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.reflect.Method;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.logging.Logger;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * Records every Spring AI chat model call — blocking or streaming, any provider — as one {@link LlmCall}
 * when its observation stops: model, provider, outcome and normalized {@link ErrorType}, prompt, completion
 * and cached tokens, latency, cost from the {@link PriceCatalog}, response length and the response id.
 * The starter registers it as a bean, and Spring Boot adds it to the {@code ObservationRegistry}.
 *
 * <pre>{@code
 * observationRegistry.observationConfig()
 *     .observationHandler(new VitalsChatObservationHandler(llmMetrics, PriceCatalog.builtIn()));
 * }</pre>
 *
 * <p>Retries happen inside the observation (Spring AI's OpenAI client retries 5xx, 429 and timeouts up to
 * {@code max-retries} = 3 times): one call is one request, and only the last attempt's error counts.
 * Spring AI reports no first token time: for streams it is absent, not guessed. Spring AI 2.0's stream
 * aggregation drops cached prompt tokens: for streams they count as uncached, so the cost is an upper bound.
 * Never throws into the call.
 */
public final class VitalsChatObservationHandler implements ObservationHandler<ChatModelObservationContext> {
    private static final Logger LOG = Logger.getLogger(VitalsChatObservationHandler.class.getName());
    private static final String START = VitalsChatObservationHandler.class.getName() + ".startNanos";
    private static final int MAX_DEPTH = 16;

    private final CallListener sink;
    private final PriceCatalog prices;
    private final ThrottledLogger errorLog = new ThrottledLogger(LOG, Duration.ofMinutes(1));

    /** @param sink where calls go, usually the app's {@code LlmMetrics} */
    public VitalsChatObservationHandler(CallListener sink, PriceCatalog prices) {
        this.sink = Objects.requireNonNull(sink, "sink must not be null");
        this.prices = Objects.requireNonNull(prices, "prices must not be null");
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof ChatModelObservationContext;
    }

    @Override
    public void onStart(ChatModelObservationContext context) {
        context.put(START, System.nanoTime());
    }

    @Override
    public void onStop(ChatModelObservationContext ctx) {
        long end = System.nanoTime();
        try {
            Long start = ctx.get(START);
            ChatResponse response = ctx.getResponse();
            ChatResponseMetadata meta = response == null ? null : response.getMetadata();
            String model = model(ctx.getRequest(), meta);
            String provider = ctx.getOperationMetadata().provider();
            LlmCall.Builder b = LlmCall.builder(model)
                    .provider(provider == null || provider.isEmpty() ? "_OTHER" : provider)
                    .operation("chat")
                    .streaming(ctx.isStreaming())
                    .durationSeconds(start == null ? 0 : Math.max(0, end - start) / 1e9);
            Throwable error = ctx.getError();
            if (error != null) {
                // no usage is visible on a failure: 0 tokens, costing 0 USD for a priced model (as the gateway
                // records a failure) and unknown for an unpriced one
                b.failure(errorType(error)).costUsd(prices.cost(model, 0, 0, 0));
            } else {
                long chars = responseChars(response);
                b.success().responseChars(chars).requestId(meta == null || meta.getId() == null || meta.getId().isEmpty()
                        ? null : meta.getId());
                tokens(b, model, meta == null ? null : meta.getUsage(), ctx.getRequest(), chars);
            }
            sink.onCall(b.build());
        } catch (RuntimeException e) {
            errorLog.warning("recording a Spring AI chat call failed (further failures in the next minute are not logged)", e);
        }
    }

    private void tokens(LlmCall.Builder b, String model, Usage usage, Prompt prompt, long responseChars) {
        long in;
        long out;
        long cached = 0;
        Integer p = usage == null ? null : usage.getPromptTokens();
        Integer c = usage == null ? null : usage.getCompletionTokens();
        // Spring AI reports an EmptyUsage (0, 0) when the provider sent none: that is not a measured 0
        if (p != null && c != null && (p > 0 || c > 0)) {
            in = p;
            out = c;
            Long cacheRead = usage.getCacheReadInputTokens();
            cached = cacheRead == null ? 0 : Math.min(in, Math.max(0, cacheRead));
        } else {
            in = (promptChars(prompt) + 3) / 4;
            out = (responseChars + 3) / 4;
            b.tokensEstimated(true);
        }
        b.tokens(in, out).cachedInputTokens(cached).costUsd(prices.cost(model, in, cached, out));
    }

    private static long promptChars(Prompt prompt) {
        long n = 0;
        for (Message m : prompt.getInstructions()) {
            String t = m.getText();
            n += t == null ? 0 : t.length();
        }
        return n;
    }

    private static long responseChars(ChatResponse response) {
        if (response == null) {
            return 0;
        }
        long n = 0;
        List<Generation> results = response.getResults();
        for (Generation g : results) {
            String t = g.getOutput() == null ? null : g.getOutput().getText();
            n += t == null ? 0 : t.length();
        }
        return n;
    }

    private static String model(Prompt prompt, ChatResponseMetadata meta) {
        ChatOptions o = prompt.getOptions();
        String m = o == null ? null : o.getModel();
        if ((m == null || m.isEmpty()) && meta != null) {
            m = meta.getModel();
        }
        return m == null || m.isEmpty() ? "unknown" : m;
    }

    /** The normalized type of what a chat model threw, by HTTP status where the exception carries one. */
    static ErrorType errorType(Throwable error) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < MAX_DEPTH; t = t.getCause(), depth++) {
            ErrorType byStatus = ErrorType.ofHttpStatus(status(t));
            if (byStatus != null) {
                return byStatus;
            }
        }
        depth = 0;
        for (Throwable t = error; t != null && depth < MAX_DEPTH; t = t.getCause(), depth++) {
            if (t instanceof HttpTimeoutException || t instanceof InterruptedIOException
                    || t instanceof java.util.concurrent.TimeoutException) {
                return ErrorType.TIMEOUT; // SocketTimeoutException and OkHttp's "timeout" are InterruptedIOExceptions
            }
        }
        depth = 0;
        for (Throwable t = error; t != null && depth < MAX_DEPTH; t = t.getCause(), depth++) {
            if (t instanceof IOException) {
                return ErrorType.CONNECTION;
            }
        }
        return ErrorType.OTHER;
    }

    /**
     * The HTTP status an exception carries, or -1: {@code statusCode()} (the OpenAI and Anthropic Java
     * SDKs) or {@code getStatusCode().value()} (Spring's REST client). Looked up by name so that no
     * provider SDK is a dependency of the starter.
     */
    private static int status(Throwable t) {
        for (String name : new String[] {"statusCode", "getStatusCode"}) {
            try {
                Method m = t.getClass().getMethod(name);
                Object v = m.invoke(t);
                if (v instanceof Integer i) {
                    return i;
                }
                if (v != null) {
                    Method value = v.getClass().getMethod("value");
                    if (value.invoke(v) instanceof Integer i) {
                        return i;
                    }
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // not this shape
            }
        }
        return -1;
    }
}
