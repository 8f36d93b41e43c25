package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;

/** Custom labels from headers: configured keys only, PII redacted, and a cardinality attack stays at the cap. */
class CustomLabelsTest {
    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static HttpRequest chat(ServerFixture f, String model, String team, String other) {
        HttpRequest.Builder b = HttpRequest.newBuilder(f.uri("/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(String.format(CHAT, model)));
        if (team != null) {
            b.header("x-vitals-label-team", team);
        }
        if (other != null) {
            b.header("x-vitals-label-secret", other);
        }
        return b.build();
    }

    @Test
    void onlyConfiguredKeysAreLabelsAndPiiIsRedacted() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> {
            cfg.metrics.customLabels = List.of("team");
            ServerFixture.sim(cfg).latencyMin = 0;
            ServerFixture.sim(cfg).latencyMax = 0.002;
        })) {
            f.http.send(chat(f, "mock-llm-v1", "search", "leak-me"), HttpResponse.BodyHandlers.ofString());
            f.http.send(chat(f, "mock-llm-v1", "jane.doe@example.com", null), HttpResponse.BodyHandlers.ofString());
            f.http.send(chat(f, "mock-llm-v1", null, null), HttpResponse.BodyHandlers.ofString());
            PromText m = f.metrics();
            assertThat(m.get("llm_requests_by_label_total{model_name=\"mock-llm-v1\",status=\"success\",team=\"search\"}")).isEqualTo(1.0);
            assertThat(m.get("llm_requests_by_label_total{model_name=\"mock-llm-v1\",status=\"success\",team=\"[email]\"}")).isEqualTo(1.0);
            assertThat(m.get("llm_requests_by_label_total{model_name=\"mock-llm-v1\",status=\"success\",team=\"unknown\"}")).isEqualTo(1.0);
            assertThat(m.raw).doesNotContain("leak-me").doesNotContain("secret=").doesNotContain("jane.doe");
            assertThat(m.get("vitals_label_redactions_total{kind=\"email\"}")).isPositive();
            // the source document's contract keeps its labels
            assertThat(m.get("llm_requests_total{model_name=\"mock-llm-v1\",status=\"success\"}")).isEqualTo(3.0);
            assertThat(m.raw).containsPattern("llm_tokens_by_label_total\\{model_name=\"mock-llm-v1\",team=\"search\",token_type=\"output\"} [1-9]");
        }
    }

    @Test
    void aCardinalityAttackThroughTheApiStaysAtTheCap() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> {
            cfg.metrics.customLabels = List.of("team");
            cfg.metrics.maxSeriesPerMetric = 100;
            cfg.metrics.maxModels = 50;
            ServerFixture.sim(cfg).models = List.of("*");
            ServerFixture.sim(cfg).latencyMin = 0;
            ServerFixture.sim(cfg).latencyMax = 0;
        })) {
            int n = 20_000;
            Semaphore inFlight = new Semaphore(64);
            List<CompletableFuture<HttpResponse<Void>>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                inFlight.acquire();
                fs.add(f.http.sendAsync(chat(f, "model-" + i, "team-" + i, null), HttpResponse.BodyHandlers.discarding())
                        .whenComplete((r, t) -> inFlight.release()));
            }
            for (var cf : fs) {
                assertThat(cf.get().statusCode()).isEqualTo(200);
            }
            PromText m = f.metrics();
            long byLabel = m.samples.keySet().stream().filter(k -> k.startsWith("llm_requests_by_label_total{")).count();
            long models = m.samples.keySet().stream().filter(k -> k.startsWith("llm_requests_total{")).count();
            assertThat(byLabel).isEqualTo(101); // the cap and one overflow series
            assertThat(models).isLessThanOrEqualTo(2 * 51); // 50 models + overflow, success and failure
            assertThat(m.get("llm_requests_by_label_total{model_name=\"__overflow__\",status=\"__overflow__\",team=\"__overflow__\"}"))
                    .isEqualTo(n - 100);
            assertThat(m.get("vitals_label_overflow_total{metric=\"llm_requests_by_label_total\"}")).isEqualTo(n - 100);
            // 50 models of full histogram families, not 20,000: a few MB, not the 182 MB of the reported bug
            assertThat(m.raw.length()).isLessThan(5_000_000);
        }
    }
}
