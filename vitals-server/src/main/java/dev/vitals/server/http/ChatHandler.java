package dev.vitals.server.http;

import dev.vitals.llm.ErrorType;
import dev.vitals.server.api.ApiException;
import dev.vitals.server.metrics.CustomLabels;
import dev.vitals.server.auth.ApiKeys;
import dev.vitals.server.gateway.Backend;
import dev.vitals.server.gateway.BackendException;
import dev.vitals.server.gateway.Call;
import dev.vitals.server.gateway.Caller;
import dev.vitals.server.gateway.ChatRequest;
import dev.vitals.server.gateway.ChatStream;
import dev.vitals.server.gateway.Completion;
import dev.vitals.server.gateway.Gateway;
import dev.vitals.server.gateway.StreamEvent;
import dev.vitals.server.gateway.Usage;
import dev.vitals.server.quality.EvaluationService;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code POST /v1/chat/completions}, non-streaming and streaming (Server-Sent Events ending with
 * {@code data: [DONE]}), and {@code POST /generate}: validate, route, answer, record once.
 */
final class ChatHandler {
    static final String OVERHEAD_HEADER = "x-vitals-overhead-ms";
    private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

    private final Gateway gateway;
    private final String defaultModel;
    private final CustomLabels customLabels;
    private final dev.vitals.server.telemetry.CallTelemetry telemetry;
    private final EvaluationService evaluations;

    ChatHandler(Gateway gateway, String defaultModel, CustomLabels customLabels, dev.vitals.server.telemetry.CallTelemetry telemetry, EvaluationService evaluations) {
        this.telemetry = telemetry;
        this.evaluations = evaluations;
        this.customLabels = customLabels;
        this.gateway = gateway;
        this.defaultModel = defaultModel;
    }

