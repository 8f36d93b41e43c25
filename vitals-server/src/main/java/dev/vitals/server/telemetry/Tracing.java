package dev.vitals.server.telemetry;

import dev.vitals.server.config.VitalsConfig;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The OpenTelemetry SDK for traces, built by its autoconfigure module so that the standard {@code OTEL_*}
 * variables apply ({@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_TRACES_SAMPLER(_ARG)}, {@code OTEL_SERVICE_NAME},
 * {@code OTEL_BSP_*}, {@code OTEL_SDK_DISABLED}, ...) over Vitals' {@code tracing.*} keys, which are its defaults:
 * OTLP over HTTP/protobuf, a batch span processor with a bounded queue, a parent-based trace-id-ratio sampler,
 * no metric or log export (metrics go through {@code /metrics} or {@code otlp.*}). Not registered as the global
 * instance, so several servers in one JVM keep their own.
 */
public final class Tracing implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Tracing.class.getName());

    private final OpenTelemetrySdk sdk;
    private final Tracer tracer;
    private final String endpoint;

    private Tracing(OpenTelemetrySdk sdk, String endpoint) {
        this.sdk = sdk;
        this.tracer = sdk == null ? null : sdk.getTracer("dev.vitals.server");
        this.endpoint = endpoint;
    }

    /** Tracing off: no SDK, no thread, nothing exported. */
    public static Tracing off() {
        return new Tracing(null, null);
    }

    /** Builds the SDK when {@code tracing.enabled}; {@code env} supplies the {@code OTEL_*} variables. */
    public static Tracing create(VitalsConfig.Tracing cfg, Map<String, String> env) {
        if (!cfg.enabled) {
            return off();
        }
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("otel.traces.exporter", "otlp");
        defaults.put("otel.metrics.exporter", "none");
        defaults.put("otel.logs.exporter", "none");
        defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
        defaults.put("otel.exporter.otlp.endpoint", cfg.endpoint);
        defaults.put("otel.traces.sampler", "parentbased_traceidratio");
        defaults.put("otel.traces.sampler.arg", String.valueOf(cfg.sampleRatio));
        defaults.put("otel.service.name", cfg.serviceName);
        defaults.put("otel.bsp.max.queue.size", String.valueOf(cfg.maxQueueSize));
        defaults.put("otel.bsp.schedule.delay", String.valueOf(cfg.scheduleDelayMillis));
        defaults.put("otel.propagators", "tracecontext,baggage");
        Map<String, String> fromEnv = otelProperties(env);
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> defaults)
                .addPropertiesCustomizer(p -> fromEnv) // the given environment wins (tests pass their own)
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
        String ep = fromEnv.getOrDefault("otel.exporter.otlp.traces.endpoint",
                fromEnv.getOrDefault("otel.exporter.otlp.endpoint", cfg.endpoint));
        LOG.info("traces: OTLP/HTTP to " + ep + ", sampler " + fromEnv.getOrDefault("otel.traces.sampler",
                "parentbased_traceidratio") + " " + fromEnv.getOrDefault("otel.traces.sampler.arg", String.valueOf(cfg.sampleRatio)));
        return new Tracing(sdk, ep);
    }

    /** {@code OTEL_EXPORTER_OTLP_ENDPOINT} to {@code otel.exporter.otlp.endpoint}, as the SDK's own rule. */
    static Map<String, String> otelProperties(Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith("OTEL_") && v != null && !v.isBlank()) {
                out.put(k.toLowerCase(Locale.ROOT).replace('_', '.'), v.trim());
            }
        });
        return out;
    }

    public boolean enabled() {
        return tracer != null;
    }

    Tracer tracer() {
        return tracer;
    }

    /** Where spans go, or {@code null} when off. */
    public String endpoint() {
        return endpoint;
    }

    /** Exports what is queued (tests, shutdown). */
    public void flush() {
        if (sdk != null) {
            sdk.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        if (sdk != null) {
            sdk.shutdown().join(10, TimeUnit.SECONDS);
        }
    }
}
