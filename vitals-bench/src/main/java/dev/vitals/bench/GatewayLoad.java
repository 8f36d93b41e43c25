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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gateway overhead benchmark: the same requests sent to a fast fake upstream directly, through a
 * bare Vert.x pass-through proxy (the floor for any gateway built this way), through Vitals and,
 * optionally, through Portkey (the peer), in three kinds of cell: non-streaming, a stream the upstream
 * writes at once, and a stream it writes event by event ({@link FastUpstream}); at each concurrency.
 *
 * <p>Every cell is first warmed with {@code warmup} requests, over and over for at least
 * {@code warmupSeconds}. Then {@code rounds} rounds measure every cell, the targets one after another
 * within a cell, so a change in the machine's load touches every target alike; {@link LoadReport}
 * gives each figure as the median and range of the rounds, and judges the targets against the floor
 * of the same round. A target with any failed or malformed answer in a cell is not measured there.
 *
 * <p>By default the bare proxy and Vitals run in this process (no CPU or allocation figures then).
 * With {@code --vitals URL} and {@code --bare URL} they are already running elsewhere (the script
 * starts them pinned to their own cores), pointed at the fake upstream on {@code --upstream-port};
 * {@code --pid NAME=PID} and {@code --gc-log NAME=PATH} let the harness read their CPU time and
 * allocation ({@link ProcessStats}).
 */
public final class GatewayLoad {
    /** Held, so the level set on it is not lost when the logger is collected. */
    private static final Logger QUIET = Logger.getLogger("dev.vitals");

    /** The three kinds of cell. */
    public enum Mode {
        NON_STREAM("non-stream"), STREAM_ONE_WRITE("stream, one write"), STREAM_PER_EVENT("stream, per event");

        public final String label;

        Mode(String label) {
            this.label = label;
        }

