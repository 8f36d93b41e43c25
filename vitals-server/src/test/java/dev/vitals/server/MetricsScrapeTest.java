package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /metrics} behaves as client_java's own exporters do: gzip when the scraper accepts it,
 * {@code name[]} filtering and OpenMetrics by {@code Accept} (the scrape handler of exporter-common).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsScrapeTest {
    private ServerFixture f;

    @BeforeAll
    void start() throws Exception {
        f = ServerFixture.start(cfg -> {
            ServerFixture.sim(cfg).latencyMin = 0;
            ServerFixture.sim(cfg).latencyMax = 0.01;
        });
        f.post("/generate", "{\"prompt\":\"hi\"}");
    }

    @AfterAll
    void stop() throws Exception {
        f.close();
    }

    @Test
    void gzipWhenAccepted() throws Exception {
        HttpResponse<byte[]> r = f.http.send(HttpRequest.newBuilder(f.uri("/metrics"))
                .header("accept-encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-encoding")).contains("gzip");
        String text = new String(new GZIPInputStream(new ByteArrayInputStream(r.body())).readAllBytes(), StandardCharsets.UTF_8);
        assertThat(text).contains("llm_requests_total{model_name=\"mock-llm-v1\",status=\"success\"} 1.0");
        assertThat(r.body().length).isLessThan(text.length() / 3);
    }

    @Test
    void plainWithoutAcceptEncoding() throws Exception {
        HttpResponse<String> r = f.get("/metrics");
        assertThat(r.headers().firstValue("content-encoding")).isEmpty();
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain; version=0.0.4");
        assertThat(r.body()).contains("# TYPE llm_requests_total counter");
    }

    @Test
    void nameFilterKeepsOnlyTheNamedFamilies() throws Exception {
        String body = f.get("/metrics?name[]=llm_requests_total&name[]=llm_input_tokens_total").body();
        assertThat(body).contains("llm_requests_total{").contains("llm_input_tokens_total{");
        assertThat(body).doesNotContain("llm_output_tokens_total").doesNotContain("jvm_").doesNotContain("gen_ai_");
    }

    @Test
    void openMetricsByAccept() throws Exception {
        HttpResponse<String> r = f.http.send(HttpRequest.newBuilder(f.uri("/metrics"))
                .header("accept", "application/openmetrics-text; version=1.0.0; charset=utf-8").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/openmetrics-text");
        assertThat(r.body()).endsWith("# EOF\n");
    }
}
