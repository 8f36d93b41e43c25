package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The PII corpus as model names, custom labels, variants, users, feature names, event kinds and
 * evaluation models through every API that can name a series; then /metrics, in the Prometheus text
 * format and in OpenMetrics, holds none of the raw values. And every labelled family of the registry
 * was made by MetricFamilies (the runtime half of NoLabelBypassTest).
 */
class PiiEverywhereTest {
    /** Raw values, and a fragment of each that must never appear in a scrape. */
    private static final String[][] CORPUS = {
            {"john.doe@example.com", "john.doe"},
            {"call +1 415-555-2671", "555-2671"},
            {"card 4111 1111 1111 1111", "4111 1111"},
            {"host 192.168.10.77", "192.168.10.77"},
            {"v6 2001:db8::8a2e:370:7334", "8a2e:370"},
            {"id 123e4567-e89b-12d3-a456-426614174000", "123e4567"},
    };

    private static HttpResponse<String> chat(ServerFixture f, String model, String label) throws Exception {
        return f.http.send(HttpRequest.newBuilder(f.uri("/v1/chat/completions"))
                .header("x-vitals-label-team", label).header("x-vitals-variant", label).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("model", model).put("user", label)
                        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi"))).encode()))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void noRawPersonalDataReachesAnyScrape() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> {
            QualityHttp.fast(cfg);
            ServerFixture.sim(cfg).models = List.of("*");
            cfg.metrics.customLabels = List.of("team");
            cfg.dashboard.stepMillis = 100;
            cfg.drift.evaluateSeconds = 1;
        })) {
            for (String[] pii : CORPUS) {
                String v = pii[0];
                for (int i = 0; i < 3; i++) {
                    HttpResponse<String> r = chat(f, v, v);
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    String id = r.headers().firstValue("x-request-id").orElseThrow();
                    f.post("/v1/events", new JsonObject().put("request_id", id).put("kind", "purchased").encode());
                    f.post("/v1/events", new JsonObject().put("request_id", id).put("kind", v).encode()); // refused kind
                }
                HttpResponse<String> feat = f.post("/v1/features", new JsonObject().put("model", v)
                        .put("records", new JsonArray().add(new JsonObject().put(v, 1.5).put("x", 2.0))
                                .add(new JsonObject().put(v, 2.5).put("x", 1.0))).encode());
                assertThat(feat.statusCode()).as(feat.body()).isLessThan(500);
                HttpResponse<String> ev = f.post("/v1/evaluations", new JsonObject().put("records", new JsonArray()
                        .add(new JsonObject().put("model", v).put("predicted", 1.0).put("actual", 2.0))
                        .add(new JsonObject().put("model", v).put("predicted", 2.0).put("actual", 2.5))).encode());
                assertThat(ev.statusCode()).as(ev.body()).isLessThan(500);
            }
            Thread.sleep(2500); // sampler intervals close, baselines judge them, drift evaluates

            String text = f.get("/metrics").body();
            String openMetrics = f.http.send(HttpRequest.newBuilder(f.uri("/metrics"))
                    .header("accept", "application/openmetrics-text; version=1.0.0; charset=utf-8").GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(openMetrics).contains("# EOF");
            for (String[] pii : CORPUS) {
                assertThat(text).as("text format").doesNotContain(pii[1]);
                assertThat(openMetrics).as("OpenMetrics").doesNotContain(pii[1]);
            }
            // the values were recorded, redacted, across the families the report listed
            for (String family : List.of("llm_requests_total{", "gen_ai_client_operation_duration_seconds_count{",
                    "vitals_business_requests_total{", "vitals_conversions_total{", "vitals_unique_users{",
                    "llm_requests_by_label_total{", "vitals_label_redactions_total{kind=\"email\"}")) {
                assertThat(text).as(family).contains(family);
            }
            assertThat(text).contains("model_name=\"[email]\"").contains("model=\"[email]\"");

            // runtime check: every family with labels was made by MetricFamilies, or is a fixed, known one
            Set<String> managed = f.server.families().familyNames();
            List<String> unmanaged = new ArrayList<>();
            for (MetricSnapshot s : f.server.registry().scrape()) {
                String name = s.getMetadata().getPrometheusName();
                boolean labelled = s.getDataPoints().stream().map(DataPointSnapshot::getLabels).anyMatch(l -> !l.isEmpty());
                boolean fixed = name.startsWith("jvm_") || name.startsWith("process_") || name.startsWith("vitals_label_");
                if (labelled && !fixed && !managed.contains(name) && !managed.contains(name + "_total")) {
                    unmanaged.add(name);
                }
            }
            assertThat(unmanaged).as("labelled families not made by MetricFamilies").isEmpty();
        }
    }
}
