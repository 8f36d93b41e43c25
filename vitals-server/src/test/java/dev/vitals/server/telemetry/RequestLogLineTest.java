package dev.vitals.server.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.llm.ErrorType;
import dev.vitals.llm.LlmCall;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The request log line written field by field is the line {@code JsonObject.encode()} wrote before, character for
 * character, on calls with every kind of value: nulls, NaN, infinities, tiny and huge numbers, strings with
 * quotes, backslashes, control characters, non-ASCII and lone surrogates, instants with 0, 3, 6 and 9 digits of
 * fraction and far from now.
 */
class RequestLogLineTest {
    private static final String[] STRINGS = {null, "", "m", "gpt-4o-mini", "a\"b", "back\\slash", "tab\tnew\nline\rcr",
        "\b\f\u0000\u0001\u001f\u007f", "caf\u00e9 \u4e2d\u6587 \ud83d\ude00", "lone \ud800 high", "lone \udc00 low",
        "</script>", "\u2028\u2029", "x".repeat(300)};

    @Test
    void theLineIsWhatJsonObjectEncodedCharacterForCharacter() {
        Random rnd = new Random(23);
        JsonText.Times times = new JsonText.Times();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            LlmCall c = call(rnd);
            CallLine line = new CallLine(instant(rnd), c, pick(rnd), pick(rnd), pick(rnd), pick(rnd), pick(rnd), pick(rnd));
            out.setLength(0);
            line.appendTo(out, times);
            assertThat(out.toString()).as("call %d", i).isEqualTo(before(line));
        }
    }

    @Test
    void theTimeIsInstantToStringAcrossSeconds() {
        JsonText.Times times = new JsonText.Times();
        StringBuilder out = new StringBuilder();
        Random rnd = new Random(5);
        for (int i = 0; i < 20_000; i++) {
            // many in one second, then on to another: the cached second must never leak into the next
            Instant t = instant(rnd);
            for (Instant u : new Instant[] {t, t.plusNanos(1), t.plusSeconds(1), t.minusNanos(t.getNano())}) {
                out.setLength(0);
                times.append(out, u);
                assertThat(out.toString()).isEqualTo(u.toString());
            }
        }
    }

    /** The line as CallTelemetry built it before (a JsonObject, encoded). */
    private static String before(CallLine l) {
        LlmCall c = l.c();
        JsonObject o = new JsonObject()
                .put("time", l.time().toString())
                .put("request_id", c.requestId())
                .put("trace_id", c.traceId());
        if (l.spanId() != null) {
            o.put("span_id", l.spanId());
        }
        o.put("route", l.route()).put("operation", c.operation()).put("model", c.model())
                .put("response_model", l.responseModel()).put("response_id", l.responseId()).put("provider", c.provider())
                .put("backend", l.backend())
                .put("status", c.errorType() == null ? "success" : "failure")
                .put("error_type", c.errorType() == null ? null : c.errorType().label())
                .put("stream", c.streaming())
                .put("latency_seconds", c.durationSeconds())
                .put("ttft_seconds", Double.isNaN(c.timeToFirstTokenSeconds()) ? null : c.timeToFirstTokenSeconds())
                .put("upstream_seconds", Double.isNaN(c.upstreamSeconds()) ? null : c.upstreamSeconds())
                .put("input_tokens", c.inputTokens())
                .put("output_tokens", c.outputTokens())
                .put("cached_input_tokens", c.cachedInputTokens())
                .put("tokens_estimated", c.tokensEstimated())
                .put("cost_usd", Double.isNaN(c.costUsd()) ? null : c.costUsd())
                .put("attempts", c.attempts())
                .put("api_key", l.keyName());
        return o.encode();
    }

    private static LlmCall call(Random rnd) {
        long in = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(3) == 0 ? Long.MAX_VALUE - rnd.nextInt(10) : rnd.nextInt(100_000);
        ErrorType[] types = ErrorType.values();
        String model = pick(rnd);
        return new LlmCall(pick(rnd), model == null || model.isEmpty() ? "model" : model, nonNull(rnd), nonNull(rnd),
                rnd.nextBoolean() ? null : types[rnd.nextInt(types.length)], in, rnd.nextInt(50_000),
                rnd.nextBoolean() ? 0 : in / 2, rnd.nextBoolean(), seconds(rnd, false), seconds(rnd, true), seconds(rnd, true),
                rnd.nextBoolean(), rnd.nextInt(1000), seconds(rnd, true), 1 + rnd.nextInt(5),
                rnd.nextBoolean() ? null : String.format("%032x", 1 + (rnd.nextLong() >>> 1)));
    }

    private static double seconds(Random rnd, boolean nanOk) {
        return switch (rnd.nextInt(8)) {
            case 0 -> nanOk ? Double.NaN : 0.0;
            case 1 -> Double.MIN_VALUE * rnd.nextInt(1000);
            case 2 -> 1e-7 * rnd.nextDouble();
            case 3 -> 1e7 + rnd.nextDouble() * 1e9;
            case 4 -> Double.MAX_VALUE / (1 + rnd.nextInt(10));
            case 5 -> rnd.nextInt(100);
            case 6 -> Double.longBitsToDouble(rnd.nextLong() >>> 2);
            default -> rnd.nextDouble() * 3;
        };
    }

    private static Instant instant(Random rnd) {
        long second = switch (rnd.nextInt(4)) {
            case 0 -> Instant.now().getEpochSecond() + rnd.nextInt(100_000);
            case 1 -> rnd.nextLong() % 400_000_000_000L; // years far before 0 and after 9999
            case 2 -> -rnd.nextInt(1_000_000_000);
            default -> 1_700_000_000L + rnd.nextInt(1000);
        };
        int nano = switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1 -> rnd.nextInt(1000) * 1_000_000;
            case 2 -> rnd.nextInt(1_000_000) * 1000;
            default -> rnd.nextInt(1_000_000_000);
        };
        return Instant.ofEpochSecond(second, nano);
    }

    private static String pick(Random rnd) {
        return STRINGS[rnd.nextInt(STRINGS.length)];
    }

    private static String nonNull(Random rnd) {
        String s = pick(rnd);
        return s == null ? "" : s;
    }
}
