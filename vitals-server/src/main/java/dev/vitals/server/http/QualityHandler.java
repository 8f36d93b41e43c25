package dev.vitals.server.http;

import dev.vitals.server.quality.QualityService;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /v1/feedback}, {@code POST /v1/evaluations} and {@code GET /v1/quality}: thin handlers
 * over {@link QualityService}, whose blocking work (the state store) runs on worker threads.
 */
final class QualityHandler {
    private final QualityService quality;

    QualityHandler(QualityService quality) {
        this.quality = quality;
    }

    void feedback(RoutingContext rc) {
        JsonObject body;
        try {
            body = ChatRequests.object(rc.body().buffer());
        } catch (BadRequest e) {
            HttpErrors.send(rc, e);
            return;
        }
        rc.vertx().executeBlocking(() -> quality.feedback(body), false).onComplete(ar -> {
            if (ar.succeeded()) {
                // 202: stored, waiting for its call's row (written by any replica) to join
                boolean applied = "ok".equals(ar.result().status());
                rc.response().setStatusCode(applied ? 200 : 202);
                Routes.json(rc, new JsonObject().put("status", ar.result().status()).put("model", ar.result().model())
                        .put("duplicate", ar.result().duplicate()).put("late", ar.result().late()));
            } else {
                fail(rc, ar.cause());
            }
        });
    }

    /** {@code GET /v1/feedback?feedback_id=}: whether a feedback was applied, still waits for its call, or expired. */
    void feedbackStatus(RoutingContext rc) {
        String id = rc.queryParams().get("feedback_id");
        rc.vertx().executeBlocking(() -> quality.feedbackStatus(id), false).onComplete(ar -> {
            if (ar.succeeded()) {
                Routes.json(rc, ar.result());
            } else {
                fail(rc, ar.cause());
            }
        });
    }

    void evaluations(RoutingContext rc) {
        JsonObject body;
        try {
            body = ChatRequests.object(rc.body().buffer());
        } catch (BadRequest e) {
            HttpErrors.send(rc, e);
            return;
        }
        rc.vertx().executeBlocking(() -> quality.evaluations(body), false).onComplete(ar -> {
            if (ar.succeeded()) {
                Routes.json(rc, new JsonObject().put("status", "ok").put("applied", ar.result().applied())
                        .put("late", ar.result().late()));
            } else {
                fail(rc, ar.cause());
            }
        });
    }

    /** {@code ?model=M&window=W}: the report; {@code ?range=R[&model=M]}: the dashboard's history. */
    void quality(RoutingContext rc) {
        String model = rc.queryParams().get("model");
        String window = rc.queryParams().get("window");
        String range = rc.queryParams().get("range");
        try {
            if (range != null) {
                if (window != null) {
                    throw new dev.vitals.server.api.ApiException(400, "invalid_query", "give 'window' (a report) or 'range' (a history), not both");
                }
                Long span = DashboardHandler.RANGES.get(range);
                if (span == null) {
                    throw new dev.vitals.server.api.ApiException(400, "invalid_range", "'range' must be one of " + DashboardHandler.RANGES.keySet());
                }
                Routes.json(rc, quality.history(model, System.currentTimeMillis() - span).put("model", model == null ? "*" : model)
                        .put("range", range));
                return;
            }
            String scope = rc.queryParams().get("scope");
            if (scope != null && !scope.equals("fleet") && !scope.equals("replica")) {
                throw new dev.vitals.server.api.ApiException(400, "invalid_scope", "'scope' must be fleet or replica");
            }
            boolean fleet = scope == null ? quality.shared() : scope.equals("fleet");
            if (fleet) {
                // reads the other replicas' windows from the store: a worker thread
                rc.vertx().executeBlocking(() -> quality.fleetReport(model, window), false)
                        .onComplete(ar -> {
                            if (ar.succeeded()) {
                                Routes.json(rc, ar.result());
                            } else {
                                fail(rc, ar.cause());
                            }
                        });
                return;
            }
            Routes.json(rc, quality.report(model, window).put("scope", "replica"));
        } catch (dev.vitals.server.api.ApiException e) {
            HttpErrors.send(rc, e);
        }
    }

    private static void fail(RoutingContext rc, Throwable t) {
        if (t instanceof dev.vitals.server.api.ApiException e) {
            HttpErrors.send(rc, e);
        } else {
            rc.fail(t);
        }
    }

}
