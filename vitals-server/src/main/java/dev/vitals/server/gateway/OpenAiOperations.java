package dev.vitals.server.gateway;

import dev.vitals.llm.ErrorType;
import dev.vitals.server.config.VitalsConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * An OpenAI-compatible upstream's {@code /completions}, {@code /embeddings} and {@code /responses} (streaming
 * too), on {@link OpenAiBackend}'s pooled client: the client's bytes go up unchanged, the upstream's come back
 * unchanged; only usage, text length and finish reason are read from them. A Responses stream's events are
 * passed on as they arrive; usage comes from {@code response.completed}, and {@code response.failed},
 * {@code response.incomplete} or an {@code error} event ends the call as a failure or a cut answer.
 */
final class OpenAiOperations {
    private static final int MAX_SSE_EVENT_BYTES = 4 * 1024 * 1024;

    private final Vertx vertx;
    private final VitalsConfig.Backend cfg;
    private final HttpClientAgent client;
    private final String base;
    private final String authorization;

    OpenAiOperations(Vertx vertx, VitalsConfig.Backend cfg, HttpClientAgent client, String base, String authorization) {
        this.vertx = vertx;
        this.cfg = cfg;
        this.client = client;
        this.base = base;
        this.authorization = authorization;
    }

    private RequestOptions options(Operation op, boolean stream) {
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(base + op.path())
                .setConnectTimeout(cfg.connectTimeoutMs)
                .putHeader("content-type", "application/json")
                .putHeader("accept", stream ? "text/event-stream" : "application/json");
        if (authorization != null) {
            o.putHeader("authorization", authorization);
        }
        return UpstreamHeaders.addTo(o);
    }

    private static Buffer body(ChatRequest r) {
        return r.rawBody() != null ? r.rawBody() : r.body().toBuffer();
    }

    Future<Completion> complete(Operation op, ChatRequest r) {
        return post(options(op, false), body(r), buf -> parse(op, buf));
    }

    /**
     * One non-streaming request: the 200 answer's body parsed by {@code parse}; any other status, a failure to
     * connect or to read the body within the read timeout fails with a {@link BackendException}.
     */
    Future<Completion> post(RequestOptions o, Buffer body, java.util.function.Function<Buffer, Completion> parse) {
        return send(o, body, false)
                .recover(t -> Future.failedFuture(BackendException.of(t)))
                .compose(resp -> ReadTimeout.body(vertx, cfg.readTimeoutMs, resp)
                        .recover(t -> Future.failedFuture(BackendException.of(t)))
                        .compose(buf -> {
                            if (resp.statusCode() != 200) {
                                return Future.failedFuture(OpenAiBackend.statusError(resp.statusCode(), buf));
                            }
                            return Future.succeededFuture(parse.apply(buf));
                        }));
    }

    /**
     * Sends a request and waits for the head of its response, failing with a timeout after the read timeout
     * without one. The event loop's {@link TimeoutSweep} watches the wait, as it watches the body after it:
     * Vert.x's request idle timeout set and cancelled a timer per call, and stopped at the head anyway.
     *
     * @param pause whether the response is paused as it arrives (a stream, read when the relay starts)
     */
    Future<HttpClientResponse> send(RequestOptions o, Buffer body, boolean pause) {
        return client.request(o).compose(req -> {
            Promise<HttpClientResponse> head = Promise.promise();
            ReadTimeout wait = new ReadTimeout(vertx, cfg.readTimeoutMs, () -> {
                if (head.tryFail(ReadTimeout.exception(cfg.readTimeoutMs))) {
                    req.reset();
                }
            });
            req.send(body).onComplete(ar -> {
                wait.stop();
                if (ar.failed()) {
                    head.tryFail(ar.cause());
                    return;
                }
                if (pause) {
                    ar.result().pause();
                }
                head.tryComplete(ar.result());
            });
            return head.future();
        });
    }