        /** The kind named on the command line: {@code non-stream}, {@code stream-one-write} or {@code stream-per-event}. */
        static Mode of(String name) {
            for (Mode m : values()) {
                if (m.label.replace(", ", "-").replace(' ', '-').equals(name)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("--kinds: unknown kind " + name + " (non-stream, stream-one-write, stream-per-event)");
        }
    }

    /**
     * One target in one cell in one round. CPU and allocation are NaN where not measured; {@code compilerCpuSeconds} is
     * the JIT compiler's part of {@code cpuSeconds} (NaN for a process that is not a HotSpot JVM or not measured).
     */
    public record Sample(String target, Mode mode, int concurrency, int round, int requests, double p50Ms,
                         double p90Ms, double p99Ms, double rps, int errors, String firstError, double cpuSeconds,
                         double allocatedBytes, double load1, double compilerCpuSeconds) {
    }

    /** What to run; the defaults measure everything in this process. */
    public static final class Options {
        public int requests = 20_000;
        /** Requests per cell (and warm-up pass) for the peer, which serves ~1,000 req/s and waits 25 ms per stream. */
        public int peerRequests = 2_000;
        public int warmup = 5_000;
        public double warmupSeconds = 90;
        public int chunks = 20;
        public long chunkGapMillis = 0;
        public int rounds = 3;
        public int[] concurrency = {1, 16};
        /** The kinds of cell to run, in this order (all three by default). */
        public Mode[] modes = Mode.values();
        public int upstreamPort;
        /** Already-running gateways pointed at the upstream; null: started here (Portkey: left out). */
        public String portkeyUrl;
        public String vitalsUrl;
        public String bareUrl;
        /** Process ids and GC logs of the gateways, by target name (bare, vitals, portkey). */
        public final Map<String, Long> pids = new LinkedHashMap<>();
        public final Map<String, Path> gcLogs = new LinkedHashMap<>();
        public double clockTicks = 100;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--portkey" -> o.portkeyUrl = args[++i];
                    case "--vitals" -> o.vitalsUrl = args[++i];
                    case "--bare" -> o.bareUrl = args[++i];
                    case "--upstream-port" -> o.upstreamPort = Integer.parseInt(args[++i]);
                    case "--requests" -> o.requests = Integer.parseInt(args[++i]);
                    case "--peer-requests" -> o.peerRequests = Integer.parseInt(args[++i]);
                    case "--warmup" -> o.warmup = Integer.parseInt(args[++i]);
                    case "--warmup-seconds" -> o.warmupSeconds = Double.parseDouble(args[++i]);
                    case "--chunks" -> o.chunks = Integer.parseInt(args[++i]);
                    case "--chunk-gap-ms" -> o.chunkGapMillis = Long.parseLong(args[++i]);
                    case "--rounds" -> o.rounds = Integer.parseInt(args[++i]);
                    case "--concurrency" -> o.concurrency = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                    case "--kinds" -> {
                        o.modes = Arrays.stream(args[++i].split(",")).map(Mode::of).toArray(Mode[]::new);
                        if (Arrays.stream(o.modes).distinct().count() < o.modes.length) {
                            throw new IllegalArgumentException("--kinds names a kind twice: " + args[i]);
                        }
                    }
                    case "--pid" -> {
                        String[] kv = pair(args[++i], "--pid");
                        o.pids.put(kv[0], Long.parseLong(kv[1]));
                    }
                    case "--gc-log" -> {
                        String[] kv = pair(args[++i], "--gc-log");
                        o.gcLogs.put(kv[0], Path.of(kv[1]));
                    }
                    case "--clk-tck" -> o.clockTicks = Double.parseDouble(args[++i]);
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]
                            + "; use --requests N --peer-requests N --warmup N --warmup-seconds S --rounds N --chunks N --chunk-gap-ms N"
                            + " --concurrency 1,16 [--kinds non-stream,stream-one-write,stream-per-event] [--upstream-port N] [--vitals URL] [--bare URL] [--portkey URL]"
                            + " [--pid NAME=PID] [--gc-log NAME=PATH] [--clk-tck N]");
                }
            }
            if ((o.vitalsUrl != null || o.bareUrl != null) && o.upstreamPort <= 0) {
                throw new IllegalArgumentException("--vitals and --bare need --upstream-port: the port they forward to");
            }
            if (o.rounds < 1 || o.requests < 1 || o.peerRequests < 1 || o.chunks < 1 || o.chunkGapMillis < 0 || o.clockTicks <= 0) {
                throw new IllegalArgumentException("--rounds, --requests, --peer-requests, --chunks and --clk-tck must be at least 1,"
                        + " --chunk-gap-ms at least 0");
            }
            return o;
        }

        private static String[] pair(String arg, String flag) {
            int eq = arg.indexOf('=');
            if (eq <= 0 || eq == arg.length() - 1) {
                throw new IllegalArgumentException(flag + " takes NAME=VALUE, e.g. vitals=1234; got " + arg);
            }
            return new String[] {arg.substring(0, eq), arg.substring(eq + 1)};
        }
    }

    private final Vertx clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final int chunks;

    private GatewayLoad(int chunks) {
        this.chunks = chunks;
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        String before = LoadReport.loadAverage();
        List<Sample> samples = run(o);
        System.out.println(LoadReport.report(samples, o));
        System.out.println("Load average (1, 5, 15 min) at the start: " + before + "; at the end: " + LoadReport.loadAverage());
        System.exit(0);
    }

    /** Runs every cell the options name, starting the fake upstream on {@code o.upstreamPort}. */
    public static List<Sample> run(Options o) throws Exception {
        try (FastUpstream upstream = FastUpstream.start(o.upstreamPort, o.chunks, o.chunkGapMillis)) {
            return run(o, upstream);
        }
    }

    /** Runs every cell the options name against an upstream already running. */
    public static List<Sample> run(Options o, FastUpstream upstream) throws Exception {
        QUIET.setLevel(Level.WARNING);
        GatewayLoad load = new GatewayLoad(o.chunks);
        List<Sample> out = new ArrayList<>();
        List<AutoCloseable> started = new ArrayList<>();
        try {
            Map<String, RequestOptions> targets = new LinkedHashMap<>();
            targets.put("direct", options(upstream.port()));
            int barePort;
            if (o.bareUrl != null) {
                barePort = URI.create(o.bareUrl).getPort();
            } else {
                BareProxy bare = BareProxy.start(0, upstream.port());
                started.add(bare);
                barePort = bare.port();
            }
            targets.put("bare", options(barePort));
            int vitalsPort = o.vitalsUrl != null ? URI.create(o.vitalsUrl).getPort() : startVitals(upstream.port(), started);
            targets.put("vitals", options(vitalsPort));
            if (o.portkeyUrl != null) {
                targets.put("portkey", options(URI.create(o.portkeyUrl).getPort())
                        .putHeader("x-portkey-provider", "openai")
                        .putHeader("x-portkey-custom-host", "http://127.0.0.1:" + upstream.port() + "/v1")
                        .putHeader("authorization", "Bearer bench"));
            }
            Map<String, ProcessStats> stats = new LinkedHashMap<>();
            o.pids.forEach((name, pid) -> stats.put(name, new ProcessStats(pid, o.gcLogs.get(name), o.clockTicks)));
            // every cell is warmed before any is measured, for at least warmupSeconds: a gateway's JIT
            // keeps compiling until every kind of cell has been seen, and on one core its compiler
            // threads took half the CPU for about a minute of load
            long warmUntil = System.nanoTime() + (long) (o.warmupSeconds * 1e9);
            do {
                for (Mode mode : o.modes) {
                    for (int c : o.concurrency) {
                        for (var t : targets.entrySet()) {
                            load.measure(t.getValue(), mode, c, t.getKey().equals("portkey") ? Math.min(o.warmup, o.peerRequests) : o.warmup);
                        }
                    }
                }
            } while (System.nanoTime() < warmUntil);
            System.err.println("warm; measuring " + o.rounds + " round(s)");
            for (int round = 0; round < o.rounds; round++) {
                for (Mode mode : o.modes) {
                    for (int c : o.concurrency) {
                        double load1 = LoadReport.load1();
                        for (var t : targets.entrySet()) {
                            ProcessStats ps = stats.get(t.getKey());
                            ProcessStats.Mark m0 = ps == null ? null : ps.mark();
                            int n = t.getKey().equals("portkey") ? o.peerRequests : o.requests;
                            Run r = load.measure(t.getValue(), mode, c, n);
                            ProcessStats.Mark m1 = ps == null ? null : ps.mark();
                            long[] sorted = r.latencies.clone();
                            Arrays.sort(sorted);
                            out.add(new Sample(t.getKey(), mode, c, round, n, pct(sorted, 50), pct(sorted, 90),
                                    pct(sorted, 99), n / r.seconds, r.errors, r.firstError,
                                    ps == null ? Double.NaN : ps.cpuSeconds(m0, m1),
                                    ps == null ? Double.NaN : ps.allocatedBytes(m0, m1), load1,
                                    ps == null ? Double.NaN : ps.compilerCpuSeconds(m0, m1)));
                        }
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
        VitalsConfig cfg = BenchGateway.config("vitals-bench", upstreamPort, List.of(FastUpstream.MODEL, FastUpstream.CHUNKED_MODEL));
        ConfigLoader.validate(cfg);
        VitalsServer gateway = VitalsServer.start(gatewayVertx, cfg, Map.of()).await();
        started.add(() -> {
            gateway.close().await();
            gatewayVertx.close().await();
        });
        return gateway.port();
    }

    private static RequestOptions options(int port) {
        return new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                .setURI("/v1/chat/completions").putHeader("content-type", "application/json");
    }

    private record Run(long[] latencies, double seconds, int errors, String firstError) {
    }

    private Run measure(RequestOptions opts, Mode mode, int concurrency, int requests) throws Exception {
        HttpClientAgent client = clientVertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(concurrency));
        Buffer body = Buffer.buffer("{\"model\":\"" + (mode == Mode.STREAM_PER_EVENT ? FastUpstream.CHUNKED_MODEL : FastUpstream.MODEL)
                + "\",\"stream\":" + (mode != Mode.NON_STREAM)
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of France?\"}]}");
        long[] latencies = new long[requests];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        long t0 = System.nanoTime();
        List<Future<Void>> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            Promise<Void> done = Promise.promise();
            clientVertx.runOnContext(v -> loop(client, opts, mode, body, latencies, next, errors, firstError, done));
            workers.add(done.future());
        }
        Future.all(workers).await();
        double seconds = (System.nanoTime() - t0) / 1e9;
        client.close().await();
        return new Run(latencies, seconds, errors.get(), firstError.get());
    }

    private void loop(HttpClientAgent client, RequestOptions opts, Mode mode, Buffer body, long[] latencies,
                      AtomicInteger next, AtomicInteger errors, AtomicReference<String> firstError, Promise<Void> done) {
        int i = next.getAndIncrement();
        if (i >= latencies.length) {
            done.tryComplete();
            return;
        }
        long start = System.nanoTime();
        client.request(opts).compose(req -> req.send(body))
                .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b)))
                .onComplete(ar -> {
                    latencies[i] = System.nanoTime() - start;
                    String wrong = ar.failed() ? String.valueOf(ar.cause()) : wrong(mode, ar.result());
                    if (wrong != null) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, wrong.length() > 160 ? wrong.substring(0, 160) + "..." : wrong);
                    }
                    loop(client, opts, mode, body, latencies, next, errors, firstError, done);
                });
    }

    private record Answer(int status, Buffer body) {
    }

    /** Why an answer is not the one the upstream sent (status, or a stream cut short), or null. */
    String wrong(Mode mode, Answer a) {
        String text = a.body.toString();
        if (a.status != 200) {
            return "HTTP " + a.status + ": " + text.replace('\n', ' ');
        }
        if (mode == Mode.NON_STREAM) {
            return text.contains("\"choices\"") && text.contains("Paris") ? null : "no answer in the body: " + text;
        }
        // every content event through, and the end of the stream
        return text.contains(" tok" + (chunks - 1) + "\"") && text.stripTrailing().endsWith("data: [DONE]") ? null
                : "stream incomplete: ..." + text.substring(Math.max(0, text.length() - 120)).replace('\n', ' ');
    }

    private static double pct(long[] sorted, double p) {
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1e6;
    }
}
