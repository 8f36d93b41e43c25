package dev.vitals.server.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * HTTP hardening below the router, for every server this Vitals server opens:
 * <ul>
 *   <li>at most {@code maxConnections} open connections; one more is closed at once (counted);</li>
 *   <li>a header-read timeout: a new connection whose first request's headers are not complete within
 *       {@code headerTimeoutSeconds} is closed (slow-header clients cannot hold connections);</li>
 *   <li>an idle timeout: a keep-alive connection with no request in progress is closed after
 *       {@code idleTimeoutSeconds} (this also bounds trickled headers of a later request). A request in
 *       progress is never cut: a slow upstream is bounded by the backend's own timeouts;</li>
 *   <li>requests the HTTP codec rejects (bad request line, headers over the size limit) get the JSON
 *       error body (400, 414, 431) instead of Vert.x's empty one.</li>
 * </ul>
 * Connections are checked once a second by a timer per event loop, not one timer per connection.
 */
public final class ConnectionGuard {
    private final Vertx vertx;
    private final long headerTimeoutNanos;
    private final long idleTimeoutNanos;
    private final int maxConnections;
    private final AtomicInteger open = new AtomicInteger();
    private final Counter closed;

    public ConnectionGuard(Vertx vertx, int headerTimeoutSeconds, int idleTimeoutSeconds, int maxConnections,
            PrometheusRegistry registry) {
        this.vertx = vertx;
        this.headerTimeoutNanos = headerTimeoutSeconds * 1_000_000_000L;
        this.idleTimeoutNanos = idleTimeoutSeconds * 1_000_000_000L;
        this.maxConnections = maxConnections;
        // labelless: no label set to make, so nothing for MetricFamilies to check
        this.closed = Counter.builder().name("vitals_http_connections_closed_total")
                .help("Connections the server closed itself: over server.maxConnections, header-read timeout or idle timeout (summed).")
                .register(registry);
        GaugeWithCallback.builder().name("vitals_http_connections_open").help("Open HTTP connections (bounded by server.maxConnections).")
                .callback(cb -> cb.call(open.get())).register(registry);
    }

    /** Open connections now, all servers together. */
    public int open() {
        return open.get();
    }

    /**
     * Installs the guard on {@code server} (call on the event loop that owns it) and returns the
     * periodic timer's id, for the caller to cancel on shutdown.
     */
    public long install(HttpServer server, Handler<HttpServerRequest> requests, Consumer<Long> timerId) {
        Map<HttpConnection, State> states = new IdentityHashMap<>(); // touched on this event loop only
        server.connectionHandler(conn -> {
            if (open.incrementAndGet() > maxConnections) {
                open.decrementAndGet();
                closed.inc();
                closeNow(conn);
                return;
            }
            State s = new State(System.nanoTime());
            states.put(conn, s);
            conn.closeHandler(v -> {
                if (states.remove(conn) != null) {
                    open.decrementAndGet();
                }
            });
        });
        server.requestHandler(req -> {
            State s = states.get(req.connection());
            if (s != null) {
                s.current = req;
                s.served++;
            }
            requests.handle(req);
        });
        server.invalidRequestHandler(ConnectionGuard::invalidRequest);
        long id = vertx.setPeriodic(1000, t -> sweep(states));
        timerId.accept(id);
        return id;
    }

    private void sweep(Map<HttpConnection, State> states) {
        long now = System.nanoTime();
        for (Iterator<Map.Entry<HttpConnection, State>> it = states.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<HttpConnection, State> e = it.next();
            HttpConnection conn = e.getKey(); // read before remove(): an IdentityHashMap entry dies with it
            State s = e.getValue();
            HttpServerRequest cur = s.current;
            if (cur != null) {
                if (!cur.response().ended() && !cur.response().closed()) {
                    continue; // a request in progress: its own timeouts bound it
                }
                s.current = null;
                s.since = now; // idle from (about) now
            }
            long limit = s.served == 0 ? headerTimeoutNanos : idleTimeoutNanos;
            if (now - s.since > limit) {
                it.remove();
                open.decrementAndGet();
                closed.inc();
                closeNow(conn);
            }
        }
    }

    /**
     * Closes the socket now. Vert.x 5's {@code HttpConnection.close()} is a graceful shutdown that an
     * HTTP/1 peer in the middle of its headers can hold open, which is the very client to drop here.
     */
    private static void closeNow(HttpConnection conn) {
        if (conn instanceof io.vertx.core.net.impl.ConnectionBase base) {
            base.channel().close();
        } else {
            conn.close();
        }
    }

    /** Vert.x's mapping (414, 431, else 400) with the JSON error body; the connection is closed after. */
    static void invalidRequest(HttpServerRequest req) {
        Throwable cause = req.decoderResult().cause();
        int status;
        String code;
        String message;
        if (cause instanceof TooLongHttpLineException) {
            status = 414;
            code = "uri_too_long";
            message = "the request line is longer than the server accepts";
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = 431;
            code = "headers_too_large";
            message = "the request headers are larger than the server accepts (8 KiB)";
        } else {
            status = 400;
            code = "bad_request";
            message = "the request could not be read as HTTP";
        }
        req.response().setStatusCode(status).putHeader("content-type", "application/json")
                .putHeader("connection", "close")
                .end(HttpErrors.body("invalid_request_error", code, message).toBuffer())
                .onComplete(v -> req.connection().close());
    }

    /** One connection: when it became idle and the request in progress, if any. */
    private static final class State {
        long since;
        int served;
        HttpServerRequest current;

        State(long since) {
            this.since = since;
        }
    }
}
