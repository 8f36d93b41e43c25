package dev.vitals.server.http;

import static dev.vitals.server.http.Endpoints.blocking;
import static dev.vitals.server.http.Endpoints.now;

import dev.vitals.server.api.ApiException;
import dev.vitals.server.quality.QualityService;
import io.vertx.core.Future;
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

    Future<JsonObject> feedback(RoutingContext rc) {
        JsonObject body = ChatRequests.object(rc.body().buffer());
        return blocking(rc, () -> quality.feedback(body)).map(r -> {
            // 202: stored, waiting for its call's row (written by any replica) to join
            rc.response().setStatusCode("ok".equals(r.status()) ? 200 : 202);
            return new JsonObject().put("status", r.status()).put("model", r.model())
                    .put("duplicate", r.duplicate()).put("late", r.late());
        });
    }

    /** {@code GET /v1/feedback?feedback_id=}: whether a feedback was applied, still waits for its call, or expired. */
    Future<JsonObject> feedbackStatus(RoutingContext rc) {
        String id = rc.queryParams().get("feedback_id");
        return blocking(rc, () -> quality.feedbackStatus(id));
    }

    Future<JsonObject> evaluations(RoutingContext rc) {
        JsonObject body = ChatRequests.object(rc.body().buffer());
        return blocking(rc, () -> quality.evaluations(body))
                .map(r -> new JsonObject().put("status", "ok").put("applied", r.applied()).put("late", r.late()));
    }

    /** {@code ?model=M&window=W}: the report; {@code ?range=R[&model=M]}: the dashboard's history. */
    Future<JsonObject> quality(RoutingContext rc) {
        String model = rc.queryParams().get("model");
        String window = rc.queryParams().get("window");
        String range = rc.queryParams().get("range");
        if (range != null) {
            if (window != null) {
                throw new ApiException(400, "invalid_query", "give 'window' (a report) or 'range' (a history), not both");
            }
            Long span = DashboardHandler.RANGES.get(range);
            if (span == null) {
                throw new ApiException(400, "invalid_range", "'range' must be one of " + DashboardHandler.RANGES.keySet());
            }
            return now(quality.history(model, System.currentTimeMillis() - span).put("model", model == null ? "*" : model)
                    .put("range", range));
        }
        String scope = rc.queryParams().get("scope");
        if (scope != null && !scope.equals("fleet") && !scope.equals("replica")) {
            throw new ApiException(400, "invalid_scope", "'scope' must be fleet or replica");
        }
        boolean fleet = scope == null ? quality.shared() : scope.equals("fleet");
        if (fleet) {
            // reads the other replicas' windows from the store: a worker thread
            return blocking(rc, () -> quality.fleetReport(model, window));
        }
        return now(quality.report(model, window).put("scope", "replica"));
    }
}