    Handler<RoutingContext> chat() {
        return rc -> {
            ChatRequest r;
            try {
                r = ChatRequests.chat(rc.body().buffer(), defaultModel);
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
            Call call = newCall(rc, r);
            ChatRequest req = evaluations == null ? r : evaluations.attach(r, call);
            if (req.stream()) {
                stream(rc, req, route, call);
            } else {
                complete(rc, req, route, call);
            }
        };
    }

    Handler<RoutingContext> generate() {
        return rc -> {
            ChatRequest r;
            try {
                r = ChatRequests.generate(rc.body().buffer(), defaultModel);
            } catch (ApiException e) {
                Endpoints.fail(rc, e);
                return;
            }
            List<Backend> route = gateway.route(r.model());
            if (route.isEmpty()) {
                HttpErrors.send(rc, 503, "server_error", "no_backend", "no backend serves the default model '" + r.model() + "'");
                return;
            }
            Call call = newCall(rc, r);
            ChatRequest req = evaluations == null ? r : evaluations.attach(r, call);
            gateway.complete(req, route, call).onComplete(ar -> {
                HttpServerResponse resp = rc.response();
                if (ar.succeeded()) {
                    Completion c = ar.result();
                    call.finishReason(c.finishReason());
                    call.captureBody(c.body());
                    var recorded = gateway.record(call, r, null, c.usage(), 0, c.producedChars(), -1);
                    JsonObject body = new JsonObject()
                            .put("status", "success")
                            .put("response", c.text())
                            .put("tokens", new JsonObject().put("input", recorded.inputTokens()).put("output", recorded.outputTokens()))
                            .put("latency_seconds", recorded.durationSeconds());
                    resp.putHeader(OVERHEAD_HEADER, overhead(call)).putHeader("content-type", "application/json")
                            .end(body.toBuffer());
                } else {
                    BackendException e = BackendException.of(ar.cause());
                    gateway.record(call, r, e.type(), null, 0, 0, -1);
                    resp.putHeader(OVERHEAD_HEADER, overhead(call));
                    HttpErrors.send(rc, e.clientStatus(), errorKind(e), e.type().label(), e.getMessage());
                }
            });
        };
    }

    Call newCall(RoutingContext rc, ChatRequest r) {
        return newCall(rc, r, dev.vitals.server.gateway.Operation.CHAT);
    }

    Call newCall(RoutingContext rc, ChatRequest r, dev.vitals.server.gateway.Operation op) {
        Call call = new Call(RequestContext.requestId(rc), RequestContext.start(rc)).operation(op);
        call.traceId(RequestContext.traceId(rc));
        ApiKeys.Key key = AuthHandler.key(rc);
        // the span (child of the caller's traceparent) and the request log line; sets the call's trace id
        telemetry.begin(call, r.model(), rc.request()::getHeader, Routes.routeOf(rc), key == null ? null : key.name());
        // user and session ids are hashed inside BusinessMetrics as they arrive; never stored raw
        String user = r.user() != null ? r.user() : rc.request().getHeader("x-vitals-user");
        String[] labels = customLabels.enabled() ? customLabels.read(rc.request()::getHeader) : null;
        // what the finished-call listeners (spend, custom labels, drift, business) need, registered once on the gateway
        call.caller(new Caller(key, user, rc.request().getHeader("x-vitals-session"), rc.request().getHeader("x-vitals-variant"), labels));
        return call;
    }

    private void complete(RoutingContext rc, ChatRequest r, List<Backend> route, Call call) {
        HttpServerResponse resp = rc.response();
        // a client that leaves is recorded when the backend answers, with the tokens it was charged
        gateway.complete(r, route, call).onComplete(ar -> {
            if (ar.succeeded()) {
                Completion c = ar.result();
                call.finishReason(c.finishReason());
                call.captureBody(c.body());
                if (resp.closed()) {
                    gateway.record(call, r, ErrorType.CLIENT_DISCONNECT, c.usage(), 0, c.producedChars(), -1);
                    return;
                }
                gateway.record(call, r, null, c.usage(), 0, c.producedChars(), -1);
                resp.putHeader(OVERHEAD_HEADER, overhead(call)).putHeader("content-type", "application/json").end(c.body());
            } else {
                fail(rc, r, call, BackendException.of(ar.cause()));
            }
        });
    }

    void fail(RoutingContext rc, ChatRequest r, Call call, BackendException e) {
        gateway.record(call, r, e.type(), null, 0, 0, -1);
        HttpServerResponse resp = rc.response();
        if (resp.closed() || resp.ended()) {
            return;
        }
        resp.putHeader(OVERHEAD_HEADER, overhead(call));
        if (e.upstreamBody() != null && e.upstreamStatus() >= 400 && e.upstreamStatus() < 500 && isJsonObject(e.upstreamBody())) {
            // the upstream's own 4xx explanation is more useful to the client than ours
            resp.setStatusCode(e.upstreamStatus()).putHeader("content-type", "application/json").end(e.upstreamBody());
            return;
        }
        HttpErrors.send(rc, e.clientStatus(), errorKind(e), e.type().label(), e.getMessage());
    }

    private static boolean isJsonObject(Buffer b) {
        try {
            return b.length() > 0 && b.getByte(0) == '{' && b.toJsonObject() != null;
        } catch (RuntimeException ex) {
            return false;
        }
    }

    static String errorKind(BackendException e) {
        return switch (e.type()) {
            case RATE_LIMITED -> "rate_limit_error";
            case INVALID_REQUEST, UPSTREAM_4XX -> "invalid_request_error";
            default -> "server_error";
        };
    }

    static String overhead(Call call) {
        return millis3(call.overheadMillis());
    }

    /** A non-negative number of milliseconds with three decimals: what String.format("%.3f") gives, at a fraction of its cost. */
    static String millis3(double ms) {
        long micros = Math.round(ms * 1000);
        long frac = micros % 1000;
        return (micros / 1000) + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
    }

    private void stream(RoutingContext rc, ChatRequest r, List<Backend> route, Call call) {
        HttpServerResponse resp = rc.response();
        StreamState st = new StreamState();
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
                    fail(rc, r, call, BackendException.of(ar.cause()));
                }
                return;
            }
            ChatStream s = ar.result();
            if (st.finished) { // the client left while we were connecting
                s.cancel();
                return;
            }
            st.stream = s;
            resp.setChunked(true)
                    .putHeader("content-type", "text/event-stream")
                    .putHeader("cache-control", "no-cache")
                    .putHeader(OVERHEAD_HEADER, overhead(call));
            resp.drainHandler(v -> s.resume());
            s.start(new ChatStream.StreamSink() {
                @Override
                public void event(StreamEvent ev) {
                    onEvent(r, call, st, ev);
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
                    // the last events and [DONE] in one write: one syscall, where two cost a tenth of a stream's CPU
                    Buffer last = st.pending == null ? DONE : st.pending.appendBuffer(DONE);
                    st.pending = null;
                    resp.end(last);
                }

                @Override
                public void error(Throwable err) {
                    if (st.finished) {
                        return;
                    }
                    st.finished = true;
                    BackendException e = BackendException.of(err);
                    if (!resp.headWritten()) {
                        // nothing reached the client yet: a plain HTTP error, not a 200 stream holding one
                        resp.setChunked(false);
                        resp.headers().remove("content-type").remove("cache-control");
                        fail(rc, r, call, e);
                        return;
                    }
                    gateway.record(call, r, e.type(), st.usage, st.chunks, st.chars, st.ttft);
                    // the head is sent: tell the client in-band, then end the stream as every stream ends
                    JsonObject body = HttpErrors.body(errorKind(e), e.type().label(), e.getMessage());
                    body.remove("status");
                    body.remove("message");
                    resp.end(Buffer.buffer("data: ").appendBuffer(body.toBuffer()).appendString("\n\n").appendBuffer(DONE));
                }
            });
        });
    }

    /** Counts what an event carries and queues its bytes; they are written at the next flush, in one write. */
    private void onEvent(ChatRequest r, Call call, StreamState st, StreamEvent ev) {
        if (st.finished) {
            return;
        }
        call.captureEvent(ev);
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
        if (ev.usageOnly() && !r.clientWantsUsage()) {
            return;
        }
        if (st.pending == null) {
            // sized for the rest of the read the event came in (events of one read share its array),
            // so a batch is copied once instead of into ever larger arrays
            st.pending = Buffer.buffer(Math.max(256, ev.raw().length - ev.rawOff()));
        }
        ev.appendTo(st.pending);
    }

    /** What a stream has delivered so far; touched only on the request's event loop. */
    private static final class StreamState {
        ChatStream stream;
        boolean finished;
        Buffer pending;
        Usage usage;
        long chunks;
        long chars;
        long ttft = -1;
    }
}
