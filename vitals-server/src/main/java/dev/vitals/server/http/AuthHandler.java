package dev.vitals.server.http;

import dev.vitals.server.auth.ApiKeys;
import dev.vitals.server.config.VitalsConfig;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Access control of the gateway routes (API keys with rate limits and budgets) and of {@code /metrics}
 * (optional bearer or basic credentials). Every refusal is a JSON error — 401 without or with a wrong
 * credential, 429 over a rate limit or budget — and is counted in
 * {@code vitals_auth_refusals_total{route,reason}}. The guards are security-policy handlers, so they
 * run before the body is read: a refused client never gets its body buffered. Secrets are compared in constant time and never
 * logged or echoed.
 */
public final class AuthHandler {
    static final String KEY = "vitals.apiKey";

    private final ApiKeys keys;
    private final boolean enabled;
    private final byte[] metricsBearer;
    private final byte[] metricsBasic;
    private final dev.vitals.labels.Family<io.prometheus.metrics.core.datapoints.CounterDataPoint> refusals;

    public AuthHandler(ApiKeys keys, VitalsConfig cfg, PrometheusRegistry registry) {
        this.keys = keys;
        this.enabled = cfg.auth.enabled;
        VitalsConfig.MetricsAuth m = cfg.metrics.auth;
        this.metricsBearer = m.bearerToken == null ? null : m.bearerToken.getBytes(StandardCharsets.UTF_8);
        this.metricsBasic = m.basicPassword == null ? null
                : Base64.getEncoder().encode((m.basicUser + ":" + m.basicPassword).getBytes(StandardCharsets.UTF_8));
        this.refusals = dev.vitals.labels.MetricFamilies.of(registry).counter(Counter.builder().name("vitals_auth_refusals_total")
                .help("Requests refused by access control, by route and reason.")
                .labelNames("route", "reason"));
    }

    public ApiKeys keys() {
        return keys;
    }

    /** The key of an authenticated gateway request, or {@code null}. */
    public static ApiKeys.Key key(RoutingContext rc) {
        return rc.get(KEY);
    }

    /** Guards a gateway route; a no-op when {@code auth.enabled} is false. */
    Handler<RoutingContext> gateway(String route) {
        return (SecurityPolicyHandler) rc -> {
            if (!enabled) {
                rc.next();
                return;
            }
            ApiKeys.Verdict v = keys.check(rc.request().getHeader("authorization"));
            switch (v.outcome()) {
                case OK -> {
                    rc.put(KEY, v.key());
                    rc.next();
                }
                case MISSING -> refuse(rc, route, "missing_key", 401, "authentication_error", "missing_api_key",
                        "this gateway needs an API key: Authorization: Bearer <key>");
                case INVALID -> refuse(rc, route, "invalid_key", 401, "authentication_error", "invalid_api_key",
                        "the API key is not valid");
                case RATE_LIMITED -> {
                    rc.response().putHeader("retry-after", "1");
                    refuse(rc, route, "rate_limited", 429, "rate_limit_error", "rate_limit_exceeded",
                            "rate limit of key '" + v.key().name() + "' exceeded");
                }
                case BUDGET_EXCEEDED -> refuse(rc, route, "budget_exceeded", 429, "insufficient_quota", "budget_exceeded",
                        "budget of key '" + v.key().name() + "' is used up");
            }
        };
    }

    /**
     * Guards the read APIs ({@link Access#KEY_OR_METRICS}): open only when neither {@code auth.enabled}
     * nor metrics credentials are configured; otherwise a valid gateway key (no rate-limit token taken:
     * reading is not traffic) or the metrics credentials. The refusal names no model.
     */
    Handler<RoutingContext> read() {
        return (SecurityPolicyHandler) rc -> {
            boolean metricsCreds = metricsBearer != null || metricsBasic != null;
            if (!enabled && !metricsCreds) {
                rc.next();
                return;
            }
            String h = rc.request().getHeader("authorization");
            if (metricsCreds && metricsCredentialsOk(h) || enabled && keys.authenticate(h) != null) {
                rc.next();
                return;
            }
            if (metricsBasic != null && !enabled) {
                rc.response().putHeader("www-authenticate", "Basic realm=\"vitals-metrics\"");
            }
            refuse(rc, Routes.routeOf(rc), h == null ? "missing_credentials" : "invalid_credentials", 401, "authentication_error",
                    "unauthorized", "this route needs a gateway API key or the metrics credentials");
        };
    }

    /**
     * The guard every {@code /v1/} path passes first: routes declared {@link Access#GATEWAY_KEY} go on to
     * their own key check (which answers with the gateway's error codes and takes the rate-limit token);
     * every other path, declared or not, needs what {@link #read()} needs.
     */
    Handler<RoutingContext> v1Default() {
        Handler<RoutingContext> read = read();
        return (SecurityPolicyHandler) rc -> {
            if (Access.of(rc.normalizedPath()) == Access.GATEWAY_KEY) {
                rc.next();
                return;
            }
            read.handle(rc);
        };
    }

    /** Bearer or basic metrics credentials; the scheme is case-insensitive (RFC 9110). */
    private boolean metricsCredentialsOk(String h) {
        if (h == null) {
            return false;
        }
        if (metricsBearer != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return MessageDigest.isEqual(metricsBearer, h.substring(7).trim().getBytes(StandardCharsets.UTF_8));
        }
        if (metricsBasic != null && h.regionMatches(true, 0, "Basic ", 0, 6)) {
            return MessageDigest.isEqual(metricsBasic, h.substring(6).trim().getBytes(StandardCharsets.UTF_8));
        }
        return false;
    }

    /** Guards {@code /metrics} when bearer or basic credentials are configured. */
    Handler<RoutingContext> metrics() {
        return (SecurityPolicyHandler) rc -> {
            if (metricsBearer == null && metricsBasic == null) {
                rc.next();
                return;
            }
            String h = rc.request().getHeader("authorization");
            if (metricsCredentialsOk(h)) {
                rc.next();
                return;
            }
            if (metricsBasic != null) {
                rc.response().putHeader("www-authenticate", "Basic realm=\"vitals-metrics\"");
            }
            refuse(rc, Routes.routeOf(rc), h == null ? "missing_credentials" : "invalid_credentials", 401, "authentication_error",
                    "metrics_unauthorized", "/metrics needs credentials");
        };
    }

    void countAdminRefusal(String reason) {
        refusals.labels("/admin", reason).inc();
    }

    private void refuse(RoutingContext rc, String route, String reason, int status, String type, String code, String message) {
        refusals.labels(route, reason).inc();
        HttpErrors.send(rc, status, type, code, message);
    }
}
