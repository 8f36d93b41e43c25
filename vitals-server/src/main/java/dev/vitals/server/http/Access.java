package dev.vitals.server.http;

import java.util.Map;

/**
 * Who may call a route, declared once per route path (the router's own templates). With
 * {@code auth.enabled} or metrics credentials configured:
 * <ul>
 *   <li>{@link #PUBLIC}: anyone ({@code /}, {@code /health});</li>
 *   <li>{@link #GATEWAY_KEY}: a gateway API key (traffic and the data it reports: chat, events, feedback, ...);</li>
 *   <li>{@link #KEY_OR_METRICS}: a gateway API key or the metrics credentials (read APIs: quality, drift,
 *       anomalies, dashboard data and page);</li>
 *   <li>{@link #METRICS}: the metrics credentials ({@code /metrics}, for Prometheus);</li>
 *   <li>{@link #ADMIN}: the admin token.</li>
 * </ul>
 * Every path under {@code /v1/} is behind {@link #KEY_OR_METRICS} at least, even one missing here;
 * {@code AccessRulesTest} walks the router's routes and fails for any route without a rule.
 */
public enum Access {
    PUBLIC, GATEWAY_KEY, KEY_OR_METRICS, METRICS, ADMIN;

    /** The rule of each route path; a new route adds its row here. */
    public static final Map<String, Access> RULES = Map.ofEntries(
            Map.entry("/", PUBLIC),
            Map.entry("/health", PUBLIC),
            Map.entry("/metrics", METRICS),
            Map.entry("/generate", GATEWAY_KEY),
            Map.entry("/v1/chat/completions", GATEWAY_KEY),
            Map.entry("/v1/completions", GATEWAY_KEY),
            Map.entry("/v1/embeddings", GATEWAY_KEY),
            Map.entry("/v1/responses", GATEWAY_KEY),
            Map.entry("/v1/predictions", GATEWAY_KEY),
            Map.entry("/v1/actuals", GATEWAY_KEY),
            Map.entry("/v1/models", GATEWAY_KEY),
            Map.entry("/v1/events", GATEWAY_KEY),
            Map.entry("/v1/feedback", GATEWAY_KEY),
            Map.entry("/v1/evaluations", GATEWAY_KEY),
            Map.entry("/v1/features", GATEWAY_KEY),
            Map.entry("/v1/quality", KEY_OR_METRICS),
            Map.entry("/v1/drift", KEY_OR_METRICS),
            Map.entry("/v1/anomalies", KEY_OR_METRICS),
            Map.entry("/v1/dashboard/series", KEY_OR_METRICS),
            Map.entry("/v1/dashboard/overview", KEY_OR_METRICS),
            Map.entry("/v1/", KEY_OR_METRICS),
            Map.entry("/ui", PUBLIC), // only redirects to /ui/
            Map.entry("/ui/", KEY_OR_METRICS),
            Map.entry("/ui/vendor/uplot/", KEY_OR_METRICS),
            Map.entry("/admin/", ADMIN),
            Map.entry("/admin/prices/reload", ADMIN),
            Map.entry("/admin/keys", ADMIN),
            Map.entry("/admin/keys/:id", ADMIN),
            Map.entry("/admin/drift/reference", ADMIN));

    /** The rule of a route path, or {@code null} when none is declared. */
    public static Access of(String path) {
        return path == null ? null : RULES.get(path);
    }
}
