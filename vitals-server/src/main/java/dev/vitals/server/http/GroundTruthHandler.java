package dev.vitals.server.http;

import dev.vitals.server.quality.GroundTruthService;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** {@code POST /v1/predictions} and {@code POST /v1/actuals}: thin handlers; the store work runs on worker threads. */
final class GroundTruthHandler {
    private final GroundTruthService service;

    GroundTruthHandler(GroundTruthService service) {
        this.service = service;
    }

    void predictions(RoutingContext rc) {
        run(rc, service::predictions);
    }

    void actuals(RoutingContext rc) {
        run(rc, service::actuals);
    }

    private static void run(RoutingContext rc, Function<JsonObject, JsonObject> work) {
        JsonObject body;
        try {
            body = ChatRequests.object(rc.body().buffer());
        } catch (BadRequest e) {
            HttpErrors.send(rc, e);
            return;
        }
        Callable<JsonObject> task = () -> work.apply(body);
        rc.vertx().executeBlocking(task, false).onComplete(ar -> {
            if (ar.succeeded()) {
                Routes.json(rc, ar.result());
            } else if (ar.cause() instanceof dev.vitals.server.api.ApiException e) {
                HttpErrors.send(rc, e);
            } else {
                rc.fail(ar.cause());
            }
        });
    }
}
