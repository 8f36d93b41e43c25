package dev.vitals.server.gateway;

import io.vertx.core.http.RequestOptions;
import java.util.Map;

/**
 * Headers a call forwards to its upstream, such as the W3C {@code traceparent} of the gateway's span. The
 * gateway sets them for the duration of a backend's (synchronous) start of an attempt, on the event loop's
 * thread; a backend adds them to the request it builds then. Nothing else is forwarded: the client's own
 * headers (its API key included) never reach an upstream.
 */
public final class UpstreamHeaders {
    private static final ThreadLocal<Map<String, String>> CURRENT = new ThreadLocal<>();

    private UpstreamHeaders() {
    }

    /** Runs {@code start} with {@code headers} current on this thread. */
    static <T> T with(Map<String, String> headers, java.util.function.Supplier<T> start) {
        if (headers == null || headers.isEmpty()) {
            return start.get();
        }
        Map<String, String> before = CURRENT.get();
        CURRENT.set(headers);
        try {
            return start.get();
        } finally {
            CURRENT.set(before);
        }
    }

    /** Adds the current call's headers to {@code o}. */
    static RequestOptions addTo(RequestOptions o) {
        Map<String, String> h = CURRENT.get();
        if (h != null) {
            h.forEach(o::putHeader);
        }
        return o;
    }
}
