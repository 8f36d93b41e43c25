package dev.vitals.server.http;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every path the server routes, declared once with its {@link Access} rule: {@link RouteRegistry} takes a
 * constant, mounts the path and puts the rule's guard in front, so the router, the access rules
 * ({@link Access#of}) and the {@code route} label values ({@link Routes#PATHS}) cannot disagree.
 * A prefix ({@code /v1/*}, {@code /admin/*}, ...) guards everything under it.
 */
public enum RoutePath {
    ROOT("/", Access.PUBLIC),
    HEALTH("/health", Access.PUBLIC),
    METRICS("/metrics", Access.METRICS),
    GENERATE("/generate", Access.GATEWAY_KEY),
    CHAT("/v1/chat/completions", Access.GATEWAY_KEY),
    COMPLETIONS("/v1/completions", Access.GATEWAY_KEY),
    EMBEDDINGS("/v1/embeddings", Access.GATEWAY_KEY),
    RESPONSES("/v1/responses", Access.GATEWAY_KEY),
    PREDICTIONS("/v1/predictions", Access.GATEWAY_KEY),
    ACTUALS("/v1/actuals", Access.GATEWAY_KEY),
    MODELS("/v1/models", Access.GATEWAY_KEY),
    EVENTS("/v1/events", Access.GATEWAY_KEY),
    FEEDBACK("/v1/feedback", Access.GATEWAY_KEY),
    EVALUATIONS("/v1/evaluations", Access.GATEWAY_KEY),
    FEATURES("/v1/features", Access.GATEWAY_KEY),
    QUALITY("/v1/quality", Access.KEY_OR_METRICS),
    DRIFT("/v1/drift", Access.KEY_OR_METRICS),
    ANOMALIES("/v1/anomalies", Access.KEY_OR_METRICS),
    DASHBOARD_SERIES("/v1/dashboard/series", Access.KEY_OR_METRICS),
    DASHBOARD_OVERVIEW("/v1/dashboard/overview", Access.KEY_OR_METRICS),
    /** Safe by default: any {@code /v1/} path, even one added without its own constant, needs credentials. */
    V1_ALL("/v1/*", Access.KEY_OR_METRICS),
    UI_REDIRECT("/ui", Access.PUBLIC), // only redirects to /ui/
    UI("/ui/*", Access.KEY_OR_METRICS),
    UI_UPLOT("/ui/vendor/uplot/*", Access.KEY_OR_METRICS),
    ADMIN_ALL("/admin/*", Access.ADMIN),
    ADMIN_PRICES_RELOAD("/admin/prices/reload", Access.ADMIN),
    ADMIN_KEYS("/admin/keys", Access.ADMIN),
    ADMIN_KEY("/admin/keys/:id", Access.ADMIN),
    ADMIN_DRIFT_REFERENCE("/admin/drift/reference", Access.ADMIN);

    private static final Map<String, RoutePath> BY_PATH = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(RoutePath::path, Function.identity()));

    private final String pattern;
    private final String path;
    private final Access access;

    /** @param pattern the router's pattern: a path, or a prefix ending in {@code *} */
    RoutePath(String pattern, Access access) {
        this.pattern = pattern;
        this.path = pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1) : pattern;
        this.access = access;
    }

    /** The router's template of this route ({@code /ui/} for the prefix {@code /ui/*}). */
    public String path() {
        return path;
    }

    public Access access() {
        return access;
    }

    /** Whether this is a prefix, mounted as {@code path*}. */
    public boolean prefix() {
        return pattern.endsWith("*");
    }

    /** What is passed to the router. */
    String pattern() {
        return pattern;
    }

    /** The declared route of a router template, or {@code null}. */
    static RoutePath of(String path) {
        return path == null ? null : BY_PATH.get(path);
    }

    /** The exact (non-prefix) paths: the {@code route} label's values. */
    static Set<String> exactPaths() {
        return Arrays.stream(values()).filter(p -> !p.prefix()).map(RoutePath::path).collect(Collectors.toUnmodifiableSet());
    }
}
