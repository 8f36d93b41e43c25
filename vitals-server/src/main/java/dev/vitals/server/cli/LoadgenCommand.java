package dev.vitals.server.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vitals loadgen}: drives a running Vitals server with realistic chat traffic for demos and
 * tests. The {@code demo} scenario tells a story: steady traffic while the server's baselines warm up,
 * a drift reference frozen at the end of the warm-up (with an admin token), then a latency spike, an
 * error burst, a cost jump and drifting prompts, each long enough for the detector to open an anomaly,
 * and a closing summary read back from the server ({@code /v1/anomalies}, {@code /v1/drift},
 * {@code /v1/dashboard/overview}). Without {@code --duration} the schedule comes from the server's own
 * anomaly settings ({@code /v1/anomalies} {@code settings}): warm-up + 2 intervals, then
 * {@code consecutive} + 2 intervals a phase (on defaults 140 s + 4 × 50 s). With {@code --duration} the
 * phases are shares of it: steady half, a tenth each, drift a fifth. Spikes use the simulated model's
 * per-request {@code metadata} overrides. Never more than {@code --max-in-flight} requests open.
 */
@Command(name = "loadgen", mixinStandardHelpOptions = true,
        description = "Send realistic traffic to a running Vitals server (steady, or the demo scenario with spikes and drift).")
public final class LoadgenCommand implements Callable<Integer> {
    /** Traffic phases. */
    public enum Phase { STEADY, LATENCY_SPIKE, ERROR_BURST, COST_JUMP, DRIFT }

    @Option(names = "--url", description = "Server base URL (default http://127.0.0.1:5000).")
    String url = "http://127.0.0.1:5000";
    @Option(names = "--rps", description = "Requests per second (default 5).")
    double rps = 5;
    @Option(names = "--duration", description = "Seconds to run (default: steady 300; demo: timed from the server's anomaly settings).")
    Double duration;
    @Option(names = "--scenario", description = "steady or demo (default demo).")
    String scenario = "demo";
    @Option(names = "--model", description = "Model to call (default mock-llm-v1).")
    String model = "mock-llm-v1";
    @Option(names = "--stream-share", description = "Share of streamed requests (default 0.3).")
    double streamShare = 0.3;
    @Option(names = "--api-key", description = "Gateway API key (default: env VITALS_API_KEY).")
    String apiKey = System.getenv("VITALS_API_KEY");
    @Option(names = "--admin-token", description = "Admin token, to freeze the drift reference after the warm-up (default: env VITALS_ADMIN_TOKEN).")
    String adminToken = System.getenv("VITALS_ADMIN_TOKEN");
    @Option(names = "--spike-latency", description = "Seconds a call takes in the latency spike, ±25% (default 4).")
    double spikeLatency = 4;
    @Option(names = "--summary-wait", description = "Most seconds to wait after the traffic for the last anomalies and a drift verdict (default 90).")
    double summaryWait = 90;
    @Option(names = "--seed", description = "Seed of the traffic's randomness (default 1).")
    long seed = 1;
    @Option(names = "--max-in-flight", description = "Most open requests (default 256).")
    int maxInFlight = 256;
    @Option(names = "--progress-every", description = "Seconds between progress lines (default 10).")
    double progressEvery = 10;
    @Option(names = "--quiet", description = "Print only the summary.")
    boolean quiet;

    private PrintStream out = System.out;

    /** Where progress and the summary go (default standard output). */
    public LoadgenCommand output(PrintStream stream) {
        this.out = stream;
        return this;
    }

    /** What was sent and how it ended, per phase, and what the server reported afterwards. */
    public record Summary(long sent, long ok, long failed, Map<String, Long> byPhaseAndStatus,
                          List<String> anomalySignals, String driftVerdict, List<String> driftedFeatures, List<String> lines) {
    }

    /** One phase of the schedule: from {@code startSeconds} for {@code seconds}. */
    record Step(Phase phase, double startSeconds, double seconds) {
    }

    /** The server's anomaly settings, or the defaults when it does not say. */
    record Settings(double stepSeconds, int warmUp, int consecutive) {
        static final Settings DEFAULTS = new Settings(10, 12, 3);
    }

