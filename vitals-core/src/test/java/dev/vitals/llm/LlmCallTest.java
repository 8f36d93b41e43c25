package dev.vitals.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LlmCallTest {

    private static LlmCall.Builder ok() {
        return LlmCall.builder("gpt-4o-mini").success().durationSeconds(1.0);
    }

    /** Builds through the canonical constructor so that values the builder treats specially reach validation. */
    private static LlmCall raw(String model, long in, long out, long cached, double duration, double cost, int attempts) {
        return new LlmCall(null, model, "vitals", "chat", null, in, out, cached, false, duration,
                Double.NaN, Double.NaN, false, 0, cost, attempts, null);
    }

    @Test
    void builderHappyPathKeepsEveryValue() {
        LlmCall c = LlmCall.builder("gpt-4o-mini")
                .requestId("req-1")
                .provider("openai")
                .operation("text_completion")
                .success()
                .tokens(12, 87)
                .cachedInputTokens(4)
                .tokensEstimated(true)
                .durationSeconds(0.84)
                .upstreamSeconds(0.8)
                .timeToFirstTokenSeconds(0.2)
                .streaming(true)
                .responseChars(412)
                .costUsd(0.0012)
                .attempts(2)
                .build();

        assertThat(c.requestId()).isEqualTo("req-1");
        assertThat(c.model()).isEqualTo("gpt-4o-mini");
        assertThat(c.provider()).isEqualTo("openai");
        assertThat(c.operation()).isEqualTo("text_completion");
        assertThat(c.errorType()).isNull();
        assertThat(c.success()).isTrue();
        assertThat(c.inputTokens()).isEqualTo(12);
        assertThat(c.outputTokens()).isEqualTo(87);
        assertThat(c.cachedInputTokens()).isEqualTo(4);
        assertThat(c.tokensEstimated()).isTrue();
        assertThat(c.durationSeconds()).isEqualTo(0.84);
        assertThat(c.upstreamSeconds()).isEqualTo(0.8);
        assertThat(c.timeToFirstTokenSeconds()).isEqualTo(0.2);
        assertThat(c.streaming()).isTrue();
        assertThat(c.responseChars()).isEqualTo(412);
        assertThat(c.costUsd()).isEqualTo(0.0012);
        assertThat(c.priced()).isTrue();
        assertThat(c.attempts()).isEqualTo(2);
    }

    @Test
    void builderDefaults() {
        LlmCall c = ok().build();
        assertThat(c.requestId()).isNull();
        assertThat(c.provider()).isEqualTo("vitals");
        assertThat(c.operation()).isEqualTo("chat");
        assertThat(c.inputTokens()).isZero();
        assertThat(c.outputTokens()).isZero();
        assertThat(c.cachedInputTokens()).isZero();
        assertThat(c.tokensEstimated()).isFalse();
        assertThat(c.upstreamSeconds()).isNaN();
        assertThat(c.timeToFirstTokenSeconds()).isNaN();
        assertThat(c.streaming()).isFalse();
        assertThat(c.costUsd()).isNaN();
        assertThat(c.priced()).isFalse();
        assertThat(c.attempts()).isEqualTo(1);
    }

    @Test
    void failureCarriesItsTypeAndSuccessClearsIt() {
        LlmCall failed = LlmCall.builder("m").failure(ErrorType.RATE_LIMITED).durationSeconds(0.1).build();
        assertThat(failed.success()).isFalse();
        assertThat(failed.errorType()).isEqualTo(ErrorType.RATE_LIMITED);

        LlmCall recovered = LlmCall.builder("m").failure(ErrorType.TIMEOUT).success().durationSeconds(0.1).build();
        assertThat(recovered.success()).isTrue();
        assertThat(recovered.errorType()).isNull();
    }

    @Test
    void zeroDurationAndZeroCostAreValid() {
        LlmCall c = ok().durationSeconds(0).costUsd(0).build();
        assertThat(c.durationSeconds()).isZero();
        assertThat(c.costUsd()).isZero();
        assertThat(c.priced()).isTrue();
    }

    @Test
    void cachedEqualToInputIsValid() {
        assertThat(ok().tokens(10, 1).cachedInputTokens(10).build().cachedInputTokens()).isEqualTo(10);
    }

    @Test
    void missingOutcome() {
        assertThatThrownBy(() -> LlmCall.builder("m").durationSeconds(1).build())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("call outcome missing: call success() or failure(ErrorType)");
    }

    @Test
    void missingDuration() {
        assertThatThrownBy(() -> LlmCall.builder("m").success().build())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("durationSeconds missing");
    }

    @Test
    void nanDurationThroughTheBuilderCountsAsMissing() {
        assertThatThrownBy(() -> ok().durationSeconds(Double.NaN).build())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("durationSeconds missing");
    }

    @Test
    void nanDurationThroughTheConstructor() {
        assertThatThrownBy(() -> raw("m", 0, 0, 0, Double.NaN, Double.NaN, 1))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("durationSeconds must be finite and >= 0, got NaN");
    }

    @Test
    void infiniteDuration() {
        assertThatThrownBy(() -> ok().durationSeconds(Double.POSITIVE_INFINITY).build())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("durationSeconds must be finite and >= 0, got Infinity");
        assertThatThrownBy(() -> ok().durationSeconds(Double.NEGATIVE_INFINITY).build())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("durationSeconds must be finite and >= 0, got -Infinity");
    }

    @Test
    void negativeDuration() {
        assertThatThrownBy(() -> ok().durationSeconds(-0.5).build())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("durationSeconds must be finite and >= 0, got -0.5");
    }

    @Test
    void negativeTokens() {
        assertThatThrownBy(() -> ok().tokens(-1, 5).build())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("inputTokens must be >= 0, got -1");
        assertThatThrownBy(() -> ok().tokens(5, -2).build())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("outputTokens must be >= 0, got -2");
        assertThatThrownBy(() -> ok().tokens(5, 5).cachedInputTokens(-3).build())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("cachedInputTokens must be >= 0, got -3");
    }

    @Test
    void negativeResponseChars() {
        assertThatThrownBy(() -> ok().responseChars(-1).build())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("responseChars must be >= 0, got -1");
    }

    @Test
    void cachedMoreThanInput() {
        assertThatThrownBy(() -> ok().tokens(4, 1).cachedInputTokens(5).build())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("cachedInputTokens (5) must not exceed inputTokens (4)");
    }

    @Test
    void negativeCost() {
        assertThatThrownBy(() -> ok().costUsd(-0.01).build())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("costUsd must be NaN (unknown) or finite and >= 0, got -0.01");
    }

    @Test
    void infiniteCost() {
        assertThatThrownBy(() -> ok().costUsd(Double.POSITIVE_INFINITY).build())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("costUsd must be NaN (unknown) or finite and >= 0, got Infinity");
    }

    @Test
    void negativeOrInfiniteUpstreamAndTimeToFirstToken() {
        assertThatThrownBy(() -> ok().upstreamSeconds(-1).build())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("upstreamSeconds must be NaN (unknown) or finite and >= 0, got -1.0");
        assertThatThrownBy(() -> ok().timeToFirstTokenSeconds(Double.POSITIVE_INFINITY).build())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeToFirstTokenSeconds must be NaN (unknown) or finite and >= 0, got Infinity");
    }

    @Test
    void attemptsZero() {
        assertThatThrownBy(() -> ok().attempts(0).build())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("attempts must be >= 1, got 0");
        assertThatThrownBy(() -> raw("m", 0, 0, 0, 1, Double.NaN, -4))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("attempts must be >= 1, got -4");
    }

    @Test
    void emptyOrNullModel() {
        assertThatThrownBy(() -> LlmCall.builder("").success().durationSeconds(1).build())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("model must be a non-empty string");
        assertThatThrownBy(() -> LlmCall.builder(null).success().durationSeconds(1).build())
                .isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("model must not be null");
    }

    @Test
    void nullProviderOperationOrErrorType() {
        assertThatThrownBy(() -> ok().provider(null).build())
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("provider must not be null");
        assertThatThrownBy(() -> ok().operation(null).build())
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("operation must not be null");
        assertThatThrownBy(() -> LlmCall.builder("m").failure(null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("type must not be null");
    }

    @Test
    void errorTypeLabels() {
        assertThat(ErrorType.TIMEOUT.label()).isEqualTo("timeout");
        assertThat(ErrorType.RATE_LIMITED.label()).isEqualTo("rate_limited");
        assertThat(ErrorType.OTHER.label()).isEqualTo("_OTHER");
    }

    @Test
    void httpStatusesMapToOneErrorType() {
        assertThat(ErrorType.ofHttpStatus(408)).isEqualTo(ErrorType.TIMEOUT);
        assertThat(ErrorType.ofHttpStatus(429)).isEqualTo(ErrorType.RATE_LIMITED);
        assertThat(ErrorType.ofHttpStatus(400)).isEqualTo(ErrorType.UPSTREAM_4XX);
        assertThat(ErrorType.ofHttpStatus(499)).isEqualTo(ErrorType.UPSTREAM_4XX);
        assertThat(ErrorType.ofHttpStatus(500)).isEqualTo(ErrorType.UPSTREAM_5XX);
        assertThat(ErrorType.ofHttpStatus(599)).isEqualTo(ErrorType.UPSTREAM_5XX);
        assertThat(ErrorType.ofHttpStatus(200)).isNull();
        assertThat(ErrorType.ofHttpStatus(399)).isNull();
        assertThat(ErrorType.ofHttpStatus(600)).isNull();
        assertThat(ErrorType.ofHttpStatus(-1)).isNull();
    }
}
