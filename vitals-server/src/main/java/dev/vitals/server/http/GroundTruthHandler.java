package dev.vitals.server.http;

import dev.vitals.server.quality.GroundTruthService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code POST /v1/predictions} and {@code POST /v1/actuals}: thin handlers; the store work runs on worker threads. */
final class GroundTruthHandler {
    private final GroundTruthService service;

    GroundTruthHandler(GroundTruthService service) {
        this.service = service;
    }

    Future<JsonObject> predictions(RoutingContext rc) {
        JsonObject body = ChatRequests.object(rc.body().buffer());
        return Endpoints.blocking(rc, () -> service.predictions(body));
    }

    Future<JsonObject> actuals(RoutingContext rc) {
        JsonObject body = ChatRequests.object(rc.body().buffer());
        return Endpoints.blocking(rc, () -> service.actuals(body));
    }
}
