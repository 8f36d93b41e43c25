package dev.vitals.server.http;

import static dev.vitals.server.http.Endpoints.blocking;
import static dev.vitals.server.http.Endpoints.blockingOnBody;

import dev.vitals.server.api.ApiException;
import dev.vitals.server.quality.QualityReports;
import dev.vitals.server.quality.QualityRequests;
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
    private final dev.vitals.server.quality.GroundTruthService groundTruth;

    QualityHandler(QualityService quality, dev.vitals.server.quality.GroundTruthService groundTruth) {
        this.quality = quality;
        this.groundTruth = groundTruth;
    }

    Future<JsonObject> feedback(RoutingContext rc) {
        return blockingOnBody(rc, body -> {
            QualityRequests.Feedback parsed;
            try {
                parsed = QualityRequests.feedback(body);
            } catch (ApiException e) {
                quality.rejected(e); // a malformed feedback is counted like one the service refuses
                throw e;
            }
            return quality.feedback(parsed);
        }).map(r -> {
            // 202: stored, waiting for its call's row (written by any replica) to join
            rc.response().setStatusCode("ok".equals(r.status()) ? 200 : 202);
            return QualityReports.feedback(r);
        });
    }

    /** {@code GET /v1/feedback?feedback_id=}: whether a feedback was applied, still waits for its call, or expired. */
    Future<JsonObject> feedbackStatus(RoutingContext rc) {
        String id = rc.queryParams().get("feedback_id");
        return blocking(rc, () -> QualityReports.feedbackStatus(quality.feedbackStatus(id)));
    }

    Future<JsonObject> evaluations(RoutingContext rc) {
        return blockingOnBody(rc, body -> quality.evaluations(QualityRequests.evaluations(body))).map(QualityReports::evaluations);
    }

    /**
     * {@code ?model=M&window=W}: the report; {@code ?range=R[&model=M]}: the dashboard's history. Both carry the label coverage
     * of delayed ground truth ({@code label_coverage}) read from the store, so they run on a worker thread.
     */
    Future<JsonObject> quality(RoutingContext rc) {
        String model = rc.queryParams().get("model");
        String window = rc.queryParams().get("window");
        String range = rc.queryParams().get("range");
        if (range != null) {
            if (window != null) {
                throw new ApiException(400, "invalid_query", "give 'window' (a report) or 'range' (a history), not both");
            }
            long span = DashboardHandler.span(range);
            return blocking(rc, () -> {
                JsonObject coverage = dev.vitals.server.quality.GroundTruthReports.coverage(groundTruth.labelCoverage());
                if (model != null && !model.equals("*")) {
                    JsonObject one = coverage.getJsonObject(model);
                    coverage = one == null ? new JsonObject() : new JsonObject().put(model, one);
                }
                JsonObject history = QualityReports.history(quality.history(model, System.currentTimeMillis() - span))
                        .put("model", model == null ? "*" : model).put("range", range);
                return coverage.isEmpty() ? history : history.put("label_coverage", coverage);
            });
        }
        boolean fleet = DashboardHandler.fleet(rc.queryParams().get("scope"), quality.shared());
        return blocking(rc, () -> {
            var one = model == null ? null : groundTruth.labelCoverage(model);
            JsonObject coverage = one == null ? null : dev.vitals.server.quality.GroundTruthReports.coverage(one);
            JsonObject report;
            try {
                // fleet: reads the other replicas' windows from the store
                report = QualityReports.report(fleet ? quality.fleetReport(model, window) : quality.report(model, window));
            } catch (ApiException e) {
                if (e.status() != 404 || coverage == null) {
                    throw e;
                }
                // predictions without any actual yet: no quality numbers, only how many still wait for theirs
                report = new JsonObject().put("model", model).put("scope", fleet ? "fleet" : "replica");
                if (window != null) {
                    report.put("window", window);
                }
            }
            return coverage == null ? report : report.put("label_coverage", coverage);
        });
    }
}
