package dev.vitals.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Set;

/**
 * {@code vitals_http_requests_total{route,method,code}}: every HTTP request the server answered,
 * invalid ones included, so bad traffic is visible without touching {@code llm_requests_total}.
 * Labels are bounded: routes are the server's own paths or {@code other}, methods a fixed set.
 */
public final class HttpMetrics {
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");
    private final dev.vitals.labels.Family<io.prometheus.metrics.core.datapoints.CounterDataPoint> requests;
    private final Set<String> routes;

    public HttpMetrics(PrometheusRegistry registry, Set<String> routes) {
        this.routes = Set.copyOf(routes);
        this.requests = dev.vitals.labels.MetricFamilies.of(registry).counter(Counter.builder().name("vitals_http_requests_total")
                .help("HTTP requests answered by the Vitals server, by route, method and status code.")
                .labelNames("route", "method", "code"));
    }

    public void count(String path, String method, int code) {
        String route = path != null && routes.contains(path) ? path : "other";
        String m = METHODS.contains(method) ? method : "other";
        requests.labels(route, m, Integer.toString(code)).inc();
    }
}
