package dev.vitals.server.cli;

import dev.vitals.server.config.VitalsConfig;
import dev.vitals.server.telemetry.CallTelemetry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What {@code vitals serve} prints at start-up: the addresses served and where state lives. */
public final class StartupSummary {
    private StartupSummary() {
    }

    /** What start-up prints: the addresses served and where state lives. */
    public static List<String> lines(VitalsConfig config, int port, int metricsPort, List<String> models,
                                     CallTelemetry telemetry) {
        String host = config.server.host;
        String shown = "0.0.0.0".equals(host) || "::".equals(host) ? "localhost" : host.contains(":") ? "[" + host + "]" : host;
        String base = (config.server.tls.enabled() ? "https" : "http") + "://" + shown + ":" + port;
        List<String> out = new ArrayList<>();
        out.add("Vitals is running" + ("0.0.0.0".equals(host) || "::".equals(host) ? " on all interfaces" : "") + ":");
        out.add("  API        " + base + "/v1  (OpenAI-compatible: chat/completions, completions, embeddings, responses; "
                + "and " + base + "/generate)");
        out.add("  dashboard  " + base + "/ui/");
        out.add("  metrics    " + base + "/metrics" + (metricsPort != 0
                ? ", " + base.substring(0, base.lastIndexOf(':')) + ":" + metricsPort + "/metrics" : ""));
        out.add("  store      " + (config.store.jdbcUrl != null ? "PostgreSQL " + config.store.jdbcUrl
                : "SQLite " + Path.of(config.store.path).toAbsolutePath()));
        out.add("  models     " + String.join(", ", models));
        var log = telemetry.requestLog();
        out.add("  requests   " + (log == null ? "not logged (requestLog.enabled: false)" : "logged to " + log.where()));
        out.add("  traces     " + (telemetry.tracing().enabled() ? "OTLP/HTTP to " + telemetry.tracing().endpoint()
                : "off (tracing.enabled: false)"));
        return out;
    }
}
