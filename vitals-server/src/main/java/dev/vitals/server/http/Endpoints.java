package dev.vitals.server.http;

import dev.vitals.server.api.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The one shape of a handler that answers JSON: it returns a future of the body; a failure (an
 * {@link ApiException} or anything unexpected) goes to the router's one failure
 * handler ({@code Routes.failure}), which writes the JSON error body.
 */
final class Endpoints {
    private Endpoints() {
    }

    /** A route's work: the JSON body to answer with, or a failed future. May throw; a throw is a failure too. */
    @FunctionalInterface
    interface JsonEndpoint {
        Future<JsonObject> handle(RoutingContext rc);
    }

    /** Adapts an endpoint to a Vert.x handler: success answers 200 (or the status the endpoint set), failure fails the context. */
    static Handler<RoutingContext> json(JsonEndpoint endpoint) {
        return rc -> {
            Future<JsonObject> f;
            try {
                f = endpoint.handle(rc);
            } catch (RuntimeException e) {
                fail(rc, e);
                return;
            }
            f.onComplete(ar -> {
                if (ar.succeeded()) {
                    Routes.json(rc, ar.result());
                } else {
                    fail(rc, ar.cause());
                }
            });
        };
    }

    /**
     * Fails the request into the one failure handler. The matched route is kept first: the router forgets it
     * while it looks for a failure handler, and the {@code route} label of the request's metric needs it.
     */
    static void fail(RoutingContext rc, Throwable t) {
        var route = rc.currentRoute();
        if (route != null && route.getPath() != null && rc.get(ROUTE) == null) {
            rc.put(ROUTE, route.getPath());
        }
        rc.fail(t);
    }

    /** The context key of the route a failed request had matched. */
    static final String ROUTE = "vitals.route";

    /** Blocking work (the state store, a file) on a worker thread, unordered; completes on the caller's event loop. */
    static <T> Future<T> blocking(RoutingContext rc, Callable<T> work) {
        return rc.vertx().executeBlocking(work, false);
    }

    /**
     * Blocking work on the request's JSON object body: the body is parsed on the event loop (a malformed one fails
     * without taking a worker), the work runs as {@link #blocking}.
     */
    static <T> Future<T> blockingOnBody(RoutingContext rc, Function<JsonObject, T> work) {
        JsonObject body = ChatRequests.object(rc.body().buffer());
        return blocking(rc, () -> work.apply(body));
    }

    /** An answer computed on the event loop. */
    static Future<JsonObject> now(JsonObject body) {
        return Future.succeededFuture(body);
    }
}