    /** Usage, text and finish reason of a 200 answer; anything but a JSON object is a bad response. */
    static Completion parse(Operation op, Buffer buf) {
        JsonObject o;
        try {
            o = buf.toJsonObject();
        } catch (RuntimeException e) {
            throw new BackendException(ErrorType.BAD_RESPONSE, "upstream answered 200 with a body that is not a JSON object");
        }
        JsonObject u = o.getValue("usage") instanceof JsonObject j ? j : null;
        Completion parsed = switch (op) {
            case EMBEDDINGS -> new Completion(buf, "", u == null ? null : new Usage(num(u, "prompt_tokens"), 0, 0), null);
            case TEXT_COMPLETION -> {
                JsonObject c0 = o.getValue("choices") instanceof JsonArray a && !a.isEmpty() && a.getValue(0) instanceof JsonObject c
                        ? c : new JsonObject();
                yield new Completion(buf, c0.getValue("text") instanceof String s ? s : "",
                        u == null ? null : new Usage(num(u, "prompt_tokens"), num(u, "completion_tokens"), 0),
                        c0.getValue("finish_reason") instanceof String f ? f : null);
            }
            case RESPONSES -> new Completion(buf, responseText(o), responsesUsage(u), responseFinish(o));
            case CHAT -> throw new IllegalStateException("chat is OpenAiBackend's own");
        };
        return parsed.withResponse(id(o, "id"), id(o, "model"));
    }

    /** A short string member (a response id, a model name), or {@code null}; longer values are dropped, as the chat scanner does. */
    static String id(JsonObject o, String key) {
        return o.getValue(key) instanceof String s && !s.isEmpty() && s.length() <= ChunkScanner.MAX_ID_CHARS ? s : null;
    }

    private static long num(JsonObject o, String key) {
        return o.getValue(key) instanceof Number n ? Math.max(0, n.longValue()) : 0;
    }

    static Usage responsesUsage(JsonObject u) {
        if (u == null) {
            return null;
        }
        long cached = u.getValue("input_tokens_details") instanceof JsonObject d ? num(d, "cached_tokens") : 0;
        return new Usage(num(u, "input_tokens"), num(u, "output_tokens"), cached);
    }

    /** The output text of a Responses API {@code response}: every {@code output_text} part of its messages. */
    static String responseText(JsonObject resp) {
        StringBuilder sb = new StringBuilder();
        if (resp.getValue("output") instanceof JsonArray out) {
            for (Object item : out) {
                if (item instanceof JsonObject it && it.getValue("content") instanceof JsonArray parts) {
                    for (Object part : parts) {
                        if (part instanceof JsonObject p && "output_text".equals(p.getValue("type")) && p.getValue("text") instanceof String t) {
                            sb.append(t);
                        }
                    }
                }
            }
        }
        return sb.toString();
    }

    /** {@code stop} when completed, the incomplete reason (e.g. {@code max_output_tokens}) otherwise. */
    static String responseFinish(JsonObject resp) {
        if ("incomplete".equals(resp.getValue("status"))) {
            return resp.getValue("incomplete_details") instanceof JsonObject d && d.getValue("reason") instanceof String r ? r : "incomplete";
        }
        return "completed".equals(resp.getValue("status")) ? "stop" : null;
    }

    Future<ChatStream> stream(Operation op, ChatRequest r) {
        if (op != Operation.RESPONSES && op != Operation.TEXT_COMPLETION) {
            return Future.failedFuture(new BackendException(ErrorType.INVALID_REQUEST, op.path().substring(1)
                    + " cannot stream through this gateway"));
        }
        long start = System.nanoTime();
        Promise<ChatStream> p = Promise.promise();
        // legacy completions: ask for usage as for chat (the usage-only chunk is hidden from clients that did not)
        Buffer body = op == Operation.TEXT_COMPLETION ? OpenAiBackend.withUsage(r) : body(r);
        open(options(op, true), body).onComplete(ar -> {
            if (ar.failed()) {
                p.fail(ar.cause());
            } else {
                p.complete(new ResponsesStream(ar.result(), start, op == Operation.TEXT_COMPLETION));
            }
        });
        return p.future();
    }

    /**
     * Sends one stream request: its 200 response, paused until the stream starts; any other status (with its
     * body, read within the read timeout) or a failure to connect fails with a {@link BackendException}.
     */
    Future<HttpClientResponse> open(RequestOptions o, Buffer body) {
        Promise<HttpClientResponse> p = Promise.promise();
        send(o, body, true).onComplete(ar -> {
            if (ar.failed()) {
                p.fail(BackendException.of(ar.cause()));
                return;
            }
            HttpClientResponse resp = ar.result();
            if (resp.statusCode() != 200) {
                ReadTimeout.body(vertx, cfg.readTimeoutMs, resp).onComplete(b -> p.fail(OpenAiBackend.statusError(resp.statusCode(), b.succeeded() ? b.result() : null)));
                resp.resume();
                return;
            }
            p.complete(resp);
        });
        return p.future();
    }

