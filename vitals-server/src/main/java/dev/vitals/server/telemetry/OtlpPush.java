package dev.vitals.server.telemetry;

import dev.vitals.server.config.VitalsConfig;
import io.prometheus.metrics.exporter.opentelemetry.OpenTelemetryExporter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.logging.Logger;

/** The optional push of all metrics over OTLP ({@code otlp:}). */
public final class OtlpPush {
    private static final Logger LOG = Logger.getLogger(OtlpPush.class.getName());

    private OtlpPush() {
    }

    /** Pushes the whole registry to an OTLP receiver every otlp.intervalSeconds (the exporter's own thread). */
    public static OpenTelemetryExporter start(VitalsConfig.Otlp o, PrometheusRegistry registry, int port) {
        String instance = o.serviceInstanceId != null ? o.serviceInstanceId
                : System.getenv().getOrDefault("HOSTNAME", "localhost") + ":" + port;
        var b = OpenTelemetryExporter.builder()
                .registry(registry)
                .protocol(o.protocol)
                .endpoint(o.endpoint)
                .intervalSeconds(o.intervalSeconds)
                .timeoutSeconds(o.timeoutSeconds)
                .serviceName(o.serviceName)
                .serviceInstanceId(instance);
        o.resourceAttributes.forEach(b::resourceAttribute);
        OpenTelemetryExporter otlp = b.buildAndStart();
        LOG.info("OTLP export to " + o.endpoint + " (" + o.protocol + ") every " + o.intervalSeconds + " s as "
                + o.serviceName + "/" + instance);
        return otlp;
    }

}
