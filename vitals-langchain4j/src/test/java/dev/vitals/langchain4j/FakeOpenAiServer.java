package dev.vitals.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real OpenAI-compatible HTTP server for tests (the JDK's HTTP server on 127.0.0.1, port 0) speaking
 * {@code POST /s/SCENARIO/v1/chat/completions} in OpenAI's JSON and Server-Sent Events formats. The
 * scenario is in the path, so one server serves every behaviour: {@link #baseUrl(Scenario)}.
 *
 * <p>Deterministic answers: the reply is {@link #REPLY} in {@link #PIECES} stream chunks; usage reports
 * {@value #PROMPT_TOKENS} prompt tokens ({@value #CACHED_TOKENS} of them cached) and
 * {@value #COMPLETION_TOKENS} completion tokens; streams carry usage only when the request asks with
 * {@code stream_options.include_usage}, in a last chunk with {@code choices: []}, as OpenAI does.
 * The response id is {@code chatcmpl-fake-N}. Shared with vitals-spring-boot-starter's tests (test jar).
 */
public final class FakeOpenAiServer implements AutoCloseable {
    public static final String REPLY = "Hello from the fake model";
    public static final List<String> PIECES = List.of("Hello", " from", " the", " fake", " model");
    public static final int PROMPT_TOKENS = 11;
    public static final int CACHED_TOKENS = 3;
    public static final int COMPLETION_TOKENS = 5;

    /** How the fake answers. */
    public enum Scenario {
        /** JSON (or SSE) with usage. */
        NORMAL,
        /** Like NORMAL, with no usage anywhere. */
        NO_USAGE,
        /** Like NORMAL, but the first content waits {@link #firstTokenDelayMs} (streams: after the role chunk). */
        SLOW_FIRST_TOKEN,
        /** 400 with OpenAI's invalid-request error body. */
        BAD_REQUEST,
        /** 429 with OpenAI's rate-limit body. */
        RATE_LIMITED,
        /** 500 with OpenAI's server-error body. */
        SERVER_ERROR,
        /** Never answers (until the server closes). */
        HANG
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-openai");
        t.setDaemon(true);
        return t;
    });
    private final Map<Scenario, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile boolean closed;
    /** Delay of the first content in {@link Scenario#SLOW_FIRST_TOKEN}. */
    public volatile long firstTokenDelayMs = 300;

    public FakeOpenAiServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/s/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    /** The OpenAI base URL (ending in {@code /v1}) of a scenario. */
    public String baseUrl(Scenario s) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/s/" + s.name().toLowerCase() + "/v1";
    }

    /** Requests received in scenario {@code s} (retries included). */
    public int count(Scenario s) {
        AtomicInteger n = counts.get(s);
        return n == null ? 0 : n.get();
    }

    /** Every request body received, in order. */
    public List<JsonNode> requests() {
        return requests;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String[] parts = ex.getRequestURI().getPath().split("/");
            // "", "s", scenario, "v1", "chat", "completions"
            if (parts.length != 6 || !"POST".equals(ex.getRequestMethod()) || !parts[5].equals("completions")) {
                send(ex, 404, "{\"error\":{\"message\":\"not found\",\"type\":\"invalid_request_error\"}}");
                return;
            }
            Scenario s = Scenario.valueOf(parts[2].toUpperCase());
            counts.computeIfAbsent(s, k -> new AtomicInteger()).incrementAndGet();
            JsonNode req = JSON.readTree(ex.getRequestBody());
            requests.add(req);
            switch (s) {
                case BAD_REQUEST -> send(ex, 400, "{\"error\":{\"message\":\"Invalid value for 'temperature'\","
                        + "\"type\":\"invalid_request_error\",\"param\":\"temperature\",\"code\":null}}");
                case RATE_LIMITED -> send(ex, 429, "{\"error\":{\"message\":\"Rate limit reached\","
                        + "\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}");
                case SERVER_ERROR -> send(ex, 500, "{\"error\":{\"message\":\"The server had an error\","
                        + "\"type\":\"server_error\",\"param\":null,\"code\":null}}");
                case HANG -> {
                    while (!closed) {
                        sleep(50);
                    }
                }
                default -> {
                    String model = req.path("model").asText("unknown");
                    boolean usage = s != Scenario.NO_USAGE;
                    if (req.path("stream").asBoolean(false)) {
                        stream(ex, s, model, usage && req.path("stream_options").path("include_usage").asBoolean(false));
                    } else {
                        if (s == Scenario.SLOW_FIRST_TOKEN) {
                            sleep(firstTokenDelayMs);
                        }
                        send(ex, 200, completion(model, usage).toString());
                    }
                }
            }
        } catch (RuntimeException e) {
            // the client went away (timeout tests): nothing to answer
        }
    }

    private ObjectNode completion(String model, boolean usage) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", "chatcmpl-fake-" + ids.incrementAndGet()).put("object", "chat.completion")
                .put("created", 1_700_000_000L).put("model", model);
        ObjectNode choice = o.putArray("choices").addObject();
        choice.put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", REPLY);
        if (usage) {
            o.set("usage", usage());
        }
        return o;
    }

    private static ObjectNode usage() {
        ObjectNode u = JSON.createObjectNode();
        u.put("prompt_tokens", PROMPT_TOKENS).put("completion_tokens", COMPLETION_TOKENS)
                .put("total_tokens", PROMPT_TOKENS + COMPLETION_TOKENS);
        u.putObject("prompt_tokens_details").put("cached_tokens", CACHED_TOKENS);
        return u;
    }

    private void stream(HttpExchange ex, Scenario s, String model, boolean usage) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        String id = "chatcmpl-fake-" + ids.incrementAndGet();
        event(out, chunk(id, model, "{\"role\":\"assistant\",\"content\":\"\"}", null));
        if (s == Scenario.SLOW_FIRST_TOKEN) {
            sleep(firstTokenDelayMs);
        }
        for (String p : PIECES) {
            event(out, chunk(id, model, JSON.createObjectNode().put("content", p).toString(), null));
        }
        event(out, chunk(id, model, "{}", "stop"));
        if (usage) {
            ObjectNode last = JSON.createObjectNode();
            last.put("id", id).put("object", "chat.completion.chunk").put("created", 1_700_000_000L).put("model", model);
            last.putArray("choices");
            last.set("usage", usage());
            event(out, last.toString());
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String chunk(String id, String model, String delta, String finish) {
        ObjectNode c = JSON.createObjectNode();
        c.put("id", id).put("object", "chat.completion.chunk").put("created", 1_700_000_000L).put("model", model);
        ArrayNode choices = c.putArray("choices");
        ObjectNode ch = choices.addObject();
        ch.put("index", 0);
        try {
            ch.set("delta", JSON.readTree(delta));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
        if (finish == null) {
            ch.putNull("finish_reason");
        } else {
            ch.put("finish_reason", finish);
        }
        c.putNull("usage");
        return c.toString();
    }

    private static void event(OutputStream out, String json) throws IOException {
        out.write(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
        pool.shutdownNow();
    }
}
