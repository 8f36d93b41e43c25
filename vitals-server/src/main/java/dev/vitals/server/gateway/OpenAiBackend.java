package dev.vitals.server.gateway;

import dev.vitals.llm.ErrorType;
import dev.vitals.server.config.ConfigException;
import dev.vitals.server.config.VitalsConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Any OpenAI-compatible upstream (OpenAI, vLLM, Ollama, llama.cpp server, LM Studio, ...), through
 * Vert.x's pooled non-blocking HTTP client. Non-streaming answers are passed through byte for byte;
 * streams are passed through event by event as they arrive. Both are checked: a body that is not a
 * chat completion, or a stream event that is not a chunk or is an {@code error} event, fails the call
 * (never a malformed 200). For streams the upstream is asked for usage ({@code stream_options.include_usage},
 * unless the backend's {@code streamUsage} is off); the gateway hides that extra chunk from clients that
 * did not ask for it. An upstream that rejects {@code stream_options} (a 400/422 naming it) is asked once
 * more without it, and never again while this backend lives; its streams then count as estimated.
 *
 * <p>The API key is read once at start-up from an environment variable or a file and is only ever
 * written into the upstream's {@code Authorization} header: never logged, echoed or exported.
 */
public final class OpenAiBackend extends ConfiguredBackend {
    private static final int MAX_SSE_EVENT_BYTES = 4 * 1024 * 1024;
    private static final Logger LOG = Logger.getLogger(OpenAiBackend.class.getName());

    private final Vertx vertx;
    private final HttpClientAgent client;
    private final String completionsUrl;
    private final String authorization;
    private final RequestOptions completeTemplate;
    private final RequestOptions streamTemplate;
    /** Set once the upstream rejected {@code stream_options}; read and written on event loops. */
    private volatile boolean streamOptionsRejected;
    private final OpenAiOperations operations;

    public OpenAiBackend(Vertx vertx, VitalsConfig.Backend cfg, Map<String, String> env) {
        super(cfg, "openai");
        this.vertx = vertx;
        String base = cfg.baseUrl.endsWith("/") ? cfg.baseUrl.substring(0, cfg.baseUrl.length() - 1) : cfg.baseUrl;
        this.completionsUrl = base + "/chat/completions";
        String key = readKey(cfg, env);
        this.authorization = key == null ? null : "Bearer " + key;
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, cfg.connectTimeoutMs))
                .setTrustAll(false)
                .setVerifyHost(true);
        this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(cfg.maxConnections));
        this.completeTemplate = template(false);
        this.streamTemplate = template(true);
        this.operations = new OpenAiOperations(vertx, cfg, client, base, authorization);
    }

    private static String readKey(VitalsConfig.Backend cfg, Map<String, String> env) {
        if (cfg.apiKeyEnv != null) {
            String v = env.get(cfg.apiKeyEnv);
            if (v == null || v.isBlank()) {
                throw new ConfigException("backend '" + cfg.name + "': environment variable " + cfg.apiKeyEnv
                        + " (apiKeyEnv) is not set");
            }
            return v.trim();
        }
        if (cfg.apiKeyFile != null) {
            try {
                List<String> lines = Files.readAllLines(Path.of(cfg.apiKeyFile));
                String v = lines.isEmpty() ? "" : lines.get(0).trim();
                if (v.isEmpty()) {
                    throw new ConfigException("backend '" + cfg.name + "': apiKeyFile " + cfg.apiKeyFile + " is empty");
                }
                return v;
            } catch (IOException e) {
                throw new ConfigException("backend '" + cfg.name + "': cannot read apiKeyFile " + cfg.apiKeyFile
                        + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        return null;
    }

    private RequestOptions template(boolean stream) {
        RequestOptions o = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(completionsUrl)
                .setConnectTimeout(cfg.connectTimeoutMs)
                .putHeader("content-type", "application/json")
                .putHeader("accept", stream ? "text/event-stream" : "application/json");
        if (authorization != null) {
            o.putHeader("authorization", authorization);
        }
        return o;
    }

    /** A fresh copy per request (the client may keep it); the URL was parsed once, in the template. */
    private RequestOptions options(boolean stream) {
        return UpstreamHeaders.addTo(new RequestOptions(stream ? streamTemplate : completeTemplate));
    }

    @Override
    public java.net.URI endpoint() {
        return java.net.URI.create(cfg.baseUrl);
    }

    /** Completions, embeddings and responses: see {@link OpenAiOperations}. */
    @Override
    public Future<Completion> complete(Operation op, ChatRequest r) {
        return op == Operation.CHAT ? complete(r) : operations.complete(op, r);
    }

    @Override
    public Future<ChatStream> stream(Operation op, ChatRequest r) {
        return op == Operation.CHAT ? stream(r) : operations.stream(op, r);
    }

    @Override
    public Future<Completion> complete(ChatRequest r) {
        return operations.post(options(false), r.rawBody() != null ? r.rawBody() : r.body().toBuffer(), OpenAiBackend::parseCompletion);
    }

    static Completion parseCompletion(Buffer buf) {
        ChunkScanner.Result r = ChunkScanner.scan(buf, true);
        if (!r.json) {
            throw new BackendException(ErrorType.BAD_RESPONSE, "upstream answered 200 with a body that is not a JSON object");
        }
        if (r.error != null) {
            throw upstreamError(r);
        }
        if (r.bad != null || !r.hasChoices) {
            throw new BackendException(ErrorType.BAD_RESPONSE, "upstream answered 200 with a body that is not a chat completion ("
                    + (r.bad != null ? r.bad : "no choices") + ")");
        }
        return new Completion(buf, r.content == null ? "" : r.content, r.usage(), r.finishReason, r.contentChars, r.id, r.model);
    }

    /** The failure for a document with an {@code error} object; its type or code only, never its message. */
    static BackendException upstreamError(ChunkScanner.Result r) {
        return new BackendException(r.error, "upstream reported an error" + (r.errorCode == null ? "" : " (" + r.errorCode + ")"));
    }

    static BackendException statusError(int status, Buffer body) {
        String msg = "upstream answered HTTP " + status;
        if (status == 429) {
            return new BackendException(ErrorType.RATE_LIMITED, status, body, msg);
        }
        if (status >= 500) {
            return new BackendException(ErrorType.UPSTREAM_5XX, status, body, msg);
        }
        if (status == 400 || status == 422) {
            return new BackendException(ErrorType.INVALID_REQUEST, status, body, msg);
        }
        if (status >= 400) {
            return new BackendException(ErrorType.UPSTREAM_4XX, status, body, msg);
        }
        return new BackendException(ErrorType.BAD_RESPONSE, status, null, msg);
    }

    @Override
    public Future<ChatStream> stream(ChatRequest r) {
        boolean askUsage = cfg.streamUsage && !streamOptionsRejected;
        Buffer plain = r.rawBody() != null ? r.rawBody() : r.body().toBuffer();
        // only a body to which the gateway itself added stream_options may be retried without it
        boolean added = askUsage && !r.has("stream_options");
        long start = System.nanoTime();
        Promise<ChatStream> p = Promise.promise();
        send(askUsage ? withUsage(r) : plain, start, p, added ? plain : null);
        return p.future();
    }

    /** Sends one stream request; {@code withoutOptions}, when not null, is sent once if the upstream rejects stream_options. */
    private void send(Buffer body, long start, Promise<ChatStream> p, Buffer withoutOptions) {
        operations.open(options(true), body).onComplete(ar -> {
            if (ar.succeeded()) {
                p.complete(new UpstreamStream(vertx, cfg.readTimeoutMs, ar.result(), start));
                return;
            }
            BackendException e = (BackendException) ar.cause();
            if (withoutOptions != null && rejectsStreamOptions(e.upstreamStatus(), e.upstreamBody())) {
                Promise<ChatStream> retry = Promise.promise();
                send(withoutOptions, start, retry, null);
                retry.future().onComplete(rr -> {
                    if (rr.succeeded() && !streamOptionsRejected) {
                        streamOptionsRejected = true;
                        LOG.info(() -> "backend '" + cfg.name + "' rejects stream_options: its streams are sent"
                                + " without it from now on, and their tokens are estimated when it reports no usage");
                    }
                    p.handle(rr);
                });
                return;
            }
            p.fail(e);
        });
    }

    /** A 400/422 whose body names {@code stream_options} (or {@code include_usage}): the upstream does not know the field. */
    static boolean rejectsStreamOptions(int status, Buffer body) {
        if ((status != 400 && status != 422) || body == null) {
            return false;
        }
        String s = body.toString().toLowerCase(Locale.ROOT);
        return s.contains("stream_options") || s.contains("include_usage");
    }

    private static final byte[] INCLUDE_USAGE = ",\"stream_options\":{\"include_usage\":true}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * The body to send upstream for a stream: the client's, asking for usage. The client's bytes are
     * kept as they are when they already ask, or spliced with {@code stream_options} before the closing
     * brace when they name none (re-encoding the whole tree cost more than the rest of the request);
     * only a body whose {@code stream_options} says otherwise is re-encoded.
     */
    static Buffer withUsage(ChatRequest r) {
        Buffer raw = r.rawBody();
        if (raw != null) {
            if (r.clientWantsUsage()) {
                return raw;
            }
            if (!r.has("stream_options")) {
                int end = raw.length() - 1;
                while (end > 0 && isJsonSpace(raw.getByte(end))) {
                    end--;
                }
                if (end > 0 && raw.getByte(end) == '}') {
                    return Buffer.buffer(raw.length() + INCLUDE_USAGE.length).appendBuffer(raw, 0, end)
                            .appendBytes(INCLUDE_USAGE).appendBuffer(raw, end, raw.length() - end);
                }
            }
        }
        JsonObject body = r.body().copy();
        JsonObject so = body.getValue("stream_options") instanceof JsonObject j ? j : new JsonObject();
        return body.put("stream_options", so.put("include_usage", true)).toBuffer();
    }

    private static boolean isJsonSpace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    /** Passes upstream events through as they arrive. */
    private static final class UpstreamStream extends PassThroughStream {
        private final Vertx vertx;
        private final long readTimeoutMs;
        private final ChunkScanner.Incremental scanner = new ChunkScanner.Incremental();
        private SseParser parser;
        /** Whether an event reported a finish reason: the answer is complete even if [DONE] never comes. */
        private boolean finished;

        UpstreamStream(Vertx vertx, long readTimeoutMs, HttpClientResponse resp, long start) {
            super(resp, start);
            this.vertx = vertx;
            this.readTimeoutMs = readTimeoutMs;
        }

        @Override
        public void start(StreamSink sink) {
            scanner.collectText(sink.keepsText());
            parser = new SseParser(MAX_SSE_EVENT_BYTES, (raw, rawOff, rawLen, data, off, len) -> {
                if (done || cancelled) {
                    return;
                }
                if (isDone(data, off, len)) {
                    finish(sink, null);
                    return;
                }
                StreamEvent e = event(raw, rawOff, rawLen, data, off, len, sink);
                if (e != null) {
                    sink.event(e);
                }
            });
            read(vertx, readTimeoutMs, parser, sink, "a finish reason or [DONE]");
        }

        @Override
        protected void released() {
            scanner.close();
        }

        /** The upstream ended or closed before [DONE]: a success when a finish reason came (some servers skip [DONE]). */
        @Override
        protected void endedEarly(StreamSink sink, BackendException e) {
            finish(sink, finished ? null : e);
        }

        /** The event, or {@code null} after failing the stream for a malformed or error event. */
        private StreamEvent event(byte[] raw, int rawOff, int rawLen, byte[] data, int off, int len, StreamSink sink) {
            ChunkScanner.Result r = scanner.scan(data, off, len);
            if (!r.json || r.bad != null) {
                finish(sink, new BackendException(ErrorType.BAD_RESPONSE, "upstream sent a stream event that is not a chat completion chunk ("
                        + (r.json ? r.bad : "not a JSON object") + ")"));
                return null;
            }
            if (r.error != null) {
                finish(sink, upstreamError(r));
                return null;
            }
            if (r.finishReason != null) {
                finished = true;
            }
            return chunk(r, raw, rawOff, rawLen, parser.plain());
        }
    }

    /** Whether an event's data is the stream's end, {@code [DONE]}. */
    static boolean isDone(byte[] d, int off, int len) {
        while (len > 0 && (d[off + len - 1] == ' ' || d[off + len - 1] == '\t')) {
            len--;
        }
        return len == 6 && d[off] == '[' && d[off + 1] == 'D' && d[off + 2] == 'O' && d[off + 3] == 'N'
                && d[off + 4] == 'E' && d[off + 5] == ']';
    }

    /** A chat stream's well-formed chunk as the relay and the evaluators' capture take it; {@code plain}: see {@link SseParser#plain()}. */
    static StreamEvent chunk(ChunkScanner.Result r, byte[] raw, int rawOff, int rawLen, boolean plain) {
        Usage usage = r.usage();
        String text = !plain || r.text == null || !r.textExact ? null : r.text.length() == 0 ? "" : r.text.toString();
        return new StreamEvent(raw, rawOff, rawLen, r.contentChars, r.hasContent, usage, usage != null && r.emptyChoices,
                r.finishReason, r.id, r.model, text);
    }

    @Override
    public Future<Void> close() {
        return client.close();
    }
}
