package dev.vitals.metrics;

import dev.vitals.llm.LlmCall;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.model.snapshots.Labels;

/** Exemplars of {@link LlmMetrics}' latency histograms: the labels that link a bucket to one request. */
final class Exemplars {
    /** 128 (OpenMetrics' exemplar label budget) minus "request_id", "trace_id" and a 32-digit trace id. */
    static final int MAX_EXEMPLAR_REQUEST_ID = 128 - 10 - 8 - 32;

    private Exemplars() {
    }

    /**
     * Observes a latency with an exemplar linking it to the request: {@code trace_id} when the call
     * has one, and {@code request_id} (cut so the exemplar's labels stay within OpenMetrics' 128
     * characters). Without either, client_java attaches the active OpenTelemetry span, if any.
     */
    static void observe(DistributionDataPoint dp, double value, LlmCall c) {
        String rid = c == null ? null : c.requestId();
        String tid = c == null ? null : c.traceId();
        if (rid == null && tid == null) {
            dp.observe(value);
            return;
        }
        if (rid != null && rid.length() > MAX_EXEMPLAR_REQUEST_ID) {
            rid = rid.substring(0, MAX_EXEMPLAR_REQUEST_ID);
        }
        Labels labels;
        if (tid == null) {
            labels = Labels.of("request_id", rid);
        } else if (rid == null) {
            labels = Labels.of("trace_id", tid);
        } else {
            labels = Labels.of("request_id", rid, "trace_id", tid);
        }
        dp.observeWithExemplar(value, labels);
    }
}
