package dev.vitals.server.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Where components mount their routes: each call takes a {@link RoutePath} (path and access rule,
 * declared once) and puts that rule's guard in front of the handler, before any body is read.
 * Routes under {@code /admin/} rely on the guard of {@link RoutePath#ADMIN_ALL}, mounted first.
 */
public final class RouteRegistry {
    private final Router router;
    private final AuthHandler auth;
    private final AdminHandler admin;
    private final BodyHandler body;

    RouteRegistry(Router router, AuthHandler auth, AdminHandler admin, long maxBodyBytes) {
        this.router = router;
        this.auth = auth;
        this.admin = admin;
        this.body = BodyHandler.create(false).setBodyLimit(maxBodyBytes).setHandleFileUploads(false);
    }

    /** {@code GET path}. */
    public Route get(RoutePath p, Handler<RoutingContext> handler) {
        return guarded(router.get(p.pattern()), p).handler(handler);
    }

    /** {@code POST path}, its body read (up to {@code server.maxBodyBytes}) after the guard. */
    public Route post(RoutePath p, Handler<RoutingContext> handler) {
        return guarded(router.post(p.pattern()), p).handler(body).handler(handler);
    }

    /** {@code DELETE path}. */
    public Route delete(RoutePath p, Handler<RoutingContext> handler) {
        return guarded(router.delete(p.pattern()), p).handler(handler);
    }

    /** A route for every method (or those set on it), guarded; the caller adds handlers. */
    public Route route(RoutePath p, HttpMethod... methods) {
        Route r = router.route(p.pattern());
        for (HttpMethod m : methods) {
            r.method(m);
        }
        return guarded(r, p);
    }

    /** The body handler with the server's limit, for routes that read the body in a handler of their own. */
    public BodyHandler body() {
        return body;
    }

    /** The router, for what only a router can answer (its route list). */
    public Router router() {
        return router;
    }

    private Route guarded(Route r, RoutePath p) {
        switch (p.access()) {
            case PUBLIC -> {
            }
            case GATEWAY_KEY -> r.handler(auth.gateway(p.path()));
            case KEY_OR_METRICS -> r.handler(p == RoutePath.V1_ALL ? auth.v1Default() : auth.read());
            case METRICS -> r.handler(auth.metrics());
            case ADMIN -> {
                if (p == RoutePath.ADMIN_ALL) {
                    r.handler(admin.guard());
                } else if (!p.path().startsWith(RoutePath.ADMIN_ALL.path())) {
                    throw new IllegalStateException(p.path() + ": an admin route must be under " + RoutePath.ADMIN_ALL.path());
                }
            }
        }
        return r;
    }
}
