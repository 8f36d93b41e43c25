package dev.vitals.server.http;

import dev.vitals.server.api.ApiException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The one JSON error shape of every route: {@code {"status":"error","message":M,"error":{"message":M,
 * "type":T,"code":C}}}. It satisfies both the source document's contract ({@code status}/{@code message})
 * and OpenAI's error object, so the official SDKs parse it.
 */
public final class HttpErrors {
    private HttpErrors() {
    }

    public static JsonObject body(String type, String code, String message) {
        return new JsonObject()
                .put("status", "error")
                .put("message", message)
                .put("error", new JsonObject().put("message", message).put("type", type).put("code", code));
    }

    /** Sends the error unless a response was already started. */
    public static void send(RoutingContext rc, int status, String type, String code, String message) {
        HttpServerResponse r = rc.response();
        if (r.headWritten() || r.ended() || r.closed()) {
            return;
        }
        r.setStatusCode(status).putHeader("content-type", "application/json")
                .end(body(type, code, message).toBuffer());
    }

    /** A caller error: its status, code and message. */
    static void send(RoutingContext rc, ApiException e) {
        send(rc, e.status(), "invalid_request_error", e.code(), e.getMessage());
    }

    /** 400 with {@code invalid_request_error}. */
    public static void badRequest(RoutingContext rc, String code, String message) {
        send(rc, 400, "invalid_request_error", code, message);
    }
}
