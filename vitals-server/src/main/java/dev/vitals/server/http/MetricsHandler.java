package dev.vitals.server.http;

import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /metrics} through client_java's own {@link PrometheusScrapeHandler}, so the scrape gets
 * what every client_java exporter gets: Prometheus text or OpenMetrics (with exemplars) chosen by
 * {@code Accept}, gzip when the scraper accepts it, {@code name[]} filtering and {@code debug=}.
 * The scrape runs on a worker thread so a large registry never stalls the event loop; the answer is
 * buffered there and written back on the request's event loop.
 */
final class MetricsHandler implements Handler<RoutingContext> {
    private final PrometheusScrapeHandler scrape;

    MetricsHandler(PrometheusRegistry registry) {
        this.scrape = new PrometheusScrapeHandler(registry);
    }

    @Override
    public void handle(RoutingContext rc) {
        // copied on the event loop: Vert.x request objects are not for worker threads
        Exchange exchange = new Exchange(rc.request().method().name(), rc.request().path(),
                rc.request().query(), MultiMap.caseInsensitiveMultiMap().addAll(rc.request().headers()));
        Endpoints.blocking(rc, () -> {
            try {
                scrape.handleRequest(exchange);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return exchange;
        }).onComplete(ar -> {
            if (ar.failed()) {
                Endpoints.fail(rc, ar.cause());
                return;
            }
            Exchange done = ar.result();
            if (done.failure != null) {
                Endpoints.fail(rc, done.failure);
                return;
            }
            done.responseHeaders.forEach((k, v) -> rc.response().putHeader(k, v));
            rc.response().setStatusCode(done.status).end(Buffer.buffer(done.body.toByteArray()));
        });
    }

    /** One scrape's request (copied) and response (buffered); used by one worker thread at a time. */
    private static final class Exchange implements PrometheusHttpExchange, PrometheusHttpRequest, PrometheusHttpResponse {
        private final String method;
        private final String path;
        private final String query;
        private final MultiMap headers;
        private final Map<String, String> responseHeaders = new LinkedHashMap<>();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        private int status = 200;
        private RuntimeException failure;

        Exchange(String method, String path, String query, MultiMap headers) {
            this.method = method;
            this.path = path;
            this.query = query;
            this.headers = headers;
        }

        @Override
        public PrometheusHttpRequest getRequest() {
            return this;
        }

        @Override
        public PrometheusHttpResponse getResponse() {
            return this;
        }

        @Override
        public void handleException(IOException e) {
            failure = new UncheckedIOException(e);
        }

        @Override
        public void handleException(RuntimeException e) {
            failure = e;
        }

        @Override
        public void close() {
        }

        @Override
        public String getQueryString() {
            return query;
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return Collections.enumeration(headers.getAll(name));
        }

        @Override
        public String getMethod() {
            return method;
        }

        @Override
        public String getRequestPath() {
            return path;
        }

        @Override
        public void setHeader(String name, String value) {
            responseHeaders.put(name, value);
        }

        @Override
        public OutputStream sendHeadersAndGetBody(int statusCode, int contentLength) {
            // Vert.x sets content-length from the buffer it ends with; the handler's 0 means "unknown" (gzip)
            status = statusCode;
            return body;
        }
    }
}
