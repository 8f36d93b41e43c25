package dev.vitals.server.http;

import dev.vitals.server.api.ApiException;
import dev.vitals.server.component.Component;
import dev.vitals.server.metrics.HttpMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Builds the routers: thin handlers, one per route family, and one error path that turns every
 * failure (404, 405, 413, unexpected exceptions) into the JSON error shape, never a stack trace.
 */
public final class Routes {
    private static final Logger LOG = Logger.getLogger(Routes.class.getName());
    /** The server's own paths: the only values of the {@code route} label. */
    public static final Set<String> PATHS = RoutePath.exactPaths();

    /** What the routers need from the server; each feature's routes come from its component. */
    public record Deps(PrometheusRegistry registry, HttpMetrics httpMetrics, long maxBodyBytes, Supplier<JsonObject> health,
                       AdminHandler admin, AuthHandler auth, List<? extends Component> components) {
    }

    private Routes() {
    }

    /** The main router: root, health, {@code /metrics}, the guards of the prefixes, then each component's routes. */
    public static Router main(Vertx vertx, Deps d) {
        Router router = Router.router(vertx);
        common(router, d);
        RouteRegistry r = new RouteRegistry(router, d.auth(), d.admin(), d.maxBodyBytes());
        // safe by default: every /v1/ path needs a key or the metrics credentials, even a route added
        // without its own guard (routes that need a gateway key check that next, see Access)
        r.route(RoutePath.V1_ALL);
        r.get(RoutePath.ROOT, Routes::root);
        r.get(RoutePath.HEALTH, rc -> json(rc, d.health().get()));
        r.get(RoutePath.METRICS, new MetricsHandler(d.registry()));
        r.route(RoutePath.ADMIN_ALL);
        for (Component c : d.components()) {
            c.routes(r);
        }
        errors(router);
        return router;
    }

    /** One route of a router: its path template ({@code /admin/keys/:id}, {@code /ui/} for {@code /ui/*}) and methods (empty: all). */
    public record RouteInfo(String path, Set<String> methods) {
    }

    /** The routes of {@code router} that have a path, in order. */
    public static java.util.List<RouteInfo> describe(Router router) {
        java.util.List<RouteInfo> out = new java.util.ArrayList<>();
        for (io.vertx.ext.web.Route r : router.getRoutes()) {
            if (r.getPath() != null) {
                Set<String> m = r.methods() == null ? Set.of()
                        : r.methods().stream().map(HttpMethod::name).collect(java.util.stream.Collectors.toUnmodifiableSet());
                out.add(new RouteInfo(r.getPath(), m));
            }
        }
        return java.util.List.copyOf(out);
    }

    /** The separate metrics-only router (the source document's port 8000). */
    public static Router metricsOnly(Vertx vertx, Deps d) {
        Router router = Router.router(vertx);
        common(router, d);
        RouteRegistry r = new RouteRegistry(router, d.auth(), d.admin(), d.maxBodyBytes());
        r.get(RoutePath.METRICS, new MetricsHandler(d.registry()));
        r.get(RoutePath.HEALTH, rc -> json(rc, d.health().get()));
        errors(router);
        return router;
    }

    /** The uPlot WebJar's version (the {@code org.webjars.npm:uplot} dependency); its files are served under /ui/vendor/uplot/. */
    static final String UPLOT_VERSION = "1.6.30";
    /**
     * The dashboard page's policy: everything from this server only, no inline script or style
     * (uPlot sizes its elements through the CSSOM, which style-src does not restrict), no framing.
     */
    static final String UI_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /**
     * The built-in dashboard at {@code /ui/}: static files from the classpath ({@code webroot/vitals}) and
     * uPlot from its WebJar, no CDN. Behind the same credentials as {@code /metrics}, like the data it shows
     * (with basic credentials the browser asks once).
     */
    static void ui(RouteRegistry r) {
        // relative, so the page also works behind a proxy that mounts the server under a prefix
        r.route(RoutePath.UI_REDIRECT, HttpMethod.GET, HttpMethod.HEAD).handler(rc -> {
            if (rc.request().path().endsWith("/")) {
                rc.next(); // the route also matches "/ui/"
                return;
            }
            rc.response().setStatusCode(302).putHeader("location", "ui/").end();
        });
        r.route(RoutePath.UI).handler(rc -> {
            rc.response().putHeader("content-security-policy", UI_CSP)
                    .putHeader("x-content-type-options", "nosniff")
                    .putHeader("referrer-policy", "no-referrer")
                    .putHeader("x-frame-options", "DENY");
            rc.next();
        });
        // uPlot's WebJar: META-INF/resources/webjars/uplot/<version>/dist/{uPlot.iife.min.js,uPlot.min.css}
        r.route(RoutePath.UI_UPLOT, HttpMethod.GET, HttpMethod.HEAD)
                .handler(StaticHandler.create(FileSystemAccess.RELATIVE, "META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist")
                        .setDirectoryListing(false));
        r.route(RoutePath.UI, HttpMethod.GET, HttpMethod.HEAD).handler(rc -> {
            // the page's own files are small: always revalidate, so an upgrade shows at once
            rc.response().putHeader("cache-control", "no-cache");
            rc.next();
        }).handler(StaticHandler.create(FileSystemAccess.RELATIVE, "webroot/vitals").setCachingEnabled(false)
                .setDirectoryListing(false));
    }

