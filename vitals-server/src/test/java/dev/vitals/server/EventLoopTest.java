package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The simulated delay uses timers: 100 requests with a fixed 1 s latency take about 1 s, not 100 s;
 * and every event loop's server listens on the one port, so all of them get connections.
 */
class EventLoopTest {

    @Test
    void everyEventLoopListensOnTheOnePortEvenWhenItIsPickedFree() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> cfg.server.instances = 3)) { // port 0
            assertThat(f.server.listeningPorts()).containsExactly(f.server.port());
            assertThat(f.get("/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void hundredOneSecondRequestsFinishTogether() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> {
            cfg.server.instances = 1; // one event loop: any blocking would serialize the requests
            ServerFixture.sim(cfg).latencyMin = 1.0;
            ServerFixture.sim(cfg).latencyMax = 1.0;
        })) {
            f.post("/generate", "{}"); // warm up
            long t0 = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> fs = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                fs.add(f.http.sendAsync(HttpRequest.newBuilder(f.uri("/generate"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"p" + i + "\"}")).build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (var cf : fs) {
                assertThat(cf.get().statusCode()).isEqualTo(200);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            // serialized they would take 100 s; a generous bound keeps a slow 2-core CI machine green
            assertThat(seconds).isBetween(0.99, 10.0);
            assertThat(f.metrics().get("llm_request_latency_seconds_count{model_name=\"mock-llm-v1\"}")).isEqualTo(101.0);
        }
    }
}
