package dev.vitals.server.http;

import dev.vitals.server.api.ApiException;
import dev.vitals.server.gateway.Gateway;
import dev.vitals.server.metrics.HttpMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
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
    public static final Set<String> PATHS = Set.of("/", "/health", "/metrics", "/generate", "/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/responses",
            "/v1/models", "/admin/prices/reload", "/admin/keys", "/admin/keys/:id", "/v1/dashboard/series",
            "/v1/dashboard/overview", "/ui", "/v1/events", "/v1/anomalies", "/v1/feedback",
            "/v1/evaluations", "/v1/quality", "/v1/features", "/v1/drift", "/admin/drift/reference",
            "/v1/predictions", "/v1/actuals");

    /** What the routes need from the server. */
    public record Deps(Gateway gateway, PrometheusRegistry registry, HttpMetrics httpMetrics, String defaultModel,
                       long maxBodyBytes, Supplier<JsonObject> health, AdminHandler admin, AuthHandler auth,
                       dev.vitals.series.CallSampler sampler, Supplier<JsonObject> overviewExtras,
                       dev.vitals.business.BusinessMetrics business, Supplier<JsonObject> anomalies,
                       dev.vitals.server.quality.QualityService quality, dev.vitals.server.drift.DriftService drift,
                       dev.vitals.server.metrics.CustomLabels customLabels,
                       DashboardHandler.Data dashboardData,
                       dev.vitals.server.telemetry.CallTelemetry telemetry,
                       dev.vitals.server.quality.EvaluationService evaluations,
                       dev.vitals.server.quality.GroundTruthService groundTruth) {
    }

    private Routes() {
    }

    /** The main router: gateway, /generate, /metrics, health and admin. */
    public static Router main(Vertx vertx, Deps d) {
        Router router = Router.router(vertx);
        common(router, d);
        ChatHandler chat = new ChatHandler(d.gateway(), d.defaultModel(), d.customLabels(),
                d.telemetry(), d.evaluations());
        BodyHandler body = BodyHandler.create(false).setBodyLimit(d.maxBodyBytes()).setHandleFileUploads(false);
        // safe by default: every /v1/ path needs a key or the metrics credentials, even a route added
        // without its own guard (routes that need a gateway key check that next, see Access)
        router.route("/v1/*").handler(d.auth().v1Default());
        router.get("/").handler(Routes::root);
        router.get("/health").handler(rc -> json(rc, d.health().get()));
        router.get("/metrics").handler(d.auth().metrics()).handler(new MetricsHandler(d.registry()));
        router.post("/generate").handler(d.auth().gateway("/generate")).handler(body).handler(chat.generate());
        router.post("/v1/chat/completions").handler(d.auth().gateway("/v1/chat/completions")).handler(body).handler(chat.chat());
        OpenAiApiHandler api = new OpenAiApiHandler(d.gateway(), d.defaultModel(), chat);
        router.post("/v1/completions").handler(d.auth().gateway("/v1/completions")).handler(body).handler(api.completions());
        router.post("/v1/embeddings").handler(d.auth().gateway("/v1/embeddings")).handler(body).handler(api.embeddings());
        router.post("/v1/responses").handler(d.auth().gateway("/v1/responses")).handler(body).handler(api.responses());
        router.post("/v1/events").handler(d.auth().gateway("/v1/events")).handler(body).handler(Endpoints.json(new EventsHandler(d.business())::handle));
        router.get("/v1/models").handler(d.auth().gateway("/v1/models")).handler(rc -> {
            JsonArray data = new JsonArray();
            for (String[] m : d.gateway().models()) {
                data.add(new JsonObject().put("id", m[0]).put("object", "model").put("created", 0).put("owned_by", m[1]));
            }
            json(rc, new JsonObject().put("object", "list").put("data", data));
        });
        DashboardHandler dash = new DashboardHandler(d.sampler(), d.overviewExtras(),
                path -> router.getRoutes().stream().anyMatch(r -> path.equals(r.getPath())), d.dashboardData());
        router.get("/v1/dashboard/series").handler(d.auth().read()).handler(Endpoints.json(dash::series));
        router.get("/v1/dashboard/overview").handler(d.auth().read()).handler(Endpoints.json(dash::overview));
        QualityHandler q = new QualityHandler(d.quality());
        router.post("/v1/feedback").handler(d.auth().gateway("/v1/feedback")).handler(body).handler(Endpoints.json(q::feedback));
        router.get("/v1/feedback").handler(d.auth().gateway("/v1/feedback")).handler(Endpoints.json(q::feedbackStatus));
        router.post("/v1/evaluations").handler(d.auth().gateway("/v1/evaluations")).handler(body).handler(Endpoints.json(q::evaluations));
        router.get("/v1/quality").handler(d.auth().read()).handler(Endpoints.json(q::quality));
        GroundTruthHandler gt = new GroundTruthHandler(d.groundTruth());
        router.post("/v1/predictions").handler(d.auth().gateway("/v1/predictions")).handler(body).handler(Endpoints.json(gt::predictions));
        router.post("/v1/actuals").handler(d.auth().gateway("/v1/actuals")).handler(body).handler(Endpoints.json(gt::actuals));
        DriftHandler dr = new DriftHandler(d.drift());
        router.post("/v1/features").handler(d.auth().gateway("/v1/features")).handler(body).handler(Endpoints.json(dr::features));
        router.get("/v1/drift").handler(d.auth().read()).handler(Endpoints.json(dr::drift));
        router.get("/v1/anomalies").handler(d.auth().read()).handler(rc -> json(rc, d.anomalies().get()));
        ui(router, d);
        router.route("/admin/*").handler(d.admin().guard());
        router.post("/admin/prices/reload").handler(Endpoints.json(d.admin()::reloadPrices));
        router.post("/admin/keys").handler(body).handler(Endpoints.json(d.admin()::createKey));
        router.get("/admin/keys").handler(Endpoints.json(d.admin()::listKeys));
        router.delete("/admin/keys/:id").handler(Endpoints.json(d.admin()::revokeKey));
        // a route of its own: Vert.x runs body handlers before user handlers on one route
        router.post("/admin/drift/reference").handler(DriftHandler::csvBody);
        router.post("/admin/drift/reference").handler(body).handler(Endpoints.json(dr::reference));
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
        router.get("/metrics").handler(d.auth().metrics()).handler(new MetricsHandler(d.registry()));
        router.get("/health").handler(rc -> json(rc, d.health().get()));
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
    private static void ui(Router router, Deps d) {
        // relative, so the page also works behind a proxy that mounts the server under a prefix
        router.route("/ui").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(rc -> {
            if (rc.request().path().endsWith("/")) {
                rc.next(); // the route also matches "/ui/"
                return;
            }
            rc.response().setStatusCode(302).putHeader("location", "ui/").end();
        });
        router.route("/ui/*").handler(d.auth().read()).handler(rc -> {
            rc.response().putHeader("content-security-policy", UI_CSP)
                    .putHeader("x-content-type-options", "nosniff")
                    .putHeader("referrer-policy", "no-referrer")
                    .putHeader("x-frame-options", "DENY");
            rc.next();
        });
        // uPlot's WebJar: META-INF/resources/webjars/uplot/<version>/dist/{uPlot.iife.min.js,uPlot.min.css}
        router.route("/ui/vendor/uplot/*").method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(StaticHandler.create(FileSystemAccess.RELATIVE, "META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist")
                        .setDirectoryListing(false));
        router.route("/ui/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(rc -> {
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
