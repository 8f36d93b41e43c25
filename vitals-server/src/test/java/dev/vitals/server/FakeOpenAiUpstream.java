package dev.vitals.server;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real OpenAI-compatible HTTP server for tests (a Vert.x {@link HttpServer} on 127.0.0.1, port 0)
 * that speaks {@code POST .../v1/chat/completions} in OpenAI's JSON and Server-Sent Events formats,
 * with a behaviour ({@link Scenario}) chosen per request and a record of every request it received.
 *
 * <p>The scenario of a request is, first match wins:
 * <ol>
 *   <li>the path: {@link #baseUrl(Scenario)} gives {@code http://127.0.0.1:PORT/scenario/NAME/v1}, so
 *       two backends of one gateway can point at one fake with different behaviours (fallbacks);</li>
 *   <li>the requested model, when mapped with {@link #scenarioForModel};</li>
 *   <li>the {@link #scenario} field (default {@link Scenario#NORMAL}).</li>
 * </ol>
 *
 * <p>The answer is deterministic: the assistant says {@code "You said: " + last message} split into
 * word pieces ({@link #replyPieces}); usage reports {@code prompt_tokens} = words of all messages + 8,
 * {@code completion_tokens} = number of pieces and {@code cached_tokens} = {@link #cachedTokens}
 * (clamped to the prompt tokens).
 */
public final class FakeOpenAiUpstream implements AutoCloseable {

    /** How the fake answers. */
    public enum Scenario {
        /**
         * OpenAI's own behaviour: JSON with usage; streams carry a role chunk with empty content, one
         * chunk per piece, a finish chunk, and, only when the request has
         * {@code stream_options.include_usage=true}, a last usage-only chunk with {@code choices: []};
         * then {@code data: [DONE]}. Every other chunk then has {@code "usage": null}.
         */
        NORMAL,
        /** Like NORMAL but no usage anywhere, whatever the request asks (many local servers). */
        NO_USAGE,
        /** Streams: usage rides on the last chunk that has choices (the finish chunk) and nowhere else. */
        USAGE_IN_LAST_CHUNK,
        /** Like NORMAL, but waits {@link #firstTokenDelayMs} before the first content (streams: headers and role chunk first). */
        SLOW_FIRST_TOKEN,
        /**
         * Streams: role chunk and {@link #cutAfterChunks} content chunks, then the connection is closed (no [DONE]).
         * Non-streaming: the head and half the body, then the connection is closed.
         */
        CUT_MID_STREAM,
        /**
         * Streams: role chunk and {@link #cutAfterChunks} content chunks, then silence until the peer goes away.
         * Non-streaming: the head and half the body, then silence.
         */
        STALL_MID_STREAM,
        /** Accepts the request and never answers. */
        HANG,
        /** 429 with OpenAI's rate-limit error body and a retry-after header. */
        RATE_LIMITED,
        /** 500 with OpenAI's server error body. */
        SERVER_ERROR,
        /** 400 with OpenAI's invalid-request error body ({@link #BAD_REQUEST_BODY}). */
        BAD_REQUEST
    }

    /** One request as received. */
    public record Received(Scenario scenario, String method, String path, MultiMap headers, Buffer body) {
        public JsonObject json() {
            return body.toJsonObject();
        }

        public String header(String name) {
            return headers.get(name);
        }
    }

    public static final String BAD_REQUEST_BODY = "{\"error\":{\"message\":\"Invalid value for 'temperature': must be <= 2.\","
            + "\"type\":\"invalid_request_error\",\"param\":\"temperature\",\"code\":\"invalid_value\"}}";
    public static final String RATE_LIMIT_BODY = "{\"error\":{\"message\":\"Rate limit reached for requests\","
            + "\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}";
    public static final String SERVER_ERROR_BODY = "{\"error\":{\"message\":\"The server had an error while processing your request.\","
            + "\"type\":\"server_error\",\"param\":null,\"code\":null}}";

    /** Default scenario for requests that the path and the model do not decide. */
    public volatile Scenario scenario = Scenario.NORMAL;
    /** SLOW_FIRST_TOKEN: delay before the first content, milliseconds. */
    public volatile long firstTokenDelayMs = 300;
    /** CUT_MID_STREAM / STALL_MID_STREAM: content chunks sent before the cut or the silence. */
    public volatile int cutAfterChunks = 2;
    /** {@code prompt_tokens_details.cached_tokens} reported in usage. */
    public volatile long cachedTokens = 0;
    /**
     * Streams: write like a picky server or proxy: CRLF line endings, {@code data:} without the space,
     * a keep-alive comment event first, and every event in 7-byte writes.
     */
    public volatile boolean awkwardFraming = false;

    private final Vertx vertx;
    private final HttpServer server;
    private final Map<String, Scenario> byModel = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger abortedByPeer = new AtomicInteger();
    private final AtomicInteger ids = new AtomicInteger();

    private FakeOpenAiUpstream(Vertx vertx) {
        this.vertx = vertx;
        this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1"));
        server.requestHandler(this::handle);
    }

    /** Starts a fake on a free loopback port. */
    public static FakeOpenAiUpstream start(Vertx vertx) {
        FakeOpenAiUpstream f = new FakeOpenAiUpstream(vertx);
        await(f.server.listen(0));
        return f;
    }

    public int port() {
        return server.actualPort();
    }

    /** Base URL of the default behaviour, as a backend's {@code baseUrl}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    /** Base URL whose requests always get {@code s}. */
    public String baseUrl(Scenario s) {
        return "http://127.0.0.1:" + port() + "/scenario/" + s.name().toLowerCase(Locale.ROOT) + "/v1";
    }

    /** Requests for {@code model} get {@code s} unless their path says otherwise. */
    public FakeOpenAiUpstream scenarioForModel(String model, Scenario s) {
        byModel.put(model, s);
        return this;
    }

    /** Every request received so far, in arrival order. */
    public List<Received> requests() {
        return List.copyOf(received);
    }

    /** Requests received that were answered with {@code s}. */
    public List<Received> requests(Scenario s) {
        return received.stream().filter(r -> r.scenario() == s).toList();
    }

    /** Streams (STALL_MID_STREAM, HANG) whose connection the peer closed before the fake finished. */
    public int abortedByPeer() {
        return abortedByPeer.get();
    }

    /** The pieces the assistant answers to {@code lastMessage}: "You", " said:", " w1", " w2", ... */
    public static List<String> replyPieces(String lastMessage) {
        String[] words = ("You said: " + lastMessage).trim().split("\\s+");
        List<String> out = new ArrayList<>(words.length);
        for (int i = 0; i < words.length; i++) {
            out.add(i == 0 ? words[i] : " " + words[i]);
        }
        return out;
    }

    /** The full reply text to {@code lastMessage}. */
    public static String replyText(String lastMessage) {
        return String.join("", replyPieces(lastMessage));
    }

    /** prompt_tokens the fake reports for these messages' contents. */
    public static long promptTokens(List<String> messageContents) {
        long words = 0;
        for (String c : messageContents) {
            String t = c.trim();
            words += t.isEmpty() ? 0 : t.split("\\s+").length;
        }
        return words + 8;
    }

    @Override
    public void close() {
        await(server.close());
    }

    // ---------------------------------------------------------------------------------------------

    private void handle(HttpServerRequest req) {
        req.body().onSuccess(body -> {
            Scenario s = scenarioOf(req.path(), body);
            received.add(new Received(s, req.method().name(), req.path(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()),
                    body.copy()));
            if (!req.path().endsWith("/v1/chat/completions")) {
                req.response().setStatusCode(404).putHeader("content-type", "application/json")
                        .end("{\"error\":{\"message\":\"not found\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}");
                return;
            }
            JsonObject json;
            try {
                json = body.toJsonObject();
            } catch (RuntimeException e) {
                req.response().setStatusCode(400).end("{\"error\":{\"message\":\"bad json\",\"type\":\"invalid_request_error\"}}");
                return;
            }
            answer(req, s, json);
        });
    }

    private Scenario scenarioOf(String path, Buffer body) {
        String prefix = "/scenario/";
        if (path.startsWith(prefix)) {
            int end = path.indexOf('/', prefix.length());
            String name = path.substring(prefix.length(), end < 0 ? path.length() : end);
            return Scenario.valueOf(name.toUpperCase(Locale.ROOT));
        }
        try {
            Scenario m = byModel.get(body.toJsonObject().getString("model", ""));
            if (m != null) {
                return m;
            }
        } catch (RuntimeException ignored) {
            // not JSON: the default
        }
        return scenario;
    }

    private void answer(HttpServerRequest req, Scenario s, JsonObject body) {
        HttpServerResponse resp = req.response();
        switch (s) {
            case HANG -> {
                resp.closeHandler(v -> abortedByPeer.incrementAndGet());
                return;
            }
            case RATE_LIMITED -> {
                resp.setStatusCode(429).putHeader("content-type", "application/json").putHeader("retry-after", "1")
                        .end(RATE_LIMIT_BODY);
                return;
            }
            case SERVER_ERROR -> {
                resp.setStatusCode(500).putHeader("content-type", "application/json").end(SERVER_ERROR_BODY);
                return;
            }
            case BAD_REQUEST -> {
                resp.setStatusCode(400).putHeader("content-type", "application/json").end(BAD_REQUEST_BODY);
                return;
            }
            default -> {
            }
        }
        List<String> contents = new ArrayList<>();
        JsonArray messages = body.getJsonArray("messages", new JsonArray());
        for (Object m : messages) {
            if (m instanceof JsonObject mo && mo.getValue("content") instanceof String c) {
                contents.add(c);
            }
        }
        String last = contents.isEmpty() ? "" : contents.get(contents.size() - 1);
        List<String> pieces = replyPieces(last);

        long prompt = promptTokens(contents);
        JsonObject usage = new JsonObject()
                .put("prompt_tokens", prompt)
                .put("completion_tokens", (long) pieces.size())
                .put("total_tokens", prompt + pieces.size())
                .put("prompt_tokens_details", new JsonObject().put("cached_tokens", Math.min(prompt, cachedTokens)).put("audio_tokens", 0))
                .put("completion_tokens_details", new JsonObject().put("reasoning_tokens", 0).put("audio_tokens", 0)
                        .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0));
        String model = body.getString("model", "unknown");
        String id = "chatcmpl-fake" + ids.incrementAndGet();
        if (Boolean.TRUE.equals(body.getValue("stream"))) {
            JsonObject so = body.getValue("stream_options") instanceof JsonObject j ? j : new JsonObject();
            boolean includeUsage = Boolean.TRUE.equals(so.getValue("include_usage"));
            stream(req, s, id, model, pieces, usage, includeUsage);
        } else {
            JsonObject o = new JsonObject()
                    .put("id", id)
                    .put("object", "chat.completion")
                    .put("created", System.currentTimeMillis() / 1000)
                    .put("model", model)
                    .put("choices", new JsonArray().add(new JsonObject()
                            .put("index", 0)
                            .put("message", new JsonObject().put("role", "assistant").put("content", String.join("", pieces))
                                    .putNull("refusal").put("annotations", new JsonArray()))
                            .putNull("logprobs")
                            .put("finish_reason", "stop")))
                    .put("service_tier", "default")
                    .put("system_fingerprint", "fp_fake");
            if (s != Scenario.NO_USAGE) {
                o.put("usage", usage);
            }
            if (s == Scenario.CUT_MID_STREAM || s == Scenario.STALL_MID_STREAM) {
                // the head and half the body, then the cut or the silence
                Buffer b = o.toBuffer();
                resp.putHeader("content-type", "application/json").putHeader("content-length", String.valueOf(b.length()));
                Future<Void> w = resp.write(b.getBuffer(0, b.length() / 2));
                if (s == Scenario.CUT_MID_STREAM) {
                    w.onComplete(ar -> req.connection().close());
                } else {
                    resp.closeHandler(v -> abortedByPeer.incrementAndGet());
                }
                return;
            }
            Runnable send = () -> {
                if (!resp.closed()) {
                    resp.putHeader("content-type", "application/json").end(o.toBuffer());
                }
            };
            if (s == Scenario.SLOW_FIRST_TOKEN) {
                vertx.setTimer(firstTokenDelayMs, t -> send.run());
            } else {
                send.run();
            }
        }
    }

    private void stream(HttpServerRequest req, Scenario s, String id, String model, List<String> pieces, JsonObject usage,
                        boolean includeUsage) {
        HttpServerResponse resp = req.response();
        // the head first, as OpenAI does, before any event is ready
        resp.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8").putHeader("cache-control", "no-cache");
        resp.writeHead();
        long created = System.currentTimeMillis() / 1000;
        boolean usageNulls = includeUsage && s != Scenario.NO_USAGE && s != Scenario.USAGE_IN_LAST_CHUNK;
        List<JsonObject> events = new ArrayList<>();
        events.add(chunk(id, created, model, new JsonObject().put("role", "assistant").put("content", "").putNull("refusal"),
                null, usageNulls));
        for (String p : pieces) {
            events.add(chunk(id, created, model, new JsonObject().put("content", p), null, usageNulls));
        }
        JsonObject finish = chunk(id, created, model, new JsonObject(), "stop", usageNulls);
        events.add(finish);
        if (s == Scenario.USAGE_IN_LAST_CHUNK) {
            finish.put("usage", usage);
        } else if (includeUsage && s != Scenario.NO_USAGE) {
            events.add(new JsonObject().put("id", id).put("object", "chat.completion.chunk").put("created", created)
                    .put("model", model).put("system_fingerprint", "fp_fake").put("choices", new JsonArray()).put("usage", usage));
        }
        if (s == Scenario.CUT_MID_STREAM || s == Scenario.STALL_MID_STREAM) {
            List<JsonObject> head = events.subList(0, Math.min(events.size(), 1 + cutAfterChunks));
            Future<Void> last = Future.succeededFuture();
            for (JsonObject e : head) {
                last = resp.write(sse(e));
            }
            if (s == Scenario.CUT_MID_STREAM) {
                // close once the bytes are on the wire, so the peer reads them and then the cut
                last.onComplete(ar -> req.connection().close());
            } else {
                resp.closeHandler(v -> abortedByPeer.incrementAndGet());
            }
            return;
        }
        if (s == Scenario.SLOW_FIRST_TOKEN) {
            resp.write(sse(events.get(0)));
            vertx.setTimer(firstTokenDelayMs, t -> writeAll(resp, events.subList(1, events.size())));
        } else {
            writeAll(resp, events);
        }
    }

    private void writeAll(HttpServerResponse resp, List<JsonObject> events) {
        if (resp.closed()) {
            return;
        }
        if (awkwardFraming) {
            Buffer all = Buffer.buffer(": keep-alive\r\n\r\n");
            for (JsonObject e : events) {
                all.appendString("data:").appendBuffer(e.toBuffer()).appendString("\r\n\r\n");
            }
            all.appendString("data:[DONE]\r\n\r\n");
            for (int i = 0; i < all.length(); i += 7) {
                resp.write(all.getBuffer(i, Math.min(all.length(), i + 7)));
            }
            resp.end();
            return;
        }
        // one event split over two writes: the gateway must reassemble it
        Buffer b = sse(events.get(0));
        int half = b.length() / 2;
        resp.write(b.getBuffer(0, half));
        resp.write(b.getBuffer(half, b.length()));
        writeRest(resp, events, 1);
    }

    /**
     * Writes events from {@code from} on in batches, letting the event loop flush between them and
     * waiting while the peer does not read, then [DONE].
     */
    private void writeRest(HttpServerResponse resp, List<JsonObject> events, int from) {
        if (resp.closed()) {
            return;
        }
        int to = Math.min(events.size(), from + 200);
        for (int i = from; i < to; i++) {
            resp.write(sse(events.get(i)));
            if (resp.writeQueueFull() && i + 1 < events.size()) {
                int next = i + 1;
                resp.drainHandler(v -> writeRest(resp, events, next));
                return;
            }
        }
        if (to < events.size()) {
            vertx.runOnContext(v -> writeRest(resp, events, to));
        } else {
            resp.end(Buffer.buffer("data: [DONE]\n\n"));
        }
    }

    private static JsonObject chunk(String id, long created, String model, JsonObject delta, String finish, boolean usageNull) {
        JsonObject choice = new JsonObject().put("index", 0).put("delta", delta).putNull("logprobs");
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        JsonObject o = new JsonObject().put("id", id).put("object", "chat.completion.chunk").put("created", created)
                .put("model", model).put("service_tier", "default").put("system_fingerprint", "fp_fake")
                .put("choices", new JsonArray().add(choice));
        if (usageNull) {
            o.putNull("usage");
        }
        return o;
    }

    private static Buffer sse(JsonObject o) {
        return Buffer.buffer("data: ").appendBuffer(o.toBuffer()).appendString("\n\n");
    }

    static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("operation failed or took longer than 20 s: " + e, e);
        }
    }
}
