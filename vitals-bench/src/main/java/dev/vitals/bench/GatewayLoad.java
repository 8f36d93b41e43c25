package dev.vitals.bench;

import dev.vitals.server.VitalsServer;
import dev.vitals.server.config.ConfigLoader;
import dev.vitals.server.config.VitalsConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gateway overhead benchmark: the same requests sent to a fast fake upstream directly and through
 * Vitals, non-streaming and streaming, at each concurrency; reports latency percentiles, throughput
 * and the added latency (through − direct). Every target is measured in the same run and process.
 *
 * <pre>{@code
 * java -cp vitals-bench.jar dev.vitals.bench.GatewayLoad --requests 20000 --warmup 5000 --concurrency 1,16
 * }</pre>
 */
public final class GatewayLoad {
    /** One measured run. */
    public record Result(String target, boolean stream, int concurrency, int requests, double p50Ms, double p90Ms,
                         double p99Ms, double rps, int errors) {
    }

    private final Vertx clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));

    public static void main(String[] args) throws Exception {
        int requests = 20_000;
        int warmup = 5_000;
        int chunks = 20;
        int[] concurrency = {1, 16};
        String portkey = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--portkey" -> portkey = args[++i];
                case "--requests" -> requests = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--chunks" -> chunks = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrency = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; use --requests N --warmup N --chunks N --concurrency 1,16 [--portkey http://127.0.0.1:8787]");
            }
        }
        List<Result> results = run(requests, warmup, chunks, concurrency, portkey);
        System.out.println(report(results));
        System.exit(0);
    }

    /** Runs every combination and returns the results (direct and vitals per mode and concurrency). */
    public static List<Result> run(int requests, int warmup, int chunks, int[] concurrency) throws Exception {
        return run(requests, warmup, chunks, concurrency, null);
    }

    /**
     * As {@link #run(int, int, int, int[])}, plus Portkey's gateway at {@code portkeyUrl} (already
     * running; pointed at the same fake upstream with its custom-host header) when not null.
     */
    public static List<Result> run(int requests, int warmup, int chunks, int[] concurrency, String portkeyUrl) throws Exception {
        Logger.getLogger("dev.vitals").setLevel(Level.WARNING);
        GatewayLoad load = new GatewayLoad();
        List<Result> out = new ArrayList<>();
        try (FastUpstream upstream = FastUpstream.start(chunks)) {
            Vertx gatewayVertx = Vertx.vertx();
            VitalsConfig cfg = ConfigLoader.load(new ConfigLoader.Overrides(), Map.of());
            cfg.server.host = "127.0.0.1";
            cfg.server.port = 0;
            VitalsConfig.Backend b = new VitalsConfig.Backend();
            b.name = "bench";
            b.type = "openai";
            b.baseUrl = "http://127.0.0.1:" + upstream.port() + "/v1";
            b.models = List.of("bench-model");
            cfg.backends = List.of(b);
            cfg.defaultModel = "bench-model";
            ConfigLoader.validate(cfg);
            VitalsServer gateway = VitalsServer.start(gatewayVertx, cfg, Map.of()).await();
            try {
                for (boolean stream : new boolean[] {false, true}) {
                    for (int c : concurrency) {
                        List<String> targets = new ArrayList<>(List.of("direct", "vitals"));
                        if (portkeyUrl != null) {
                            targets.add("portkey");
                        }
                        for (String target : targets) {
                            RequestOptions opts;
                            if (target.equals("portkey")) {
                                java.net.URI u = java.net.URI.create(portkeyUrl);
                                opts = options(u.getPort(), "/v1/chat/completions")
                                        .putHeader("x-portkey-provider", "openai")
                                        .putHeader("x-portkey-custom-host", "http://127.0.0.1:" + upstream.port() + "/v1")
                                        .putHeader("authorization", "Bearer bench");
                            } else {
                                opts = options(target.equals("direct") ? upstream.port() : gateway.port(), "/v1/chat/completions");
                            }
                            load.measure(opts, stream, c, warmup);
                            Result r = load.measure(opts, stream, c, requests);
                            out.add(new Result(target, stream, c, requests, r.p50Ms, r.p90Ms, r.p99Ms, r.rps, r.errors));
                        }
                    }
                }
            } finally {
                gateway.close().await();
                gatewayVertx.close().await();
                load.clientVertx.close().await();
            }
        }
        return out;
    }

    private static RequestOptions options(int port, String uri) {
        return new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                .setURI(uri).putHeader("content-type", "application/json");
    }

    private Result measure(RequestOptions opts, boolean stream, int concurrency, int requests) throws Exception {
        HttpClientAgent client = clientVertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(concurrency));
        Buffer body = Buffer.buffer("{\"model\":\"bench-model\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of France?\"}]}");
        long[] latencies = new long[requests];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        long t0 = System.nanoTime();
        List<Future<Void>> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            Promise<Void> done = Promise.promise();
            clientVertx.runOnContext(v -> loop(client, opts, body, latencies, next, errors, done));
            workers.add(done.future());
        }
        Future.all(workers).await();
        double seconds = (System.nanoTime() - t0) / 1e9;
        client.close().await();
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        return new Result("", stream, concurrency, requests, pct(sorted, 50), pct(sorted, 90), pct(sorted, 99),
                requests / seconds, errors.get());
    }

    private void loop(HttpClientAgent client, RequestOptions opts, Buffer body, long[] latencies, AtomicInteger next,
                      AtomicInteger errors, Promise<Void> done) {
        int i = next.getAndIncrement();
        if (i >= latencies.length) {
            done.tryComplete();
            return;
        }
        long start = System.nanoTime();
        client.request(opts).compose(req -> req.send(body)).compose(resp -> resp.body().map(b -> resp.statusCode()))
                .onComplete(ar -> {
                    latencies[i] = System.nanoTime() - start;
                    if (ar.failed() || ar.result() != 200) {
                        errors.incrementAndGet();
                    }
                    loop(client, opts, body, latencies, next, errors, done);
                });
    }

    private static double pct(long[] sorted, double p) {
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1e6;
    }

    /** A Markdown table: per mode and concurrency, each target, the latency it added over direct, and Vitals/Portkey. */
    public static String report(List<Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("| mode | concurrency | target | p50 ms | p90 ms | p99 ms | req/s | errors | added p50 ms | added p99 ms |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
        java.util.Map<String, Result> direct = new java.util.HashMap<>();
        java.util.Map<String, Result> vitals = new java.util.HashMap<>();
        List<String> ratios = new ArrayList<>();
        for (Result r : results) {
            String key = (r.stream ? "stream" : "non-stream") + " c=" + r.concurrency;
            if (r.target.equals("direct")) {
                direct.put(key, r);
            } else if (r.target.equals("vitals")) {
                vitals.put(key, r);
            }
            Result d = direct.get(key);
            boolean added = d != null && !r.target.equals("direct");
            sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %.3f | %.3f | %.3f | %.0f | %d | %s | %s |%n",
                    r.stream ? "stream" : "non-stream", r.concurrency, r.target, r.p50Ms, r.p90Ms, r.p99Ms, r.rps, r.errors,
                    added ? String.format(Locale.ROOT, "%.3f", r.p50Ms - d.p50Ms) : "",
                    added ? String.format(Locale.ROOT, "%.3f", r.p99Ms - d.p99Ms) : ""));
            if (r.target.equals("portkey") && d != null && vitals.containsKey(key)) {
                Result v = vitals.get(key);
                ratios.add(String.format(Locale.ROOT, "%s: added p50 Vitals/Portkey = %.3f, added p99 Vitals/Portkey = %.3f%s", key,
                        (v.p50Ms - d.p50Ms) / (r.p50Ms - d.p50Ms), (v.p99Ms - d.p99Ms) / (r.p99Ms - d.p99Ms),
                        r.errors > 0 ? " (Portkey had " + r.errors + " errors)" : ""));
            }
        }
        if (!ratios.isEmpty()) {
            sb.append('\n');
            ratios.forEach(x -> sb.append("- ").append(x).append('\n'));
        }
        return sb.toString();
    }
}
