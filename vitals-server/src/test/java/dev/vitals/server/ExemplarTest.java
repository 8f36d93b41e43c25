package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Latency histograms carry the request id and the trace id as exemplars in OpenMetrics. */
class ExemplarTest {

    @Test
    void openMetricsLatencyBucketsCarryRequestAndTraceIds() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> {
            ServerFixture.sim(cfg).latencyMin = 0;
            ServerFixture.sim(cfg).latencyMax = 0.01;
        })) {
            String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
            HttpResponse<String> r = f.http.send(HttpRequest.newBuilder(f.uri("/generate"))
                    .header("x-request-id", "req-exemplar-1")
                    .header("traceparent", "00-" + trace + "-00f067aa0ba902b7-01")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            String om = f.http.send(HttpRequest.newBuilder(f.uri("/metrics"))
                    .header("accept", "application/openmetrics-text; version=1.0.0").build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(om).containsPattern("llm_request_latency_seconds_bucket\\{model_name=\"mock-llm-v1\",le=\"[^\"]+\"} 1 # "
                    + "\\{request_id=\"req-exemplar-1\",trace_id=\"" + trace + "\"}");
            assertThat(om).containsPattern("gen_ai_client_operation_duration_seconds_bucket\\{[^}]*} 1 # \\{request_id=\"req-exemplar-1\"");
            // the Prometheus text format has no exemplars
            assertThat(f.get("/metrics").body()).doesNotContain("req-exemplar-1");
        }
    }
}
