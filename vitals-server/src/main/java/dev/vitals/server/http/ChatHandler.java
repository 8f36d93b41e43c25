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
import dev.vitals.server.gateway.Completion;
import dev.vitals.server.gateway.Gateway;
import dev.vitals.server.gateway.Operation;
import dev.vitals.server.quality.EvaluationService;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.BiFunction;

/**
 * {@code POST /v1/chat/completions}, non-streaming and streaming (Server-Sent Events ending with
 * {@code data: [DONE]}, relayed by {@link SseRelay}), and {@code POST /generate}: validate, route, answer,
 * record once. {@code /v1/completions}, {@code /v1/embeddings} and {@code /v1/responses} go through the same
 * pipeline, each call labelled with its {@code gen_ai.operation.name}.
 */
final class ChatHandler {
    static final String OVERHEAD_HEADER = "x-vitals-overhead-ms";

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
        return handler(Operation.CHAT, ChatRequests::chat);
    }

    Handler<RoutingContext> generate() {
        return handler(Operation.CHAT, ChatRequests::generate, false, this::generated);
    }

    Handler<RoutingContext> completions() {
        return handler(Operation.TEXT_COMPLETION, ApiRequests::completions);
    }

    Handler<RoutingContext> embeddings() {
        return handler(Operation.EMBEDDINGS, ApiRequests::embeddings);
    }

    Handler<RoutingContext> responses() {
        return handler(Operation.RESPONSES, ApiRequests::responses);
    }

    /** An OpenAI API endpoint: its requests parsed by {@code parse}, answered whole or streamed as they ask. */
    Handler<RoutingContext> handler(Operation op, BiFunction<Buffer, String, ChatRequest> parse) {
        return handler(op, parse, true, this::answer);
    }

    /** How an endpoint answers a valid request that has a route and a call. */
    private interface Answer {
        void answer(RoutingContext rc, ChatRequest r, List<Backend> route, Call call);
    }

    /**
     * Parses, routes (no route: 404 for a model the client named, 503 for the gateway's default model),
     * starts the call (chat answers are evaluated when a plan says so) and answers.
     */
    private Handler<RoutingContext> handler(Operation op, BiFunction<Buffer, String, ChatRequest> parse,
                                            boolean clientNamesModel, Answer answer) {
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
                if (clientNamesModel) {
                    HttpErrors.send(rc, 404, "invalid_request_error", "model_not_found",
                            "model '" + r.model() + "' is not served by this gateway; see GET /v1/models");
                } else {
                    HttpErrors.send(rc, 503, "server_error", "no_backend", "no backend serves the default model '" + r.model() + "'");
                }
                return;
            }
            Call call = newCall(rc, r, op);
            ChatRequest req = evaluations == null || op != Operation.CHAT ? r : evaluations.attach(r, call);
            answer.answer(rc, req, route, call);
        };
    }

    private void answer(RoutingContext rc, ChatRequest r, List<Backend> route, Call call) {
        if (r.stream()) {
            new SseRelay(gateway, this, rc, r, call).open(route);
        } else {
            complete(rc, r, route, call);
        }
    }

    /** The source document's /generate answer: the text, token counts and latency in one JSON object. */
    private void generated(RoutingContext rc, ChatRequest r, List<Backend> route, Call call) {
        gateway.complete(r, route, call).onComplete(ar -> {
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
    }

    private Call newCall(RoutingContext rc, ChatRequest r, Operation op) {
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
}