    /** {@code GET /}: a line of text for curl; a browser (Accept: text/html) gets the same words with links. */
    private static void root(RoutingContext rc) {
        String accept = rc.request().getHeader("accept");
        if (accept != null && accept.contains("text/html")) {
            rc.response().putHeader("content-type", "text/html; charset=utf-8")
                    .putHeader("content-security-policy", "default-src 'none'; base-uri 'none'; form-action 'none'")
                    .end("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Vitals</title></head><body>"
                            + "<p>Vitals is running.</p><ul>"
                            + "<li><a href=\"ui/\">Dashboard</a> (/ui/)</li><li><a href=\"metrics\">Metrics</a> (/metrics)</li>"
                            + "<li>OpenAI-compatible API: /v1/chat/completions (and POST /generate)</li></ul></body></html>\n");
            return;
        }
        rc.response().putHeader("content-type", "text/plain; charset=utf-8")
                .end("Vitals is running. Dashboard: /ui/, metrics: /metrics, OpenAI-compatible API: /v1/chat/completions"
                        + " (and POST /generate)\n");
    }

    private static void common(Router router, Deps d) {
        router.route().handler(rc -> {
            RequestContext.begin(rc);
            String method = rc.request().method().name();
            rc.addEndHandler(v -> d.httpMetrics().count(routeOf(rc), method, rc.response().getStatusCode()));
            rc.next();
        });
    }

    private static void errors(Router router) {
        router.errorHandler(404, rc -> HttpErrors.send(rc, 404, "invalid_request_error", "not_found",
                "no route for " + rc.request().method() + " " + safePath(rc)));
        router.errorHandler(405, rc -> HttpErrors.send(rc, 405, "invalid_request_error", "method_not_allowed",
                "method " + rc.request().method() + " is not allowed on " + safePath(rc)));
        router.errorHandler(413, rc -> HttpErrors.send(rc, 413, "invalid_request_error", "body_too_large",
                "request body is larger than the limit (server.maxBodyBytes)"));
        router.errorHandler(400, rc -> HttpErrors.send(rc, 400, "invalid_request_error", "bad_request",
                "the request could not be read"));
        router.errorHandler(500, Routes::failure);
    }

    /**
     * The one failure handler: a handler's failure ({@code rc.fail}, a failed future, a throw) becomes the JSON
     * error body; a caller error with its own status and message, anything else a logged 500.
     */
    static void failure(RoutingContext rc) {
        Throwable t = rc.failure();
        if (t instanceof ApiException e) {
            HttpErrors.send(rc, e);
            return;
        }
        LOG.log(Level.WARNING, "request " + RequestContext.requestId(rc) + " failed inside the server", t);
        HttpErrors.send(rc, 500, "server_error", "internal_error",
                "internal error; see the server log for request " + RequestContext.requestId(rc));
    }

    /** The matched route's template (e.g. {@code /admin/keys/:id}), one of {@link #PATHS}, or {@code other}. */
    static String routeOf(RoutingContext rc) {
        var route = rc.currentRoute();
        String p = rc.get(Endpoints.ROUTE);
        p = p != null ? p : route == null ? null : route.getPath();
        if (p != null && (p.equals("/ui") || p.startsWith("/ui/"))) {
            return "/ui"; // one label value for the page and all its files
        }
        if (p != null && PATHS.contains(p)) {
            return p;
        }
        String path = rc.normalizedPath();
        return PATHS.contains(path) ? path : "other"; // a label value: never a client's arbitrary path
    }

    /** The path, cut to 100 characters and stripped of control characters, for error messages. */
    private static String safePath(RoutingContext rc) {
        String p = rc.request().path();
        if (p == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < p.length() && sb.length() < 100; i++) {
            char c = p.charAt(i);
            sb.append(Character.isISOControl(c) ? '_' : c);
        }
        return sb.toString();
    }

    static void json(RoutingContext rc, JsonObject o) {
        rc.response().putHeader("content-type", "application/json").end(o.toBuffer());
    }
}
