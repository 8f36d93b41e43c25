package dev.vitals.server.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vitals.server.VitalsServer;
import dev.vitals.server.config.ConfigLoader;
import dev.vitals.server.config.EvaluatorsConfig;
import dev.vitals.server.config.VitalsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Perplexity from the upstream's token log-probabilities, through the real server and a fake
 * OpenAI-compatible upstream on loopback: a model configured with requestLogprobs asks for them,
 * JSON and streamed answers both feed the model's perplexity; other models are not asked.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PerplexityServerTest {
    @TempDir
    Path dir;

    @Test
    void logprobsOfJsonAndStreamedAnswersBecomeThePerplexity() throws Exception {
        Vertx vertx = Vertx.vertx();
        HttpClient http = HttpClient.newHttpClient();
        try (FakeJudge up = new FakeJudge(vertx)) {
            VitalsConfig cfg = ConfigLoader.load(new ConfigLoader.Overrides(), Map.of());
            cfg.server.host = "127.0.0.1";
            cfg.server.port = 0;
            cfg.server.instances = 1;
            cfg.system.enabled = false;
            cfg.gpu.enabled = false;
            cfg.store.path = dir.resolve("v.db").toString();
            VitalsConfig.Backend b = new VitalsConfig.Backend();
            b.name = "up";
            b.type = "openai";
            b.baseUrl = up.baseUrl();
            b.models = List.of("asked", "plain");
            cfg.backends = List.of(b);
            EvaluatorsConfig.ModelOverride o = new EvaluatorsConfig.ModelOverride();
            o.requestLogprobs = true;
            cfg.evaluators.models.put("asked", o);
            ConfigLoader.validate(cfg);
            VitalsServer server = VitalsServer.start(vertx, cfg, Map.of()).await();
            try {
                for (boolean stream : new boolean[] {false, true}) {
                    for (String model : new String[] {"asked", "plain"}) {
                        JsonObject body = new JsonObject().put("model", model).put("stream", stream)
                                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "how are you?")));
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                                + "/v1/chat/completions")).POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
                                HttpResponse.BodyHandlers.ofString());
                        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    }
                }
                assertThat(up.received).hasSize(4);
                assertThat(up.received.stream().filter(x -> x.getString("model").equals("asked")))
                        .allMatch(x -> Boolean.TRUE.equals(x.getValue("logprobs")));
                assertThat(up.received.stream().filter(x -> x.getString("model").equals("plain")))
                        .allMatch(x -> !x.containsKey("logprobs"));
                double expected = Math.exp((0.1 + 0.5 + 2.0) / 3);
                long end = System.currentTimeMillis() + 20_000;
                JsonObject text = null;
                while (System.currentTimeMillis() < end) {
                    JsonObject rep = QualityReports.report(server.quality().report("asked", "5m"));
                    text = rep.getJsonObject("text");
                    if (text != null && text.getLong("tokens", 0L) == 6) {
                        break;
                    }
                    Thread.sleep(50);
                }
                assertThat(text).isNotNull();
                assertThat(text.getLong("tokens")).isEqualTo(6);
                assertThat(text.getDouble("perplexity")).isCloseTo(expected, within(1e-9));
                JsonObject plain = QualityReports.report(server.quality().report("plain", "5m"));
                assertThat(plain.getJsonObject("text") == null || plain.getJsonObject("text").getLong("tokens", 0L) == 0).isTrue();
                String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(metrics).containsPattern("vitals_quality_perplexity\\{model=\"asked\",window=\"5m\"} 2\\.3");
            } finally {
                server.close().await();
            }
        } finally {
            vertx.close().await();
        }
    }
}
