package dev.vitals.server.telemetry;

import dev.vitals.llm.LlmCall;
import java.time.Instant;

/**
 * One call's request log line as the fields the request path already holds (the recorded call, immutable, and
 * a few strings of the gateway's call), formatted by the log's writer thread: the event loop only allocates
 * this record. Ids, what was called, the outcome and the numbers; never text.
 */
record CallLine(Instant time, LlmCall c, String spanId, String route, String responseModel, String responseId,
                String backend, String keyName) implements RequestLog.Line {

    @Override
    public void appendTo(StringBuilder out, JsonText.Times times) {
        out.append('{');
        JsonText.name(out, "time").append('"');
        times.append(out, time);
        out.append('"');
        JsonText.string(out, "request_id", c.requestId());
        JsonText.string(out, "trace_id", c.traceId());
        if (spanId != null) {
            JsonText.string(out, "span_id", spanId);
        }
        JsonText.string(out, "route", route);
        JsonText.string(out, "operation", c.operation());
        JsonText.string(out, "model", c.model());
        JsonText.string(out, "response_model", responseModel);
        JsonText.string(out, "response_id", responseId);
        JsonText.string(out, "provider", c.provider());
        JsonText.string(out, "backend", backend);
        JsonText.string(out, "status", c.errorType() == null ? "success" : "failure");
        JsonText.string(out, "error_type", c.errorType() == null ? null : c.errorType().label());
        JsonText.bool(out, "stream", c.streaming());
        JsonText.number(out, "latency_seconds", c.durationSeconds(), false);
        JsonText.number(out, "ttft_seconds", c.timeToFirstTokenSeconds(), true);
        JsonText.number(out, "upstream_seconds", c.upstreamSeconds(), true);
        JsonText.number(out, "input_tokens", c.inputTokens());
        JsonText.number(out, "output_tokens", c.outputTokens());
        JsonText.number(out, "cached_input_tokens", c.cachedInputTokens());
        JsonText.bool(out, "tokens_estimated", c.tokensEstimated());
        JsonText.number(out, "cost_usd", c.costUsd(), true);
        JsonText.number(out, "attempts", c.attempts());
        JsonText.string(out, "api_key", keyName);
        out.append('}');
    }
}
