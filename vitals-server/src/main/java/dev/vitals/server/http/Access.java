package dev.vitals.server.http;

/**
 * Who may call a route, declared once per route path in {@link RoutePath}. With
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

    /** The rule of a route path, or {@code null} when none is declared (RoutePath holds the rules). */
    public static Access of(String path) {
        RoutePath p = RoutePath.of(path);
        return p == null ? null : p.access();
    }
}
