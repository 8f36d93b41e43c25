package dev.vitals.bench;

import dev.vitals.server.VitalsServer;
import dev.vitals.server.config.ConfigLoader;
import dev.vitals.server.config.VitalsConfig;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The cost of scraping Vitals itself: a real {@link VitalsServer} (its own registry with every callback
 * it registers: JVM and system samplers, business HLL merges, API keys, store size, quality, drift,
 * baselines) in front of the fake upstream, fed {@code models} distinct models through its gateway
 * (non-streaming and streaming calls, each with its own user and session), then scraped over HTTP
 * at {@code GET /metrics} in the Prometheus text format, the same gzipped, and OpenMetrics; and the
 * registry alone ({@code scrape()} + text writer, no HTTP). Reports the time of each (median, min,
 * max over {@code scrapes}) and the bytes.
 *
 * <pre>{@code
 * java -cp ... dev.vitals.bench.ServerScrape --models 1000 --scrapes 30
 * }</pre>
 */
public final class ServerScrape implements AutoCloseable {
    /** Held, so the level set on it is not lost when the logger is collected. */
    private static final Logger QUIET = Logger.getLogger("dev.vitals");

    private final Vertx vertx;
    private final FastUpstream upstream;
    private final VitalsServer server;

    private ServerScrape(Vertx vertx, FastUpstream upstream, VitalsServer server) {
        this.vertx = vertx;
        this.upstream = upstream;
        this.server = server;
    }

