package dev.vitals.server.http;

import dev.vitals.llm.ErrorType;
import dev.vitals.server.api.ApiException;
import dev.vitals.server.gateway.Backend;
import dev.vitals.server.gateway.BackendException;
import dev.vitals.server.gateway.Call;
import dev.vitals.server.gateway.ChatRequest;
import dev.vitals.server.gateway.ChatStream;
import dev.vitals.server.gateway.Completion;
import dev.vitals.server.gateway.Gateway;
import dev.vitals.server.gateway.Operation;
import dev.vitals.server.gateway.StreamEvent;
import dev.vitals.server.gateway.Usage;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.BiFunction;

/**
 * {@code POST /v1/embeddings}, {@code POST /v1/completions} and {@code POST /v1/responses} (streaming too):
 * validated, routed with fallbacks and recorded exactly like chat ({@link ChatHandler}'s call set-up: key spend,
 * drift, business, custom labels), each call labelled with its {@code gen_ai.operation.name}.
 */
final class OpenAiApiHandler {
    private final Gateway gateway;
    private final String defaultModel;
    private final ChatHandler chat;

    OpenAiApiHandler(Gateway gateway, String defaultModel, ChatHandler chat) {
        this.gateway = gateway;
        this.defaultModel = defaultModel;
        this.chat = chat;
    }

    Handler<RoutingContext> embeddings() {
        return handler(Operation.EMBEDDINGS, ApiRequests::embeddings);
    }

    Handler<RoutingContext> completions() {
        return handler(Operation.TEXT_COMPLETION, ApiRequests::completions);
    }

    Handler<RoutingContext> responses() {
        return handler(Operation.RESPONSES, ApiRequests::responses);
    }

    private Handler<RoutingContext> handler(Operation op, BiFunction<Buffer, String, ChatRequest> parse) {
        return rc -> {
            ChatRequest r;
            try {
                r = parse.apply(rc.body().buffer(), defaultModel);
            } catch (ApiException e) {
                Endpoints.fail(rc, e);
                return;
            }
            List<Backend> route = gateway.route(r.model());
            if (route.isEmpty()) {
                HttpErrors.send(rc, 404, "invalid_request_error", "model_not_found",
                        "model '" + r.model() + "' is not served by this gateway; see GET /v1/models");
                return;
            }
            Call call = chat.newCall(rc, r, op);
            if (r.stream()) {
                stream(rc, r, route, call);
            } else {
                complete(rc, r, route, call);
            }
        };
    }

    private void complete(RoutingContext rc, ChatRequest r, List<Backend> route, Call call) {
        HttpServerResponse resp = rc.response();
        gateway.complete(r, route, call).onComplete(ar -> {
            if (ar.failed()) {
                chat.fail(rc, r, call, BackendException.of(ar.cause()));
                return;
            }
            Completion c = ar.result();
            call.finishReason(c.finishReason());
            if (resp.closed()) {
                gateway.record(call, r, ErrorType.CLIENT_DISCONNECT, c.usage(), 0, c.text().length(), -1);
                return;
            }
            gateway.record(call, r, null, c.usage(), 0, c.text().length(), -1);
            resp.putHeader(ChatHandler.OVERHEAD_HEADER, ChatHandler.overhead(call)).putHeader("content-type", "application/json")
                    .end(c.body());
        });
    }

    private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

    /**
     * A Responses stream: typed events forwarded as they come, no {@code [DONE]}; a failure after the head is an
     * {@code error} event. A legacy completions stream: chunks, the usage-only chunk only for clients that asked
     * ({@code stream_options.include_usage}), {@code [DONE]} at the end; a failure is a {@code data:} error object.
     */
    private void stream(RoutingContext rc, ChatRequest r, List<Backend> route, Call call) {
        HttpServerResponse resp = rc.response();
        State st = new State();
        boolean legacy = call.operation() == Operation.TEXT_COMPLETION;
        resp.closeHandler(v -> {
            if (!st.finished) {
                st.finished = true;
                if (st.stream != null) {
                    st.stream.cancel();
                }
                gateway.record(call, r, ErrorType.CLIENT_DISCONNECT, st.usage, st.chunks, st.chars, st.ttft);
            }
        });
        gateway.openStream(r, route, call).onComplete(ar -> {
            if (ar.failed()) {
                if (!st.finished) {
                    st.finished = true;
                    chat.fail(rc, r, call, BackendException.of(ar.cause()));
                }
                return;
            }
            ChatStream s = ar.result();
            if (st.finished) {
                s.cancel();
                return;
            }
            st.stream = s;
            resp.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache")
                    .putHeader(ChatHandler.OVERHEAD_HEADER, ChatHandler.overhead(call));
            resp.drainHandler(v -> s.resume());
            s.start(new ChatStream.StreamSink() {
                @Override
                public void event(StreamEvent ev) {
                    if (st.finished) {
                        return;
                    }
                    if (ev.usage() != null) {
                        st.usage = ev.usage();
                    }
                    call.finishReason(ev.finishReason());
                    if (ev.hasContent()) {
                        if (st.ttft < 0) {
                            st.ttft = System.nanoTime() - call.startNanos();
                        }
                        st.chunks++;
                        st.chars += ev.contentChars();
                    }
                    if (legacy && ev.usageOnly() && !r.clientWantsUsage()) {
                        return;
                    }
                    if (st.pending == null) {
                        st.pending = Buffer.buffer(256);
                    }
                    ev.appendTo(st.pending);
                }

                @Override
                public void flush() {
                    if (st.finished || st.pending == null) {
                        return;
                    }
                    resp.write(st.pending);
                    st.pending = null;
                    if (resp.writeQueueFull()) {
                        s.pause();
                    }
                }

                @Override
                public void end() {
                    if (st.finished) {
                        return;
                    }
                    st.finished = true;
                    gateway.record(call, r, null, st.usage, st.chunks, st.chars, st.ttft);
                    Buffer last = st.pending;
                    st.pending = null;
                    if (legacy) {
                        last = last == null ? DONE : last.appendBuffer(DONE);
                    }
                    if (last == null) {
                        resp.end();
                    } else {
                        resp.end(last);
                    }
                }

                @Override
                public void error(Throwable err) {
                    if (st.finished) {
                        return;
                    }
                    st.finished = true;
                    BackendException e = BackendException.of(err);
                    gateway.record(call, r, e.type(), st.usage, st.chunks, st.chars, st.ttft);
                    Buffer out = st.pending == null ? Buffer.buffer() : st.pending;
                    st.pending = null;
                    if (legacy) {
                        JsonObject body = HttpErrors.body(ChatHandler.errorKind(e), e.type().label(), e.getMessage());
                        body.remove("status");
                        body.remove("message");
                        out.appendString("data: ").appendBuffer(body.toBuffer()).appendString("\n\n");
                    } else if (e.upstreamStatus() != 200) { // 200: the upstream's own response.failed/error event was forwarded
                        JsonObject ev = new JsonObject().put("type", "error").put("code", e.type().label())
                                .put("message", e.getMessage()).putNull("param").put("sequence_number", -1);
                        out.appendString("event: error\ndata: ").appendBuffer(ev.toBuffer()).appendString("\n\n");
                    }
                    resp.end(out);
                }
            });
        });
    }

    private static final class State {
        ChatStream stream;
        boolean finished;
        Buffer pending;
        Usage usage;
        long chunks;
        long chars;
        long ttft = -1;
    }
}
