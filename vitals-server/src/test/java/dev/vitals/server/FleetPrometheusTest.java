package dev.vitals.server;

import dev.vitals.server.store.PgCluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Three replicas on one PostgreSQL, a real Prometheus scraping each of them every second, traffic
 * round-robin, and one replica stopped right after its last calls: Prometheus' fleet totals equal
 * what was sent, apart from the stopped replica's calls after its last scrape (at most its last
 * scrape interval's worth), which the test states and bounds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetPrometheusTest {
    private PgCluster pg;
    private final List<ServerFixture> replicas = new ArrayList<>();
    private Process prometheus;
    private URI prom;

    @AfterAll
    void stop() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            prometheus.waitFor(10, TimeUnit.SECONDS);
        }
        for (ServerFixture f : replicas) {
            f.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private JsonArray query(ServerFixture any, String promql) throws Exception {
        HttpResponse<String> r = any.http.send(HttpRequest.newBuilder(prom.resolve("/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        JsonObject body = new JsonObject(r.body());
        if (!"success".equals(body.getString("status"))) {
            fail("Prometheus rejected " + promql + ": " + r.body());
        }
        return body.getJsonObject("data").getJsonArray("result");
    }

    private double value(ServerFixture any, String promql) throws Exception {
        JsonArray res = query(any, promql);
        return res.size() == 1 ? Double.parseDouble(res.getJsonObject(0).getJsonArray("value").getString(1)) : Double.NaN;
    }

    private void await(String what, java.util.concurrent.Callable<Boolean> ok) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                if (ok.call()) {
                    return;
                }
            } catch (Exception e) {
                // not yet
            }
            Thread.sleep(200);
        }
        fail("timed out waiting for " + what);
    }

    private static void generate(ServerFixture f, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            assertThat(f.post("/generate", "{\"prompt\":\"fleet call " + i + "\"}").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void fleetTotalsInPrometheusEqualWhatWasSentApartFromTheStoppedReplicasLastSeconds() throws Exception {
        Path binary = Promtools.require("prometheus");
        pg = PgCluster.start();
        String url = pg.createDatabase();
        for (int i = 0; i < 3; i++) {
            replicas.add(ServerFixture.start(cfg -> {
                QualityHttp.fast(cfg);
                ServerFixture.sim(cfg).errorKeyword = "";
                cfg.store.jdbcUrl = url;
                cfg.store.userEnv = "VITALS_DB_USER";
                cfg.store.maxPoolSize = 2;
            }, java.util.Map.of("VITALS_DB_USER", "postgres")));
        }
        Path dir = Files.createTempDirectory("vitals-fleet-prometheus");
        StringBuilder targets = new StringBuilder();
        for (ServerFixture f : replicas) {
            targets.append(targets.length() == 0 ? "" : ", ").append("'127.0.0.1:").append(f.server.port()).append("'");
        }
        Files.writeString(dir.resolve("prometheus.yml"), String.join("\n", "global:", "  scrape_interval: 1s",
                "  scrape_timeout: 1s", "scrape_configs:", "  - job_name: vitals", "    static_configs:",
                "      - targets: [" + targets + "]", ""));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        prom = URI.create("http://127.0.0.1:" + port);
        prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        ServerFixture any = replicas.get(0);
        await("three targets up", () -> value(any, "sum(up{job=\"vitals\"})") == 3);

        // round-robin: 10 calls each
        for (int i = 0; i < 30; i++) {
            generate(replicas.get(i % 3), 1);
        }
        String total = "sum(max_over_time(llm_requests_total[10m]))";
        await("30 calls in Prometheus", () -> value(any, total) == 30);
        // 5 more on each of the first two; then 5 on the third, which stops at once
        generate(replicas.get(0), 5);
        generate(replicas.get(1), 5);
        await("40 calls in Prometheus", () -> value(any, total) == 40);
        ServerFixture stopped = replicas.get(2);
        String stoppedInstance = "127.0.0.1:" + stopped.server.port();
        generate(stopped, 5);
        stopped.close();
        replicas.remove(2);
        await("the stopped replica to be down", () -> value(any, "up{instance=\"" + stoppedInstance + "\"}") == 0);

        // the survivors' totals are exact; the stopped replica's are its last scrape: 10 plus what of
        // its last 5 calls a scrape saw before it stopped (the rest is the stated loss)
        for (ServerFixture f : replicas) {
            assertThat(value(any, "sum(max_over_time(llm_requests_total{instance=\"127.0.0.1:" + f.server.port() + "\"}[10m]))"))
                    .isEqualTo(15.0);
        }
        double lastSeen = value(any, "sum(max_over_time(llm_requests_total{instance=\"" + stoppedInstance + "\"}[10m]))");
        assertThat(lastSeen).isBetween(10.0, 15.0);
        double fleet = value(any, total);
        assertThat(fleet).isEqualTo(30.0 + lastSeen);
        // the loss is bounded by the stopped replica's calls since its last scrape: at most its last 5
        assertThat(45 - fleet).isBetween(0.0, 5.0);
        // rate() over the fleet handles the ended series: no negative or missing result
        assertThat(value(any, "sum(increase(llm_requests_total[10m]))")).isPositive();
    }
}