    /** Starts the upstream and a server, and sends {@code callsPerModel} calls for each of {@code models} models. */
    public static ServerScrape start(int models, int callsPerModel) throws Exception {
        QUIET.setLevel(Level.WARNING);
        FastUpstream upstream = FastUpstream.start(0, 5, 0);
        Vertx vertx = Vertx.vertx();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < models; i++) {
            names.add(model(i));
        }
        VitalsConfig cfg = BenchGateway.config("vitals-scrape", upstream.port(), names);
        cfg.metrics.maxModels = Math.max(cfg.metrics.maxModels, models);
        ConfigLoader.validate(cfg);
        VitalsServer server;
        try {
            server = VitalsServer.start(vertx, cfg, Map.of()).await();
        } catch (RuntimeException e) {
            vertx.close().await();
            upstream.close();
            throw e;
        }
        ServerScrape s = new ServerScrape(vertx, upstream, server);
        s.feed(models, callsPerModel);
        Thread.sleep(1_500); // let the sampler close an interval, so the per-model history is not empty
        return s;
    }

    static String model(int i) {
        return String.format(Locale.ROOT, "bench-model-%04d", i);
    }

    private void feed(int models, int callsPerModel) {
        HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(16));
        try {
            for (int start = 0; start < models * callsPerModel; start += 64) {
                List<Future<Integer>> batch = new ArrayList<>();
                for (int k = start; k < Math.min(start + 64, models * callsPerModel); k++) {
                    int m = k % models;
                    boolean stream = (k / models) % 2 == 1;
                    RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(server.port())
                            .setURI("/v1/chat/completions").putHeader("content-type", "application/json")
                            .putHeader("x-vitals-user", "user-" + k).putHeader("x-vitals-session", "session-" + (k / 3));
                    Buffer body = Buffer.buffer("{\"model\":\"" + model(m) + "\",\"stream\":" + stream
                            + ",\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of France?\"}]}");
                    batch.add(client.request(o).compose(r -> r.send(body)).compose(r -> r.body().map(x -> r.statusCode())));
                }
                for (Future<Integer> f : batch) {
                    int status = f.await();
                    if (status != 200) {
                        throw new IllegalStateException("feeding the server: HTTP " + status);
                    }
                }
            }
        } finally {
            client.close().await();
        }
    }

    /** One scrape's time and size. */
    public record Scrape(double millis, long bytes) {
    }

    /** {@code GET /metrics} over HTTP with the given Accept and Accept-Encoding (either may be null). */
    public Scrape scrapeHttp(String accept, String encoding) {
        HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setDecompressionSupported(false));
        try {
            RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(server.port()).setURI("/metrics");
            if (accept != null) {
                o.putHeader("accept", accept);
            }
            if (encoding != null) {
                o.putHeader("accept-encoding", encoding);
            }
            long t0 = System.nanoTime();
            Buffer body = client.request(o).compose(r -> r.send().compose(resp -> {
                if (resp.statusCode() != 200) {
                    return Future.failedFuture("/metrics answered HTTP " + resp.statusCode());
                }
                return resp.body();
            })).await();
            return new Scrape((System.nanoTime() - t0) / 1e6, body.length());
        } finally {
            client.close().await();
        }
    }

    /** The server's registry scraped and written as Prometheus text into a byte counter, in this thread. */
    public Scrape scrapeRegistry() throws IOException {
        long t0 = System.nanoTime();
        CountingSink sink = new CountingSink();
        ExpositionFormats.init().getPrometheusTextFormatWriter().write(sink, server.registry().scrape());
        return new Scrape((System.nanoTime() - t0) / 1e6, sink.bytes);
    }

    /** The text of one plain scrape, for checks. */
    public String text() {
        HttpClientAgent client = vertx.createHttpClient();
        try {
            return client.request(HttpMethod.GET, server.port(), "127.0.0.1", "/metrics")
                    .compose(r -> r.send().compose(resp -> resp.body())).await().toString();
        } finally {
            client.close().await();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            server.close().await();
        } finally {
            vertx.close().await();
            upstream.close();
        }
    }

    /** Times {@code scrapes} scrapes of each kind after {@code warmup} untimed ones; a Markdown table. */
    public String measure(int warmup, int scrapes) throws IOException {
        String[][] kinds = {
            {"GET /metrics, Prometheus text", null, null},
            {"GET /metrics, Prometheus text, gzip", null, "gzip"},
            {"GET /metrics, OpenMetrics", "application/openmetrics-text; version=1.0.0; charset=utf-8", null},
            {"registry.scrape() + text writer (no HTTP)", "", ""},
        };
        StringBuilder sb = new StringBuilder("| scrape | median ms | min ms | max ms | bytes |\n|---|---|---|---|---|\n");
        for (String[] k : kinds) {
            double[] ms = new double[scrapes];
            long bytes = 0;
            for (int i = -warmup; i < scrapes; i++) {
                Scrape s = "".equals(k[1]) ? scrapeRegistry() : scrapeHttp(k[1], k[2]);
                if (i >= 0) {
                    ms[i] = s.millis();
                    bytes = s.bytes();
                }
            }
            java.util.Arrays.sort(ms);
            sb.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %,d |%n", k[0], LoadReport.median(ms), ms[0],
                    ms[ms.length - 1], bytes));
        }
        return sb.toString();
    }

    public static void main(String[] args) throws Exception {
        int models = 1000;
        int calls = 2;
        int scrapes = 30;
        int warmup = 5;
        String dump = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--models" -> models = Integer.parseInt(args[++i]);
                case "--calls-per-model" -> calls = Integer.parseInt(args[++i]);
                case "--scrapes" -> scrapes = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--dump" -> dump = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; use --models N --calls-per-model N --scrapes N --warmup N [--dump FILE]");
            }
        }
        if (models < 1 || calls < 1 || scrapes < 1 || warmup < 0) {
            throw new IllegalArgumentException("--models, --calls-per-model and --scrapes must be at least 1, --warmup at least 0");
        }
        String before = LoadReport.loadAverage();
        try (ServerScrape s = start(models, calls)) {
            String text = s.text();
            long series = text.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
            System.out.printf(Locale.ROOT, "Vitals' own /metrics after %d calls to each of %d models: %,d samples, %,d bytes%n%n",
                    calls, models, series, text.length());
            if (dump != null) {
                Files.writeString(java.nio.file.Path.of(dump), text);
            }
            System.out.println(families(text));
            System.out.println(s.measure(warmup, scrapes));
        }
        System.out.println("Load average (1, 5, 15 min) at the start: " + before + "; at the end: " + LoadReport.loadAverage());
        System.exit(0);
    }

    /** The ten families with the most samples, with their share of the scrape. */
    static String families(String text) {
        Map<String, long[]> byFamily = new java.util.HashMap<>(); // samples, bytes
        text.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(l -> {
            int end = 0;
            while (end < l.length() && l.charAt(end) != '{' && l.charAt(end) != ' ') {
                end++;
            }
            String name = l.substring(0, end).replaceAll("_(bucket|count|sum|total|created)$", "");
            long[] v = byFamily.computeIfAbsent(name, k -> new long[2]);
            v[0]++;
            v[1] += l.length() + 1;
        });
        StringBuilder sb = new StringBuilder("| family (samples of the plain scrape) | samples | bytes |\n|---|---|---|\n");
        byFamily.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(10)
                .forEach(e -> sb.append(String.format(Locale.ROOT, "| %s | %,d | %,d |%n", e.getKey(), e.getValue()[0], e.getValue()[1])));
        return sb.toString();
    }

    static final class CountingSink extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }
}