    /** Passes a Responses (or legacy completions) stream's events through, reading what each reports. */
    private final class ResponsesStream extends PassThroughStream {
        private final boolean legacy;

        /** @param legacy a legacy completions stream: {@code choices[].text} chunks ending with {@code [DONE]} */
        ResponsesStream(HttpClientResponse resp, long start, boolean legacy) {
            super(resp, start);
            this.legacy = legacy;
        }

        /** One legacy completion chunk: its text, usage and finish reason; {@code [DONE]} ends the stream. */
        private void legacyEvent(StreamSink sink, byte[] raw, int rawOff, int rawLen, byte[] data, int off, int len) {
            String s = new String(data, off, len, StandardCharsets.UTF_8).trim();
            if (s.equals("[DONE]")) {
                finish(sink, null);
                return;
            }
            JsonObject ev;
            try {
                ev = new JsonObject(s);
            } catch (RuntimeException e) {
                sink.event(new StreamEvent(raw, rawOff, rawLen, 0, false, null, false, null));
                return;
            }
            JsonArray choices = ev.getValue("choices") instanceof JsonArray a ? a : new JsonArray();
            JsonObject c0 = !choices.isEmpty() && choices.getValue(0) instanceof JsonObject c ? c : null;
            int chars = c0 != null && c0.getValue("text") instanceof String t ? t.length() : 0;
            JsonObject u = ev.getValue("usage") instanceof JsonObject j ? j : null;
            Usage usage = u == null ? null : new Usage(num(u, "prompt_tokens"), num(u, "completion_tokens"), 0);
            sink.event(new StreamEvent(raw, rawOff, rawLen, chars, chars > 0, usage, usage != null && choices.isEmpty(),
                    c0 != null && c0.getValue("finish_reason") instanceof String f ? f : null, id(ev, "id"), id(ev, "model")));
        }

        @Override
        public void start(StreamSink sink) {
            SseParser parser = new SseParser(MAX_SSE_EVENT_BYTES, (raw, rawOff, rawLen, data, off, len) -> {
                if (done || cancelled) {
                    return;
                }
                if (legacy) {
                    legacyEvent(sink, raw, rawOff, rawLen, data, off, len);
                    return;
                }
                JsonObject ev;
                try {
                    ev = new JsonObject(new String(data, off, len, StandardCharsets.UTF_8));
                } catch (RuntimeException e) {
                    sink.event(new StreamEvent(raw, rawOff, rawLen, 0, false, null, false, null));
                    return;
                }
                String type = ev.getValue("type") instanceof String t ? t : "";
                switch (type) {
                    case "response.output_text.delta" -> {
                        int chars = ev.getValue("delta") instanceof String d ? d.length() : 0;
                        sink.event(new StreamEvent(raw, rawOff, rawLen, chars, chars > 0, null, false, null));
                    }
                    case "response.created", "response.in_progress" -> {
                        JsonObject resp = ev.getValue("response") instanceof JsonObject o ? o : new JsonObject();
                        sink.event(new StreamEvent(raw, rawOff, rawLen, 0, false, null, false, null, id(resp, "id"), id(resp, "model")));
                    }
                    case "response.completed", "response.incomplete" -> {
                        JsonObject resp = ev.getValue("response") instanceof JsonObject o ? o : new JsonObject();
                        Usage u = responsesUsage(resp.getValue("usage") instanceof JsonObject j ? j : null);
                        sink.event(new StreamEvent(raw, rawOff, rawLen, 0, false, u, false, responseFinish(resp),
                                id(resp, "id"), id(resp, "model")));
                        finish(sink, null);
                    }
                    case "response.failed", "error" -> {
                        JsonObject failed = ev.getValue("response") instanceof JsonObject o ? o : new JsonObject();
                        sink.event(new StreamEvent(raw, rawOff, rawLen, 0, false, null, false, null, id(failed, "id"), id(failed, "model")));
                        JsonObject err = ev.getValue("response") instanceof JsonObject o && o.getValue("error") instanceof JsonObject e
                                ? e : ev;
                        // status 200: the client has the upstream's own failure event already
                        finish(sink, new BackendException(ErrorType.MODEL_ERROR, 200, null, "upstream stream reported " + type
                                + (err.getValue("code") instanceof String c ? " (" + c + ")" : "")));
                    }
                    default -> sink.event(new StreamEvent(raw, rawOff, rawLen, 0, false, null, false, null));
                }
            });
            read(vertx, cfg.readTimeoutMs, parser, sink, legacy ? "[DONE]" : "response.completed");
        }
    }
}
