package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;

/**
 * The 10,000-model attack of issue 18 through the API with the default metrics settings: /metrics stays
 * under 2 MB (it was 55.7 MB), the labelled series stay within metrics.maxSeries, and the models past
 * the budget are counted, not dropped silently.
 */
class ScrapeBoundTest {
    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void tenThousandModelNamesLeaveMetricsUnderTwoMegabytes() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> {
            QualityHttp.fast(cfg);
            ServerFixture.sim(cfg).models = List.of("*");
            ServerFixture.sim(cfg).latencyMax = 0;
        })) {
            int n = 10_000;
            Semaphore inFlight = new Semaphore(64);
            List<CompletableFuture<HttpResponse<Void>>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                inFlight.acquire();
                fs.add(f.http.sendAsync(HttpRequest.newBuilder(f.uri("/v1/chat/completions"))
                        .POST(HttpRequest.BodyPublishers.ofString(String.format(CHAT, "attack-model-" + i))).build(),
                        HttpResponse.BodyHandlers.discarding()).whenComplete((r, t) -> inFlight.release()));
            }
            for (var cf : fs) {
                assertThat(cf.get().statusCode()).isEqualTo(200);
            }
            String raw = f.get("/metrics").body();
            PromText m = PromText.parse(raw);
            assertThat(raw.length()).as("/metrics bytes").isLessThan(2_000_000);
            assertThat(m.get("vitals_series")).isLessThanOrEqualTo(m.get("vitals_series_budget"));
            assertThat(m.get("vitals_series_budget")).isEqualTo(15_000);
            // every call is still counted: the ones past the budget under __overflow__
            double requests = m.samples.entrySet().stream().filter(e -> e.getKey().startsWith("llm_requests_total{"))
                    .mapToDouble(java.util.Map.Entry::getValue).sum();
            assertThat(requests).isEqualTo(n);
            double overflow = m.samples.entrySet().stream()
                    .filter(e -> e.getKey().startsWith("llm_requests_total{") && e.getKey().contains("__overflow__"))
                    .mapToDouble(java.util.Map.Entry::getValue).sum();
            assertThat(overflow).isGreaterThan(0);
            // per-model state that is not a metric is bounded too: 10,000 names leave at most 1,000 known tasks
            assertThat(f.server.quality().knownTasks()).isLessThanOrEqualTo(1_000);
        }
    }
}
