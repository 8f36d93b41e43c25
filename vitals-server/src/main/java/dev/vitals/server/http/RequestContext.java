package dev.vitals.server.http;

import dev.vitals.server.gateway.Ids;
import io.vertx.ext.web.RoutingContext;

/**
 * Per-request values set by the first handler: the start time and the request id. A client's
 * {@code x-request-id} is echoed when it is 1-128 characters of {@code [A-Za-z0-9._:-]}; otherwise one is
 * generated, so a hostile id never reaches a log line or a response header.
 */
public final class RequestContext {
    static final String START = "vitals.start";
    static final String REQUEST_ID = "vitals.requestId";
    static final String TRACE_ID = "vitals.traceId";
    public static final String HEADER = "x-request-id";

    private RequestContext() {
    }

    static void begin(RoutingContext rc) {
        rc.put(START, System.nanoTime());
        String given = rc.request().getHeader(HEADER);
        String id = isValid(given) ? given : "req_" + Ids.ordered();
        rc.put(REQUEST_ID, id);
        rc.response().putHeader(HEADER, id);
        String tid = traceId(rc.request().getHeader("traceparent"));
        if (tid != null) {
            rc.put(TRACE_ID, tid);
        }
    }

    /** The trace id of a W3C {@code traceparent} header ({@code 00-<32 hex>-<16 hex>-<2 hex>}), or {@code null}. */
    static String traceId(String traceparent) {
        if (traceparent == null || traceparent.length() < 55 || traceparent.charAt(2) != '-' || traceparent.charAt(35) != '-') {
            return null;
        }
        String tid = traceparent.substring(3, 35);
        return dev.vitals.llm.LlmCall.isTraceId(tid) ? tid : null;
    }

    public static String traceId(RoutingContext rc) {
        return rc.get(TRACE_ID);
    }

    public static long start(RoutingContext rc) {
        Long s = rc.get(START);
        return s == null ? System.nanoTime() : s;
    }

    public static String requestId(RoutingContext rc) {
        return rc.get(REQUEST_ID);
    }

    static boolean isValid(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
