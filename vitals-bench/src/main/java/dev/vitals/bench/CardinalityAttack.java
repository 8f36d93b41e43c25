package dev.vitals.bench;

import dev.vitals.server.VitalsServer;
import dev.vitals.server.config.ConfigLoader;
import dev.vitals.server.config.VitalsConfig;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cardinality attack of issue 18, through the HTTP API: N chat requests, each with a new model name,
 * against a real server in this JVM (a simulated backend serving {@code *}, default metrics settings),
 * then {@code /metrics} size, scrape time and heap. Not a test: run it by hand, e.g.
 * {@code java -Xmx1g -cp vitals-bench/target/benchmarks.jar dev.vitals.bench.CardinalityAttack 10000 300}.
 * Args: N (distinct model names), the most seconds to spend sending (stops early, says how many were sent).
 */
public final class CardinalityAttack {
    private CardinalityAttack() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        long limitNanos = (args.length > 1 ? Long.parseLong(args[1]) : 300) * 1_000_000_000L;
        VitalsConfig cfg = ConfigLoader.load(new ConfigLoader.Overrides(), Map.of());
        cfg.server.host = "127.0.0.1";
        cfg.server.port = 0;
        cfg.store.path = Files.createTempDirectory("vitals-attack").resolve("vitals.db").toString();
        cfg.system.enabled = false;
        cfg.gpu.enabled = false;
        VitalsConfig.Backend sim = cfg.backends.get(0);
        sim.models = List.of("*");
        sim.latencyMin = 0;
        sim.latencyMax = 0;
        ConfigLoader.validate(cfg);
        Vertx vertx = Vertx.vertx();
        VitalsServer server = VitalsServer.start(vertx, cfg, Map.of()).await();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        URI chat = URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions");
        Semaphore inFlight = new Semaphore(128);
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        int sent = 0;
        for (; sent < n && System.nanoTime() - start < limitNanos; sent++) {
            inFlight.acquire();
            String body = "{\"model\":\"attack-model-" + sent + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            http.sendAsync(HttpRequest.newBuilder(chat).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, t) -> {
                        if (t != null || r.statusCode() != 200) {
                            failed.incrementAndGet();
                        }
                        inFlight.release();
                    });
        }
        inFlight.acquire(128);
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        URI metrics = URI.create("http://127.0.0.1:" + server.port() + "/metrics");
        double[] ms = new double[5];
        long bytes = 0;
        String text = "";
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(metrics).GET().build(), HttpResponse.BodyHandlers.ofString());
            ms[i] = (System.nanoTime() - t0) / 1e6;
            text = r.body();
            bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        Arrays.sort(ms);
        long lines = text.lines().filter(l -> !l.startsWith("#")).count();
        String series = text.lines().filter(l -> l.startsWith("vitals_series ")).findFirst().orElse("vitals_series ?");
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf("models requested %d, sent %d in %.1f s (%.0f req/s), failed %d%n", n, sent, sendSeconds,
                sent / sendSeconds, failed.get());
        System.out.printf("/metrics: %d bytes, %d sample lines, %s; scrape median %.1f ms (min %.1f, max %.1f)%n",
                bytes, lines, series, ms[2], ms[0], ms[4]);
        System.out.printf("heap used after GC: %.1f MB (server and client in one JVM); max heap %.0f MB%n",
                heap / 1e6, Runtime.getRuntime().maxMemory() / 1e6);
        server.close().await();
        vertx.close().await();
        System.exit(0);
    }
}
