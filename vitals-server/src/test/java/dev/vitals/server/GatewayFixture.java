package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.server.config.ConfigLoader;
import dev.vitals.server.config.VitalsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A real {@link VitalsServer} on a free loopback port, with helpers to call it over HTTP
 * ({@link java.net.http.HttpClient}, HTTP/1.1) and to read its {@code /metrics}.
 */
public final class GatewayFixture implements AutoCloseable {
    /** The environment variable the openai backends read their key from, and its value. */
    public static final String KEY_ENV = "FAKE_UPSTREAM_KEY";
    public static final String KEY = "sk-fake-upstream-4f2c9a";
    public static final Map<String, String> ENV = Map.of(KEY_ENV, KEY);

    /** One shared client: HTTP/1.1 (no h2c upgrade attempts), bounded connect time. */
    public static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final VitalsServer server;

    private GatewayFixture(VitalsServer server) {
        this.server = server;
    }

    private static volatile boolean warm;

    /**
     * Once per JVM: one non-streaming and one streaming call through a gateway and a fake upstream with
     * generous timeouts, so that class loading and JIT on a slow machine are not charged to the first test
     * whose upstream has a read timeout of a few hundred milliseconds.
     */
    public static synchronized void warmUp(Vertx gatewayVertx, Vertx upstreamVertx) {
        if (warm) {
            return;
        }
        try (FakeOpenAiUpstream up = FakeOpenAiUpstream.start(upstreamVertx);
             GatewayFixture g = start(gatewayVertx, config(openAi("warm-up", up.baseUrl(), "warm-up")))) {
            g.chat(chatBody("warm-up", "hello"));
            g.chat(chatBody("warm-up", "hello").put("stream", true));
            g.metrics();
        }
        warm = true;
    }

    /** Validates {@code cfg} and starts a gateway with {@link #ENV} as its environment. */
    public static GatewayFixture start(Vertx vertx, VitalsConfig cfg) {
        ConfigLoader.validate(cfg);
        return new GatewayFixture(FakeOpenAiUpstream.await(VitalsServer.start(vertx, cfg, ENV)));
    }

    /** A gateway on a free port, one event loop, with these backends in fallback order. */
    public static VitalsConfig config(VitalsConfig.Backend... backends) {
        VitalsConfig c = new VitalsConfig();
        c.server.host = "127.0.0.1";
        c.server.port = 0;
        c.server.instances = 1;
        c.pricing.reloadIntervalSeconds = 0;
        c.backends = new ArrayList<>(List.of(backends));
        return c;
    }

    /** An openai-type backend with the test key, a 2 s connect and a 10 s read timeout. */
    public static VitalsConfig.Backend openAi(String name, String baseUrl, String... models) {
        VitalsConfig.Backend b = new VitalsConfig.Backend();
        b.name = name;
        b.type = "openai";
        b.baseUrl = baseUrl;
        b.models = new ArrayList<>(List.of(models));
        b.apiKeyEnv = KEY_ENV;
        b.connectTimeoutMs = 2_000;
        b.readTimeoutMs = 10_000;
        return b;
    }

    /** A simulated backend that answers fast: latency 1-5 ms, first token after 2 ms, 1 ms between tokens. */
    public static VitalsConfig.Backend simulated(String name, String... models) {
        VitalsConfig.Backend b = new VitalsConfig.Backend();
        b.name = name;
        b.type = "simulated";
        b.models = new ArrayList<>(List.of(models));
        b.latencyMin = 0.001;
        b.latencyMax = 0.005;
        b.timeToFirstToken = 0.002;
        b.interTokenDelay = 0.001;
        b.seed = 7L;
        return b;
    }

