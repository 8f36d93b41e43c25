package dev.vitals.server.telemetry;

import dev.vitals.llm.LlmCall;
import dev.vitals.server.gateway.Call;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What a gateway call leaves besides metrics: its span (OpenTelemetry GenAI semantic conventions, kind CLIENT,
 * child of the caller's W3C {@code traceparent}, its context forwarded to the upstream) and its request log line.
 * Neither ever holds prompt or response text. The span's trace id is the call's, so the metrics' exemplars
 * ({@code trace_id}) lead to it; with tracing off the caller's trace id (if any) is kept and its
 * {@code traceparent} forwarded unchanged.
 */
public final class CallTelemetry implements AutoCloseable {
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");

    private static final TextMapGetter<Function<String, String>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Function<String, String> carrier) {
            return List.of("traceparent", "tracestate");
        }

        @Override
        public String get(Function<String, String> carrier, String key) {
            return carrier == null ? null : carrier.apply(key);
        }
    };

    /** Version 00 exactly, as forwarded unchanged when tracing is off; anything else is not passed on. */
    private static final java.util.regex.Pattern TRACEPARENT = java.util.regex.Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    /** Printable ASCII, at most 512 characters (the W3C limit). */
    private static final java.util.regex.Pattern TRACESTATE = java.util.regex.Pattern.compile("[\\x20-\\x7e]{1,512}");

    private final Tracing tracing;
    private final RequestLog log;

    /** @param log the request log, or {@code null} when off */
    public CallTelemetry(Tracing tracing, RequestLog log) {
        this.tracing = tracing;
        this.log = log;
    }

    /** Neither spans nor a request log (embedders and tests that want none). */
    public static CallTelemetry none() {
        return new CallTelemetry(Tracing.off(), null);
    }

    public Tracing tracing() {
        return tracing;
    }

    /** The request log, or {@code null}. */
    public RequestLog requestLog() {
        return log;
    }

    /**
     * Starts the call's span (its start is the request's) and arranges for it and the log line to be finished
     * when the call is recorded.
     *
     * @param header the request's headers by name
     * @param route the route template, e.g. {@code /v1/chat/completions}
     * @param keyName the API key's name, or {@code null}
     */
    public void begin(Call call, String model, Function<String, String> header, String route, String keyName) {
        Span span = null;
        if (tracing.enabled()) {
            Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), header, HEADERS);
            long ago = Math.max(0, System.nanoTime() - call.startNanos());
            Instant start = Instant.now().minusNanos(ago);
            span = tracing.tracer().spanBuilder(call.operation().semconvName() + " " + model)
                    .setParent(parent).setSpanKind(SpanKind.CLIENT)
                    .setStartTimestamp(start.getEpochSecond() * 1_000_000_000L + start.getNano(), TimeUnit.NANOSECONDS)
                    .setAttribute(REQUEST_MODEL, model)
                    .startSpan();
            if (span.getSpanContext().isValid()) {
                call.traceId(span.getSpanContext().getTraceId());
                Map<String, String> up = new HashMap<>(4);
                W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), up, Map::put);
                call.upstreamHeaders(up);
            }
        } else {
            String tp = header.apply("traceparent");
            if (tp != null && TRACEPARENT.matcher(tp).matches() && call.traceId() != null) {
                String ts = header.apply("tracestate");
                call.upstreamHeaders(ts == null || !TRACESTATE.matcher(ts).matches()
                        ? Map.of("traceparent", tp) : Map.of("traceparent", tp, "tracestate", ts));
            }
        }
        Span s = span;
        if (s != null || log != null) {
            call.onRecorded(c -> end(s, call, c, route, keyName));
        }
    }

    private void end(Span span, Call call, LlmCall c, String route, String keyName) {
        if (span != null) {
            if (span.isRecording()) {
                span.updateName(c.operation() + " " + c.model());
                span.setAttribute(OPERATION, c.operation());
                span.setAttribute(PROVIDER, c.provider());
                if (c.inputTokens() > 0 || c.outputTokens() > 0 || c.errorType() == null) {
                    span.setAttribute(INPUT_TOKENS, c.inputTokens());
                    span.setAttribute(OUTPUT_TOKENS, c.outputTokens());
                    if (c.tokensEstimated()) {
                        span.setAttribute("vitals.tokens_estimated", true);
                    }
                }
                if (call.responseId() != null) {
                    span.setAttribute(RESPONSE_ID, call.responseId());
                }
                if (call.responseModel() != null) {
                    span.setAttribute(RESPONSE_MODEL, call.responseModel());
                }
                if (call.finishReason() != null) {
                    span.setAttribute(FINISH_REASONS, List.of(call.finishReason()));
                }
                if (call.backendEndpoint() != null) {
                    java.net.URI u = call.backendEndpoint();
                    span.setAttribute(SERVER_ADDRESS, u.getHost());
                    int port = u.getPort() > 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
                    span.setAttribute(SERVER_PORT, (long) port);
                }
                if (call.backendName() != null) {
                    span.setAttribute("vitals.backend", call.backendName());
                }
                span.setAttribute("vitals.request_id", call.requestId());
                span.setAttribute("vitals.attempts", (long) c.attempts());
                if (!Double.isNaN(c.costUsd())) {
                    span.setAttribute("vitals.cost_usd", c.costUsd());
                }
                if (c.errorType() != null) {
                    span.setAttribute(ERROR_TYPE, c.errorType().label());
                    span.setStatus(StatusCode.ERROR);
                }
            }
            span.end();
        }
        if (log != null) {
            log.write(line(call, c, route, keyName, span));
        }
    }

    /** The request log line's fields; the log's writer thread formats them. */
    static CallLine line(Call call, LlmCall c, String route, String keyName, Span span) {
        String spanId = span != null && span.getSpanContext().isValid() ? span.getSpanContext().getSpanId() : null;
        return new CallLine(Instant.now(), c, spanId, route, call.responseModel(), call.responseId(), call.backendName(), keyName);
    }

    @Override
    public void close() {
        tracing.close();
        if (log != null) {
            log.close();
        }
    }
}
