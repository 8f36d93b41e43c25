package dev.vitals.llm;

import dev.vitals.internal.Args;
import java.util.Objects;

/**
 * One finished model call, recorded once as an immutable value. Every consumer (metric families,
 * later drift, state and business consumers) reads this record and never reaches back into the
 * request, so a caller cannot half-record a call.
 *
 * <p>Durations are in seconds; a duration that was not measured is {@code NaN}. A cost that is not
 * known (the model has no price) is {@code NaN} and is never invented.
 *
 * <pre>{@code
 * LlmCall call = LlmCall.builder("gpt-4o-mini")
 *     .provider("openai")
 *     .success()
 *     .tokens(12, 87)
 *     .durationSeconds(0.84)
 *     .responseChars(412)
 *     .build();
 * metrics.record(call);
 * }</pre>
 *
 * @param requestId the request id, or {@code null}
 * @param model the requested model name (never empty)
 * @param provider the provider, e.g. {@code openai} or {@code vitals} for the simulated model
 * @param operation the operation, e.g. {@code chat} or {@code text_completion}
 * @param errorType {@code null} on success, the normalized error type on failure
 * @param inputTokens input (prompt) tokens, including cached ones
 * @param outputTokens output (completion) tokens
 * @param cachedInputTokens the part of the input tokens served from the provider's cache
 * @param tokensEstimated whether the token counts were estimated rather than reported by the backend
 * @param durationSeconds end-to-end duration as the caller saw it
 * @param upstreamSeconds time spent waiting on the backend, or {@code NaN}
 * @param timeToFirstTokenSeconds time from the start to the first output token of a stream, or {@code NaN}
 * @param streaming whether the response was streamed
 * @param responseChars characters of response text
 * @param costUsd the cost of the call in USD, or {@code NaN} when the model has no price
 * @param attempts backends tried, 1 when the first one answered
 * @param traceId the W3C trace id (32 lower-case hex digits) of the request's span, or {@code null}
 */
public record LlmCall(
        String requestId,
        String model,
        String provider,
        String operation,
        ErrorType errorType,
        long inputTokens,
        long outputTokens,
        long cachedInputTokens,
        boolean tokensEstimated,
        double durationSeconds,
        double upstreamSeconds,
        double timeToFirstTokenSeconds,
        boolean streaming,
        long responseChars,
        double costUsd,
        int attempts,
        String traceId) {

    public LlmCall {
        Args.notEmpty(model, "model");
        Objects.requireNonNull(provider, "provider must not be null");
        Objects.requireNonNull(operation, "operation must not be null");
        requireNonNegative("inputTokens", inputTokens);
        requireNonNegative("outputTokens", outputTokens);
        requireNonNegative("cachedInputTokens", cachedInputTokens);
        requireNonNegative("responseChars", responseChars);
        if (cachedInputTokens > inputTokens) {
            throw new IllegalArgumentException("cachedInputTokens (" + cachedInputTokens
                    + ") must not exceed inputTokens (" + inputTokens + ")");
        }
        Args.finiteAtLeast(durationSeconds, 0, "durationSeconds");
        requireNaNOrNonNegative("upstreamSeconds", upstreamSeconds);
        requireNaNOrNonNegative("timeToFirstTokenSeconds", timeToFirstTokenSeconds);
        requireNaNOrNonNegative("costUsd", costUsd);
        Args.atLeast(attempts, 1, "attempts");
        if (traceId != null && !isTraceId(traceId)) {
            throw new IllegalArgumentException("traceId must be 32 lower-case hex digits, not all zero");
        }
    }

    /** Whether {@code s} is a valid W3C trace id: 32 lower-case hex digits, not all zero. */
    public static boolean isTraceId(String s) {
        if (s.length() != 32) {
            return false;
        }
        boolean nonZero = false;
        for (int i = 0; i < 32; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
            nonZero |= c != '0';
        }
        return nonZero;
    }

    /** Whether the call succeeded. */
    public boolean success() {
        return errorType == null;
    }

    /** Whether a cost is known for this call. */
    public boolean priced() {
        return !Double.isNaN(costUsd);
    }

    /** Starts a call record for {@code model}; see {@link Builder}. */
    public static Builder builder(String model) {
        return new Builder(model);
    }

    private static void requireNonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + value);
        }
    }

    private static void requireNaNOrNonNegative(String name, double value) {
        if (!Double.isNaN(value) && (value < 0 || Double.isInfinite(value))) {
            throw new IllegalArgumentException(name + " must be NaN (unknown) or finite and >= 0, got " + value);
        }
    }

    /**
     * Builds an {@link LlmCall}. Not thread-safe; the record it builds is. Either {@link #success()}
     * or {@link #failure(ErrorType)} must be called: a call with no outcome fails fast.
     */
    public static final class Builder {
        private final String model;
        private String requestId;
        private String provider = "vitals";
        private String operation = "chat";
        private Boolean success;
        private ErrorType errorType;
        private long inputTokens;
        private long outputTokens;
        private long cachedInputTokens;
        private boolean tokensEstimated;
        private double durationSeconds = Double.NaN;
        private double upstreamSeconds = Double.NaN;
        private double timeToFirstTokenSeconds = Double.NaN;
        private boolean streaming;
        private long responseChars;
        private double costUsd = Double.NaN;
        private int attempts = 1;
        private String traceId;

        private Builder(String model) {
            this.model = model;
        }

        public Builder requestId(String requestId) { this.requestId = requestId; return this; }
        public Builder provider(String provider) { this.provider = provider; return this; }
        public Builder operation(String operation) { this.operation = operation; return this; }
        public Builder success() { this.success = true; this.errorType = null; return this; }
        public Builder failure(ErrorType type) {
            this.success = false;
            this.errorType = Objects.requireNonNull(type, "type must not be null");
            return this;
        }
        public Builder tokens(long input, long output) { this.inputTokens = input; this.outputTokens = output; return this; }
        public Builder cachedInputTokens(long cached) { this.cachedInputTokens = cached; return this; }
        public Builder tokensEstimated(boolean estimated) { this.tokensEstimated = estimated; return this; }
        public Builder durationSeconds(double seconds) { this.durationSeconds = seconds; return this; }
        public Builder upstreamSeconds(double seconds) { this.upstreamSeconds = seconds; return this; }
        public Builder timeToFirstTokenSeconds(double seconds) { this.timeToFirstTokenSeconds = seconds; return this; }
        public Builder streaming(boolean streaming) { this.streaming = streaming; return this; }
        public Builder responseChars(long chars) { this.responseChars = chars; return this; }
        public Builder costUsd(double usd) { this.costUsd = usd; return this; }
        public Builder attempts(int attempts) { this.attempts = attempts; return this; }
        public Builder traceId(String traceId) { this.traceId = traceId; return this; }

        /**
         * @throws IllegalArgumentException if the outcome or duration is missing or a value is out of range
         */
        public LlmCall build() {
            if (success == null) {
                throw new IllegalArgumentException("call outcome missing: call success() or failure(ErrorType)");
            }
            if (Double.isNaN(durationSeconds)) {
                throw new IllegalArgumentException("durationSeconds missing");
            }
            return new LlmCall(requestId, model, provider, operation, errorType, inputTokens, outputTokens,
                    cachedInputTokens, tokensEstimated, durationSeconds, upstreamSeconds, timeToFirstTokenSeconds,
                    streaming, responseChars, costUsd, attempts, traceId);
        }
    }
}
