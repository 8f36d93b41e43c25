package dev.vitals.server.http;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code GET /metrics}: the Prometheus text format or OpenMetrics (with exemplars), chosen by the
 * {@code Accept} header through client_java's own writers. The scrape runs on a worker thread so a
 * large registry never stalls the event loop.
 */
final class MetricsHandler implements Handler<RoutingContext> {
    private final PrometheusRegistry registry;
    private final ExpositionFormats formats = ExpositionFormats.init();

    MetricsHandler(PrometheusRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void handle(RoutingContext rc) {
        String accept = rc.request().getHeader("accept");
        ExpositionFormatWriter writer = formats.findWriter(accept);
        if (!writer.isAvailable()) {
            writer = formats.getPrometheusTextFormatWriter();
        }
        ExpositionFormatWriter w = writer;
        rc.vertx().executeBlocking(() -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
            try {
                w.write(out, registry.scrape());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Buffer.buffer(out.toByteArray());
        }, false).onComplete(ar -> {
            if (ar.succeeded()) {
                rc.response().putHeader("content-type", w.getContentType()).end(ar.result());
            } else {
                rc.fail(ar.cause());
            }
        });
    }
}
