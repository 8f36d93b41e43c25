package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Pins the source document's metric contract (names, types, labels, buckets) in the Prometheus text
 * format and in OpenMetrics, on a real scrape, plus the separate metrics port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsContractTest {
    private ServerFixture f;
    private String text;
    private String openMetrics;

    @BeforeAll
    void start() throws Exception {
        f = ServerFixture.start(cfg -> {
            ServerFixture.sim(cfg).latencyMin = 0;
            ServerFixture.sim(cfg).latencyMax = 0.01;
            cfg.server.metricsPort = 0; // validated as "off"; a separate-port test below uses its own server
        });
        f.post("/generate", "{\"prompt\":\"hi\"}");
        f.post("/generate", "{\"prompt\":\"error\"}");
        text = f.get("/metrics").body();
        openMetrics = f.http.send(HttpRequest.newBuilder(f.uri("/metrics"))
                .header("accept", "application/openmetrics-text; version=1.0.0; charset=utf-8").build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @AfterAll
    void stop() throws Exception {
        f.close();
    }

    private static String type(String exposition, String family) {
        Matcher m = Pattern.compile("^# TYPE " + Pattern.quote(family) + " (\\w+)$", Pattern.MULTILINE).matcher(exposition);
        return m.find() ? m.group(1) : null;
    }

    private static List<String> lines(String exposition, String prefix) {
        List<String> out = new ArrayList<>();
        for (String l : exposition.split("\n")) {
            if (l.startsWith(prefix)) {
                out.add(l);
            }
        }
        return out;
    }

    @Test
    void textFormatTypesAndLabels() {
        assertThat(type(text, "llm_requests_total")).isEqualTo("counter");
        assertThat(type(text, "llm_request_latency_seconds")).isEqualTo("histogram");
        assertThat(type(text, "llm_input_tokens_total")).isEqualTo("counter");
        assertThat(type(text, "llm_output_tokens_total")).isEqualTo("counter");
        assertThat(type(text, "llm_cost_per_query_usd")).isEqualTo("gauge");
        assertThat(type(text, "llm_response_length_characters")).isEqualTo("histogram");
        assertThat(text).contains("llm_requests_total{model_name=\"mock-llm-v1\",status=\"success\"} 1.0");
        assertThat(text).contains("llm_requests_total{model_name=\"mock-llm-v1\",status=\"failure\"} 1.0");
        assertThat(lines(text, "llm_input_tokens_total{")).containsExactly("llm_input_tokens_total{model_name=\"mock-llm-v1\"} 1.0");
        assertThat(lines(text, "llm_output_tokens_total{")).hasSize(1);
        assertThat(lines(text, "llm_cost_per_query_usd{")).hasSize(1).allMatch(l -> l.startsWith("llm_cost_per_query_usd{model_name=\"mock-llm-v1\"} "));
        assertThat(text).contains("llm_request_latency_seconds_count{model_name=\"mock-llm-v1\"} 2");
    }

    @Test
    void responseLengthBucketsAreTheSourceDocumentsExactly() {
        List<String> les = new ArrayList<>();
        Matcher m = Pattern.compile("^llm_response_length_characters_bucket\\{model_name=\"mock-llm-v1\",le=\"([^\"]+)\"\\}",
                Pattern.MULTILINE).matcher(text);
        while (m.find()) {
            les.add(m.group(1));
        }
        assertThat(les).containsExactly("0.0", "50.0", "100.0", "200.0", "500.0", "1000.0", "+Inf");
    }

    @Test
    void latencyBucketsReachTenMinutes() {
        List<Double> les = new ArrayList<>();
        Matcher m = Pattern.compile("^llm_request_latency_seconds_bucket\\{model_name=\"mock-llm-v1\",le=\"([^\"]+)\"\\}",
                Pattern.MULTILINE).matcher(text);
        while (m.find()) {
            les.add(m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1)));
        }
        assertThat(les).contains(300.0, 420.0, 600.0, Double.POSITIVE_INFINITY);
        assertThat(les).isSorted();
    }

    @Test
    void openMetricsFormatCarriesTheSameContract() {
        assertThat(openMetrics).endsWith("# EOF\n");
        assertThat(type(openMetrics, "llm_requests")).isEqualTo("counter");
        assertThat(type(openMetrics, "llm_request_latency_seconds")).isEqualTo("histogram");
        assertThat(type(openMetrics, "llm_input_tokens")).isEqualTo("counter");
        assertThat(type(openMetrics, "llm_output_tokens")).isEqualTo("counter");
        assertThat(type(openMetrics, "llm_cost_per_query_usd")).isEqualTo("gauge");
        assertThat(type(openMetrics, "llm_response_length_characters")).isEqualTo("histogram");
        assertThat(openMetrics).contains("llm_requests_total{model_name=\"mock-llm-v1\",status=\"success\"} 1.0");
        assertThat(openMetrics).contains("# UNIT llm_request_latency_seconds seconds");
        assertThat(openMetrics).contains("llm_response_length_characters_bucket{model_name=\"mock-llm-v1\",le=\"1000.0\"}");
    }

    @Test
    void genAiFamilyIsExportedToo() {
        assertThat(type(text, "gen_ai_client_operation_duration_seconds")).isEqualTo("histogram");
        assertThat(type(text, "gen_ai_client_token_usage")).isEqualTo("histogram");
        assertThat(text).contains("gen_ai_client_operation_duration_seconds_count{error_type=\"model_error\",gen_ai_operation_name=\"chat\",gen_ai_provider_name=\"vitals\",gen_ai_request_model=\"mock-llm-v1\"} 1");
    }

    @Test
    void familiesCanBeSwitchedOff() throws Exception {
        try (ServerFixture g = ServerFixture.start(cfg -> {
            cfg.metrics.genAiFamily = false;
            ServerFixture.sim(cfg).latencyMax = 0.01;
            ServerFixture.sim(cfg).latencyMin = 0;
        })) {
            g.post("/generate", "{}");
            String t = g.get("/metrics").body();
            assertThat(t).contains("llm_requests_total").doesNotContain("gen_ai_");
        }
        try (ServerFixture g = ServerFixture.start(cfg -> {
            cfg.metrics.sourceFamily = false;
            ServerFixture.sim(cfg).latencyMax = 0.01;
            ServerFixture.sim(cfg).latencyMin = 0;
        })) {
            g.post("/generate", "{}");
            String t = g.get("/metrics").body();
            assertThat(t).contains("gen_ai_client_operation_duration_seconds").doesNotContain("llm_requests_total");
        }
    }

    @Test
    void separateMetricsPortServesMetricsOnly() throws Exception {
        int free;
        try (var s = new java.net.ServerSocket(0)) {
            free = s.getLocalPort();
        }
        int port = free;
        try (ServerFixture g = ServerFixture.start(cfg -> cfg.server.metricsPort = port)) {
            assertThat(g.server.metricsPort()).isEqualTo(port);
            var client = g.http;
            HttpResponse<String> m = client.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(m.statusCode()).isEqualTo(200);
            assertThat(m.body()).contains("# TYPE vitals_label_overflow_total counter");
            HttpResponse<String> gen = client.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/generate"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(gen.statusCode()).isEqualTo(404);
        }
    }

    @Test
    void noPromptOrResponseTextInMetrics() throws Exception {
        String secret = "zebra-umbrella-4242";
        f.post("/generate", "{\"prompt\":\"" + secret + "\"}");
        f.post("/v1/chat/completions", "{\"model\":\"mock-llm-v1\",\"messages\":[{\"role\":\"user\",\"content\":\"" + secret + " error\"}]}");
        assertThat(f.get("/metrics").body()).doesNotContain(secret).doesNotContain("simulated response");
    }
}
