package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * OTLP export against a real OTLP/HTTP receiver: a JDK HTTP server taking {@code POST /v1/metrics}
 * and decoding the protobuf body with the official OpenTelemetry definitions. The server pushes every
 * second; the receiver must see the calls sent as a cumulative monotonic sum with the configured
 * resource attributes.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OtlpExportTest {
    static final String MODEL = "mock-llm-v1";

    /** A minimal OTLP/HTTP metrics receiver. */
    static final class Receiver implements AutoCloseable {
        final HttpServer http;
        final List<ExportMetricsServiceRequest> received = new CopyOnWriteArrayList<>();
        final List<String> contentTypes = new CopyOnWriteArrayList<>();

        Receiver() throws Exception {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            http.createContext("/v1/metrics", ex -> {
                try (ex) {
                    if (!"POST".equals(ex.getRequestMethod())) {
                        ex.sendResponseHeaders(405, -1);
                        return;
                    }
                    contentTypes.add(ex.getRequestHeaders().getFirst("content-type"));
                    InputStream in = ex.getRequestBody();
                    if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("content-encoding"))) {
                        in = new GZIPInputStream(in);
                    }
                    received.add(ExportMetricsServiceRequest.parseFrom(in));
                    byte[] ok = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
                    ex.getResponseHeaders().add("content-type", "application/x-protobuf");
                    ex.sendResponseHeaders(200, ok.length == 0 ? -1 : ok.length);
                    if (ok.length > 0) {
                        ex.getResponseBody().write(ok);
                    }
                }
            });
            http.start();
        }

        String endpoint() {
            return "http://127.0.0.1:" + http.getAddress().getPort();
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }

    private static Map<String, String> attrs(List<KeyValue> kvs) {
        return kvs.stream().collect(Collectors.toMap(KeyValue::getKey, kv -> kv.getValue().getStringValue(), (a, b) -> b));
    }

    /** The latest llm_requests data point for model and status in what was received, or null. */
    private static NumberDataPoint latest(Receiver r, String status, Map<String, String>[] resourceOut, Metric[] metricOut) {
        NumberDataPoint best = null;
        for (ExportMetricsServiceRequest req : r.received) {
            for (ResourceMetrics rm : req.getResourceMetricsList()) {
                for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                    for (Metric m : sm.getMetricsList()) {
                        if (!m.getName().equals("llm_requests") || !m.hasSum()) {
                            continue;
                        }
                        for (NumberDataPoint p : m.getSum().getDataPointsList()) {
                            Map<String, String> a = attrs(p.getAttributesList());
                            if (MODEL.equals(a.get("model_name")) && status.equals(a.get("status"))
                                    && (best == null || p.getTimeUnixNano() >= best.getTimeUnixNano())) {
                                best = p;
                                resourceOut[0] = attrs(rm.getResource().getAttributesList());
                                metricOut[0] = m;
                            }
                        }
                    }
                }
            }
        }
        return best;
    }

    @Test
    @SuppressWarnings("unchecked")
    void pushesAllMetricsWithResourceAttributesToARealOtlpReceiver() throws Exception {
        try (Receiver receiver = new Receiver();
             ServerFixture f = ServerFixture.start(cfg -> {
                 QualityHttp.fast(cfg);
                 cfg.otlp.enabled = true;
                 cfg.otlp.endpoint = receiver.endpoint();
                 cfg.otlp.intervalSeconds = 1;
                 cfg.otlp.serviceName = "vitals-fleet";
                 cfg.otlp.serviceInstanceId = "replica-7";
                 cfg.otlp.resourceAttributes.put("deployment.environment.name", "test");
             })) {
            int n = 5;
            for (int i = 0; i < n; i++) {
                HttpResponse<String> r = f.post("/v1/chat/completions", new JsonObject().put("model", MODEL).put("messages",
                        new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi"))).encode());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
            Map<String, String>[] resource = new Map[1];
            Metric[] metric = new Metric[1];
            NumberDataPoint p = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < deadline) {
                p = latest(receiver, "success", resource, metric);
                if (p != null && p.getAsDouble() + p.getAsInt() >= n) {
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(p).as("llm_requests{model_name=%s,status=success} in %d OTLP requests", MODEL, receiver.received.size())
                    .isNotNull();
            assertThat(p.getAsDouble() + p.getAsInt()).isEqualTo(n);
            assertThat(metric[0].getSum().getIsMonotonic()).isTrue();
            assertThat(metric[0].getSum().getAggregationTemporality().name()).isEqualTo("AGGREGATION_TEMPORALITY_CUMULATIVE");
            assertThat(resource[0]).containsEntry("service.name", "vitals-fleet")
                    .containsEntry("service.instance.id", "replica-7")
                    .containsEntry("deployment.environment.name", "test");
            assertThat(receiver.contentTypes).allMatch(ct -> ct.startsWith("application/x-protobuf"));

            // all metrics, not just the gateway's: a histogram and the JVM's too
            List<String> names = receiver.received.stream().flatMap(req -> req.getResourceMetricsList().stream())
                    .flatMap(rm -> rm.getScopeMetricsList().stream()).flatMap(sm -> sm.getMetricsList().stream())
                    .map(Metric::getName).distinct().toList();
            // (OTLP names drop the _total suffix and the unit: jvm_memory_used_bytes is jvm_memory_used)
            assertThat(names).contains("llm_requests", "llm_request_latency", "gen_ai_client_operation_duration",
                    "jvm_memory_used", "vitals_state_store_bytes");
            Metric latency = receiver.received.get(receiver.received.size() - 1).getResourceMetricsList().stream()
                    .flatMap(rm -> rm.getScopeMetricsList().stream()).flatMap(sm -> sm.getMetricsList().stream())
                    .filter(m -> m.getName().equals("llm_request_latency")).findFirst().orElseThrow();
            assertThat(latency.hasHistogram() || latency.hasExponentialHistogram()).as(latency.getDataCase().name()).isTrue();
        }
    }
}
