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
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gateway overhead benchmark: the same requests sent to a fast fake upstream directly, through a
 * bare Vert.x pass-through proxy (the floor for any gateway built this way), through Vitals and,
 * optionally, through Portkey, non-streaming and streaming, at each concurrency; reports latency
 * percentiles, throughput and the added latency (through − direct). Every cell is first warmed
 * with {@code warmup} requests, over and over for at least {@code warmupSeconds}; then the targets are measured in turn, {@code rounds} times, and each target's samples from all rounds are pooled, so a change in
 * the machine's load touches every target alike.
 *
 * <p>By default the bare proxy and Vitals run in this process. With {@code --vitals URL} and
 * {@code --bare URL} they are already running elsewhere (the script starts them pinned to their own
 * cores), pointed at the fake upstream on {@code --upstream-port}.
 *
 * <pre>{@code
 * java -cp vitals-bench.jar dev.vitals.bench.GatewayLoad --requests 20000 --warmup 5000 --concurrency 1,16
 * }</pre>
 */
public final class GatewayLoad {
    /** One measured cell. */
    public record Result(String target, boolean stream, int concurrency, int requests, double p50Ms, double p90Ms,
                         double p99Ms, double rps, int errors) {
    }

    /** What to run; the defaults measure everything in this process. */
    public static final class Options {
        public int requests = 20_000;
        public int warmup = 5_000;
        public double warmupSeconds = 90;
        public int chunks = 20;
        public int rounds = 1;
        public int[] concurrency = {1, 16};
        public int upstreamPort;
        /** Already-running gateways pointed at the upstream; null: started here (Portkey: left out). */
        public String portkeyUrl;
        public String vitalsUrl;
        public String bareUrl;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--portkey" -> o.portkeyUrl = args[++i];
                    case "--vitals" -> o.vitalsUrl = args[++i];
                    case "--bare" -> o.bareUrl = args[++i];
                    case "--upstream-port" -> o.upstreamPort = Integer.parseInt(args[++i]);
                    case "--requests" -> o.requests = Integer.parseInt(args[++i]);
                    case "--warmup" -> o.warmup = Integer.parseInt(args[++i]);
                    case "--warmup-seconds" -> o.warmupSeconds = Double.parseDouble(args[++i]);
                    case "--chunks" -> o.chunks = Integer.parseInt(args[++i]);
                    case "--rounds" -> o.rounds = Integer.parseInt(args[++i]);
                    case "--concurrency" -> o.concurrency = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]
                            + "; use --requests N --warmup N --warmup-seconds S --rounds N --chunks N --concurrency 1,16 [--upstream-port N]"
                            + " [--vitals URL] [--bare URL] [--portkey URL]");
                }
            }
            if ((o.vitalsUrl != null || o.bareUrl != null) && o.upstreamPort <= 0) {
                throw new IllegalArgumentException("--vitals and --bare need --upstream-port: the port they forward to");
            }
            return o;
        }
    }

    private final Vertx clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        String before = loadAverage();
        List<Result> results = run(o);
        System.out.println(report(results));
        if (before != null) {
            System.out.println("Load average (1, 5, 15 min) at the start: " + before + "; at the end: " + loadAverage());
        }
        System.exit(0);
    }

    /** The machine's load averages, or null where /proc/loadavg is missing. */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** Runs every combination in this process and returns the results (direct, bare and vitals). */
    public static List<Result> run(int requests, int warmup, int chunks, int[] concurrency) throws Exception {
        Options o = new Options();
        o.requests = requests;
        o.warmup = warmup;
        o.warmupSeconds = 0;
        o.chunks = chunks;
        o.concurrency = concurrency;
        return run(o);
    }

    /** Runs every combination the options name. */
    public static List<Result> run(Options o) throws Exception {
        Logger.getLogger("dev.vitals").setLevel(Level.WARNING);
        GatewayLoad load = new GatewayLoad();
        List<Result> out = new ArrayList<>();
        List<AutoCloseable> started = new ArrayList<>();
        try (FastUpstream upstream = FastUpstream.start(o.upstreamPort, o.chunks)) {
            Map<String, RequestOptions> targets = new LinkedHashMap<>();
            targets.put("direct", options(upstream.port(), "/v1/chat/completions"));
            int barePort;
            if (o.bareUrl != null) {
                barePort = URI.create(o.bareUrl).getPort();
            } else {
                BareProxy bare = BareProxy.start(0, upstream.port());
                started.add(bare);
                barePort = bare.port();
            }
            targets.put("bare", options(barePort, "/v1/chat/completions"));
            int vitalsPort = o.vitalsUrl != null ? URI.create(o.vitalsUrl).getPort() : startVitals(upstream.port(), started);
            targets.put("vitals", options(vitalsPort, "/v1/chat/completions"));
            if (o.portkeyUrl != null) {
                targets.put("portkey", options(URI.create(o.portkeyUrl).getPort(), "/v1/chat/completions")
                        .putHeader("x-portkey-provider", "openai")
                        .putHeader("x-portkey-custom-host", "http://127.0.0.1:" + upstream.port() + "/v1")
                        .putHeader("authorization", "Bearer bench"));
            }
            // every cell is warmed before any is measured, for at least warmupSeconds: a gateway's JIT
            // keeps compiling until streams and both concurrencies have all been seen, and on one core
            // its compiler threads took half the CPU for about a minute of load
            long warmUntil = System.nanoTime() + (long) (o.warmupSeconds * 1e9);
            do {
                for (boolean stream : new boolean[] {false, true}) {
                    for (int c : o.concurrency) {
                        for (var t : targets.values()) {
                            load.measure(t, stream, c, o.warmup);
                        }
                    }
                }
            } while (System.nanoTime() < warmUntil);
            System.err.println("warm; measuring");
            for (boolean stream : new boolean[] {false, true}) {
                for (int c : o.concurrency) {
                    Map<String, List<long[]>> samples = new LinkedHashMap<>();
                    Map<String, double[]> totals = new LinkedHashMap<>(); // seconds, errors
                    for (String t : targets.keySet()) {
                        samples.put(t, new ArrayList<>());
                        totals.put(t, new double[2]);
                    }
                    for (int round = 0; round < o.rounds; round++) {
                        for (var t : targets.entrySet()) {
                            Run r = load.measure(t.getValue(), stream, c, o.requests);
                            samples.get(t.getKey()).add(r.latencies);
                            totals.get(t.getKey())[0] += r.seconds;
                            totals.get(t.getKey())[1] += r.errors;
                        }
                    }
                    for (String t : targets.keySet()) {
                        long[] all = samples.get(t).stream().flatMapToLong(Arrays::stream).sorted().toArray();
                        double[] tot = totals.get(t);
                        out.add(new Result(t, stream, c, all.length, pct(all, 50), pct(all, 90), pct(all, 99),
                                all.length / tot[0], (int) tot[1]));
                    }
                }
            }
        } finally {
            for (int i = started.size() - 1; i >= 0; i--) {
                started.get(i).close();
            }
            load.clientVertx.close().await();
        }
        return out;
    }

    /** Vitals in this process, on its own Vert.x, forwarding to the upstream. */
    private static int startVitals(int upstreamPort, List<AutoCloseable> started) throws Exception {
        Vertx gatewayVertx = Vertx.vertx();
        VitalsConfig cfg = ConfigLoader.load(new ConfigLoader.Overrides(), Map.of());
        cfg.server.host = "127.0.0.1";
        cfg.server.port = 0;
        cfg.store.path = Files.createTempDirectory("vitals-bench").resolve("vitals.db").toString();
        VitalsConfig.Backend b = new VitalsConfig.Backend();
        b.name = "bench";
        b.type = "openai";
        b.baseUrl = "http://127.0.0.1:" + upstreamPort + "/v1";
        b.models = List.of("bench-model");
        cfg.backends = List.of(b);
        cfg.defaultModel = "bench-model";
        ConfigLoader.validate(cfg);
        VitalsServer gateway = VitalsServer.start(gatewayVertx, cfg, Map.of()).await();
        started.add(() -> {
            gateway.close().await();
            gatewayVertx.close().await();
        });
        return gateway.port();
    }

    private static RequestOptions options(int port, String uri) {
        return new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                .setURI(uri).putHeader("content-type", "application/json");
    }

    private record Run(long[] latencies, double seconds, int errors) {
    }

    private Run measure(RequestOptions opts, boolean stream, int concurrency, int requests) throws Exception {
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
        return new Run(latencies, seconds, errors.get());
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
        java.util.Map<String, Result> bare = new java.util.HashMap<>();
        List<String> ratios = new ArrayList<>();
        for (Result r : results) {
            String key = (r.stream ? "stream" : "non-stream") + " c=" + r.concurrency;
            if (r.target.equals("direct")) {
                direct.put(key, r);
            } else if (r.target.equals("vitals")) {
                vitals.put(key, r);
            } else if (r.target.equals("bare")) {
                bare.put(key, r);
            }
            Result d = direct.get(key);
            boolean added = d != null && !r.target.equals("direct");
            sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %.3f | %.3f | %.3f | %.0f | %d | %s | %s |%n",
                    r.stream ? "stream" : "non-stream", r.concurrency, r.target, r.p50Ms, r.p90Ms, r.p99Ms, r.rps, r.errors,
                    added ? String.format(Locale.ROOT, "%.3f", r.p50Ms - d.p50Ms) : "",
                    added ? String.format(Locale.ROOT, "%.3f", r.p99Ms - d.p99Ms) : ""));
            if (r.target.equals("vitals") && bare.containsKey(key)) {
                Result f = bare.get(key);
                ratios.add(String.format(Locale.ROOT, "%s: Vitals over the bare proxy: p50 %+.3f ms, p99 %+.3f ms", key,
                        r.p50Ms - f.p50Ms, r.p99Ms - f.p99Ms));
            }
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