    /** A base URL on which nothing listens: a port bound and released again. */
    public static String refusedBaseUrl() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort() + "/v1";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return server.port();
    }

    public VitalsServer server() {
        return server;
    }

    /** POSTs {@code body} to /v1/chat/completions with extra header pairs; the whole answer as a string. */
    public HttpResponse<String> chat(JsonObject body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        // bounded as a whole (HttpRequest.timeout only bounds the wait for the head, not a stalled body)
        var f = HTTP.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError("the gateway did not finish its answer within 30 s", e);
        } catch (ExecutionException e) {
            throw new AssertionError("request to the gateway failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The gateway's /metrics now. */
    public PromMetrics metrics() {
        return PromMetrics.scrape(HTTP, port());
    }

    /** Scrapes until {@code condition} holds (at most 15 s), then returns that scrape. */
    public PromMetrics awaitMetrics(String what, Predicate<PromMetrics> condition) {
        return awaitMetrics(what, condition, Duration.ofSeconds(15));
    }

    public PromMetrics awaitMetrics(String what, Predicate<PromMetrics> condition, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        PromMetrics m = metrics();
        while (!condition.test(m)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("metrics never showed " + what + " within " + max + "; last scrape:\n" + m.text());
            }
            pause(20);
            m = metrics();
        }
        return m;
    }

    /** Waits (at most 15 s) until {@code condition} holds. */
    public static void await(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never happened within 15 s: " + what);
            }
            pause(10);
        }
    }

    /**
     * The lines of a log another thread appends to that are complete: the writer may be in the middle of
     * a line when a test reads, so a last line without its newline is left for the next read.
     */
    public static List<String> completeLines(java.nio.file.Path file) {
        try {
            if (!java.nio.file.Files.exists(file)) {
                return List.of();
            }
            byte[] bytes = java.nio.file.Files.readAllBytes(file);
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] != '\n') {
                end--; // cut before decoding: a line being written may end inside a UTF-8 sequence
            }
            if (end == 0) {
                return List.of();
            }
            return List.of(new String(bytes, 0, end - 1, java.nio.charset.StandardCharsets.UTF_8).split("\n", -1));
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The {@code data:} payloads of a complete Server-Sent Events body, in order. */
    public static List<String> sseData(String body) {
        List<String> out = new ArrayList<>();
        for (String event : body.replace("\r\n", "\n").split("\n\n")) {
            StringBuilder data = null;
            for (String line : event.split("\n")) {
                if (line.startsWith("data:")) {
                    String v = line.startsWith("data: ") ? line.substring(6) : line.substring(5);
                    data = data == null ? new StringBuilder(v) : data.append('\n').append(v);
                }
            }
            if (data != null) {
                out.add(data.toString());
            }
        }
        return out;
    }

    /** The chat request body {@code {"model":M,"messages":[{"role":"user","content":C}]}}. */
    public static JsonObject chatBody(String model, String content) {
        return new JsonObject().put("model", model)
                .put("messages", new io.vertx.core.json.JsonArray().add(new JsonObject().put("role", "user").put("content", content)));
    }

    /** Asserts that calls of {@code model} add up: success + failure == sent, and errors by type == failures. */
    public static void assertReconciled(PromMetrics m, String model, int sent) {
        double ok = m.valueOr(0, "llm_requests_total", "model_name", model, "status", "success");
        double failed = m.valueOr(0, "llm_requests_total", "model_name", model, "status", "failure");
        assertThat(ok + failed).as("success + failure of %s", model).isEqualTo(sent);
        assertThat(m.sum("llm_errors_total", "model_name", model)).as("llm_errors_total of %s summed", model).isEqualTo(failed);
        assertThat(m.sum("gen_ai_client_operation_duration_seconds_count", "gen_ai_request_model", model))
                .as("gen_ai operations of %s", model).isEqualTo(sent);
        assertThat(m.valueOr(0, "llm_request_latency_seconds_count", "model_name", model))
                .as("latency observations of %s", model).isEqualTo(sent);
    }

    @Override
    public void close() {
        FakeOpenAiUpstream.await(server.close());
    }
}