    @Override
    public Integer call() throws Exception {
        if (!(rps > 0) || rps > 10_000 || duration != null && (!(duration > 0) || duration > 86_400)) {
            System.err.println("vitals loadgen: --rps must be in (0, 10000] and --duration in (0, 86400] seconds");
            return 2;
        }
        if (!scenario.equals("steady") && !scenario.equals("demo")) {
            System.err.println("vitals loadgen: --scenario must be steady or demo, got '" + scenario + "'");
            return 2;
        }
        if (!(progressEvery > 0) || !(spikeLatency > 0) || spikeLatency > 40 || !(summaryWait >= 0) || summaryWait > 3600) {
            System.err.println("vitals loadgen: --progress-every must be > 0, --spike-latency in (0, 40] and --summary-wait in [0, 3600] seconds");
            return 2;
        }
        URI base;
        try {
            base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            if (base.getHost() == null) {
                throw new IllegalArgumentException("no host");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("vitals loadgen: --url is not a valid URL: " + url);
            return 2;
        }
        Summary s = run(base);
        s.lines().forEach(out::println);
        return 0;
    }

    /** The phases: proportional to --duration when given, else timed from the server's anomaly settings. */
    List<Step> schedule(Settings st) {
        List<Step> steps = new ArrayList<>();
        if (scenario.equals("steady")) {
            steps.add(new Step(Phase.STEADY, 0, duration == null ? 300 : duration));
            return steps;
        }
        double warm;
        double phase;
        double drift;
        if (duration != null) {
            warm = duration * 0.5;
            phase = duration * 0.1;
            drift = duration * 0.2;
        } else {
            warm = (st.warmUp() + 2) * st.stepSeconds();
            phase = (st.consecutive() + 2) * st.stepSeconds();
            drift = phase;
        }
        double t = 0;
        for (Phase p : Phase.values()) {
            double len = p == Phase.STEADY ? warm : p == Phase.DRIFT ? drift : phase;
            steps.add(new Step(p, t, len));
            t += len;
        }
        return steps;
    }

    /** What the phase does and what should happen next. */
    String announce(Phase p, Settings st) {
        String within = String.format(Locale.ROOT, "within %.0f s (%d intervals of %s s)", st.consecutive() * st.stepSeconds(),
                st.consecutive(), trim(st.stepSeconds()));
        return switch (p) {
            case STEADY -> scenario.equals("steady") ? "steady traffic"
                    : String.format(Locale.ROOT, "steady traffic: the server learns its baselines (warm-up: %d intervals of %s s); nothing should fire",
                            st.warmUp(), trim(st.stepSeconds()));
            case LATENCY_SPIKE -> String.format(Locale.ROOT, "latency spike now (calls take about %s s); expect a latency anomaly %s",
                    trim(spikeLatency), within);
            case ERROR_BURST -> "error burst now (30% of calls fail); expect an error_ratio anomaly " + within;
            case COST_JUMP -> "cost jump now (answers of 1,500-3,000 tokens); expect tokens_per_request and cost_per_query anomalies " + within;
            case DRIFT -> "drifting prompts now (long, non-ASCII, with follow-ups); expect drift of the prompt features at the next drift evaluation";
        };
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    /** Runs the traffic against {@code base}, waits for every answer, then reads the server's verdicts. */
    public Summary run(URI base) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        ServerApi api = new ServerApi(http, base, adminToken, apiKey);
        Settings st = scenario.equals("demo") ? api.settings() : Settings.DEFAULTS;
        List<Step> steps = schedule(st);
        Step lastStep = steps.get(steps.size() - 1);
        double total = lastStep.startSeconds() + lastStep.seconds();
        if (!quiet) {
            out.printf(Locale.ROOT, "vitals loadgen: %s scenario, %s req/s for %.0f s against %s (model %s)%n", scenario, trim(rps), total, base, model);
        }
        Random rnd = new Random(seed);
        Semaphore inFlight = new Semaphore(maxInFlight);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
        List<CompletableFuture<?>> all = new ArrayList<>();
        long startMillis = System.currentTimeMillis();
        long start = System.nanoTime();
        long n = (long) Math.ceil(rps * total);
        Phase last = null;
        double nextProgress = progressEvery;
        boolean referenceTried = false;
        for (long i = 0; i < n; i++) {
            double at = i / rps;
            long wait = start + (long) (at * 1e9) - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            Step step = stepAt(steps, at);
            Phase p = step.phase();
            if (p != last) {
                if (last == Phase.STEADY && scenario.equals("demo") && !referenceTried) {
                    referenceTried = true;
                    String r = api.freezeReference(model);
                    if (!quiet) {
                        out.printf(Locale.ROOT, "%6.1fs  %s%n", at, r);
                    }
                }
                if (!quiet) {
                    out.printf(Locale.ROOT, "%6.1fs  phase %s: %s%n", at, p.name().toLowerCase(Locale.ROOT), announce(p, st));
                }
                last = p;
            }
            if (!quiet && at >= nextProgress) {
                Step next = steps.stream().filter(x -> x.startSeconds() > at).findFirst().orElse(null);
                out.printf(Locale.ROOT, "%6.1fs  %-13s %s req/s  sent %d  ok %d  failed %d  open %d  %s%n", at, p.name().toLowerCase(Locale.ROOT),
                        trim(rps), i, ok.get(), failed.get(), maxInFlight - inFlight.availablePermits(),
                        next == null ? String.format(Locale.ROOT, "end in %.0f s", total - at)
                                : String.format(Locale.ROOT, "next: %s in %.0f s", next.phase().name().toLowerCase(Locale.ROOT), next.startSeconds() - at));
                nextProgress += progressEvery;
            }
            boolean stream = rnd.nextDouble() < streamShare;
            HttpRequest.Builder req = HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
                    .timeout(Duration.ofSeconds(120)).header("content-type", "application/json")
                    .header("x-vitals-user", "user-" + rnd.nextInt(500))
                    .header("x-vitals-session", "session-" + rnd.nextInt(150))
                    .POST(HttpRequest.BodyPublishers.ofString(body(p, stream, rnd).encode()));
            if (apiKey != null && !apiKey.isBlank()) {
                req.header("authorization", "Bearer " + apiKey);
            }
            inFlight.acquire();
            Phase phase = p;
            all.add(http.sendAsync(req.build(), HttpResponse.BodyHandlers.discarding()).whenComplete((r, t) -> {
                inFlight.release();
                String status = t != null ? "error" : Integer.toString(r.statusCode());
                (t == null && r.statusCode() == 200 ? ok : failed).incrementAndGet();
                counts.computeIfAbsent(phase.name().toLowerCase(Locale.ROOT) + " " + status, k -> new AtomicLong()).incrementAndGet();
            }));
        }
        CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).exceptionally(t -> null).join();
        Map<String, Long> by = new TreeMap<>();
        counts.forEach((k, v) -> by.put(k, v.get()));
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "sent %d, ok %d, failed %d", n, ok.get(), failed.get()));
        by.forEach((k, v) -> lines.add(String.format(Locale.ROOT, "  %-28s %d", k, v)));
        if (!scenario.equals("demo")) {
            return new Summary(n, ok.get(), failed.get(), by, List.of(), null, List.of(), lines);
        }
        if (!quiet) {
            out.printf(Locale.ROOT, "traffic done; waiting up to %.0f s for the last intervals and a drift evaluation ...%n", summaryWait);
        }
        DemoReport report = new DemoReport(api, model, startMillis);
        report.await(summaryWait, referenceTried);
        lines.addAll(report.lines(by));
        return new Summary(n, ok.get(), failed.get(), by, report.signals(), report.driftVerdict(), report.drifted(), lines);
    }

    private static Step stepAt(List<Step> steps, double at) {
        Step s = steps.get(0);
        for (Step x : steps) {
            if (x.startSeconds() <= at) {
                s = x;
            }
        }
        return s;
    }

    private JsonObject body(Phase p, boolean stream, Random rnd) {
        String prompt = switch (p) {
            case ERROR_BURST -> rnd.nextDouble() < 0.3 ? "this request will trigger an error" : question(rnd);
            case DRIFT -> "Ünïcödé prómpt with much more context than before, " + "quite long indeed ".repeat(20 + rnd.nextInt(40));
            default -> question(rnd);
        };
        JsonArray messages = new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt));
        if (p == Phase.DRIFT) {
            messages.add(new JsonObject().put("role", "assistant").put("content", "Earlier answer."))
                    .add(new JsonObject().put("role", "user").put("content", "And a follow-up?"));
        }
        JsonObject body = new JsonObject().put("model", model).put("messages", messages).put("stream", stream);
        if (p == Phase.LATENCY_SPIKE) {
            body.put("metadata", new JsonObject().put("vitals_latency_seconds", String.valueOf(spikeLatency * (0.75 + rnd.nextDouble() * 0.5))));
        } else if (p == Phase.COST_JUMP) {
            body.put("metadata", new JsonObject().put("vitals_output_tokens", String.valueOf(1500 + rnd.nextInt(1500))));
        }
        return body;
    }

    private static final String[] QUESTIONS = {
        "What is the capital of France?", "Summarize the plot of Hamlet in two sentences.",
        "Write a haiku about monitoring.", "How do I reverse a list in Python?", "Explain p95 latency to a manager.",
        "Suggest a name for a coffee shop.", "Translate 'good morning' into Spanish.", "What causes the seasons?"
    };

    private static String question(Random rnd) {
        return QUESTIONS[rnd.nextInt(QUESTIONS.length)];
    }

    /** Map of phase names to the signals the demo expects from them (for the summary). */
    static final Map<String, List<String>> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("latency spike", List.of("latency_p50", "latency_p95"));
        EXPECTED.put("error burst", List.of("error_ratio"));
        EXPECTED.put("cost jump", List.of("tokens_per_request", "cost_per_query"));
    }
}
