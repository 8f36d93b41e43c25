package dev.vitals.server.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vitals loadgen}: drives a running Vitals server with realistic chat traffic for demos and
 * tests. The {@code demo} scenario plays, over the duration: steady traffic (first half), a latency
 * spike, an error burst, a cost jump and drifting prompts (a tenth each, the last a fifth), so that
 * baselines, anomalies, drift and alerts fire on cue. Spikes use the simulated model's per-request
 * {@code metadata} overrides. It stops by itself after {@code --duration} and never keeps more than
 * {@code --max-in-flight} requests open.
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
    @Option(names = "--duration", description = "Seconds to run (default 300).")
    double duration = 300;
    @Option(names = "--scenario", description = "steady or demo (default demo).")
    String scenario = "demo";
    @Option(names = "--model", description = "Model to call (default mock-llm-v1).")
    String model = "mock-llm-v1";
    @Option(names = "--stream-share", description = "Share of streamed requests (default 0.3).")
    double streamShare = 0.3;
    @Option(names = "--api-key", description = "Gateway API key (default: env VITALS_API_KEY).")
    String apiKey = System.getenv("VITALS_API_KEY");
    @Option(names = "--seed", description = "Seed of the traffic's randomness (default 1).")
    long seed = 1;
    @Option(names = "--max-in-flight", description = "Most open requests (default 256).")
    int maxInFlight = 256;
    @Option(names = "--quiet", description = "Print only the summary.")
    boolean quiet;

    /** What was sent and how it ended, per phase. */
    public record Summary(long sent, long ok, long failed, Map<String, Long> byPhaseAndStatus) {
    }

    @Override
    public Integer call() throws Exception {
        if (!(rps > 0) || rps > 10_000 || !(duration > 0) || duration > 86_400) {
            System.err.println("vitals loadgen: --rps must be in (0, 10000] and --duration in (0, 86400] seconds");
            return 2;
        }
        if (!scenario.equals("steady") && !scenario.equals("demo")) {
            System.err.println("vitals loadgen: --scenario must be steady or demo, got '" + scenario + "'");
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
        System.out.printf(Locale.ROOT, "sent %d, ok %d, failed %d%n", s.sent(), s.ok(), s.failed());
        s.byPhaseAndStatus().forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-28s %d%n", k, v));
        return 0;
    }

    /** The phase at a point of the run (0..1). */
    Phase phase(double progress) {
        if (scenario.equals("steady") || progress < 0.5) {
            return Phase.STEADY;
        }
        if (progress < 0.6) {
            return Phase.LATENCY_SPIKE;
        }
        if (progress < 0.7) {
            return Phase.ERROR_BURST;
        }
        if (progress < 0.8) {
            return Phase.COST_JUMP;
        }
        return Phase.DRIFT;
    }

    /** Runs the traffic against {@code base} and waits for every answer. */
    public Summary run(URI base) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        Random rnd = new Random(seed);
        Semaphore inFlight = new Semaphore(maxInFlight);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Map<String, AtomicLong> counts = new java.util.concurrent.ConcurrentHashMap<>();
        List<CompletableFuture<?>> all = new ArrayList<>();
        long start = System.nanoTime();
        long total = (long) Math.ceil(rps * duration);
        Phase last = null;
        for (long i = 0; i < total; i++) {
            long due = start + (long) (i / rps * 1e9);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            Phase p = phase(i / (double) total);
            if (p != last && !quiet) {
                System.out.printf(Locale.ROOT, "%6.1fs  phase %s%n", (System.nanoTime() - start) / 1e9, p.name().toLowerCase(Locale.ROOT));
                last = p;
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
        return new Summary(total, ok.get(), failed.get(), by);
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
            body.put("metadata", new JsonObject().put("vitals_latency_seconds", String.valueOf(3 + rnd.nextDouble() * 2)));
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
}
