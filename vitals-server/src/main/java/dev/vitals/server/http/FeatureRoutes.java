package dev.vitals.server.http;

import dev.vitals.server.business.BusinessEvents;
import dev.vitals.server.drift.DriftService;
import dev.vitals.server.gateway.Gateway;
import dev.vitals.server.metrics.CustomLabels;
import dev.vitals.server.quality.EvaluationService;
import dev.vitals.server.quality.GroundTruthReports;
import dev.vitals.server.quality.GroundTruthRequests;
import dev.vitals.server.quality.GroundTruthService;
import dev.vitals.server.quality.QualityService;
import dev.vitals.server.telemetry.CallTelemetry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** The routes of each feature, for its component: thin handlers over the feature's service. */
public final class FeatureRoutes {
    private FeatureRoutes() {
    }

    /** The gateway: the OpenAI-compatible API, {@code /generate} and the model list. */
    public static Consumer<RouteRegistry> gateway(Gateway gateway, String defaultModel, CustomLabels customLabels,
                                                  CallTelemetry telemetry, EvaluationService evaluations) {
        return r -> {
            ChatHandler chat = new ChatHandler(gateway, defaultModel, customLabels, telemetry, evaluations);
            r.post(RoutePath.GENERATE, chat.generate());
            r.post(RoutePath.CHAT, chat.chat());
            r.post(RoutePath.COMPLETIONS, chat.completions());
            r.post(RoutePath.EMBEDDINGS, chat.embeddings());
            r.post(RoutePath.RESPONSES, chat.responses());
            r.get(RoutePath.MODELS, rc -> {
                JsonArray data = new JsonArray();
                for (String[] m : gateway.models()) {
                    data.add(new JsonObject().put("id", m[0]).put("object", "model").put("created", 0).put("owned_by", m[1]));
                }
                Routes.json(rc, new JsonObject().put("object", "list").put("data", data));
            });
        };
    }

    /** Business events. */
    public static Consumer<RouteRegistry> events(BusinessEvents business) {
        return r -> {
            EventsHandler events = new EventsHandler(business);
            r.post(RoutePath.EVENTS, Endpoints.json(events::handle));
            r.get(RoutePath.EVENTS, Endpoints.json(events::status));
        };
    }

    /** Feedback, evaluations and the quality report. */
    public static Consumer<RouteRegistry> quality(QualityService quality, GroundTruthService groundTruth) {
        return r -> {
            QualityHandler q = new QualityHandler(quality, groundTruth);
            r.post(RoutePath.FEEDBACK, Endpoints.json(q::feedback));
            r.get(RoutePath.FEEDBACK, Endpoints.json(q::feedbackStatus));
            r.post(RoutePath.EVALUATIONS, Endpoints.json(q::evaluations));
            r.get(RoutePath.QUALITY, Endpoints.json(q::quality));
        };
    }

    /** Predictions and their delayed actuals. */
    public static Consumer<RouteRegistry> groundTruth(GroundTruthService groundTruth) {
        return r -> {
            GroundTruthRequests in = groundTruth.requests();
            r.post(RoutePath.PREDICTIONS, Endpoints.json(rc -> Endpoints.blockingOnBody(rc,
                    body -> GroundTruthReports.predictions(groundTruth.predictions(in.predictions(body))))));
            r.post(RoutePath.ACTUALS, Endpoints.json(rc -> Endpoints.blockingOnBody(rc,
                    body -> GroundTruthReports.actuals(groundTruth.actuals(in.actuals(body))))));
        };
    }

    /** Feature uploads, the drift report and the reference upload. */
    public static Consumer<RouteRegistry> drift(DriftService drift) {
        return r -> {
            DriftHandler dr = new DriftHandler(drift);
            r.post(RoutePath.FEATURES, Endpoints.json(dr::features));
            r.get(RoutePath.DRIFT, Endpoints.json(dr::drift));
            // a route of its own: Vert.x runs body handlers before user handlers on one route
            r.route(RoutePath.ADMIN_DRIFT_REFERENCE, io.vertx.core.http.HttpMethod.POST).handler(DriftHandler::csvBody);
            r.post(RoutePath.ADMIN_DRIFT_REFERENCE, Endpoints.json(dr::reference));
        };
    }

    /** The anomaly report. */
    public static Consumer<RouteRegistry> anomalies(Supplier<JsonObject> anomalies) {
        return r -> r.get(RoutePath.ANOMALIES, rc -> Routes.json(rc, anomalies.get()));
    }

    /** The price catalog's reload. */
    public static Consumer<RouteRegistry> prices(AdminHandler admin) {
        return r -> r.post(RoutePath.ADMIN_PRICES_RELOAD, Endpoints.json(admin::reloadPrices));
    }

    /** Gateway API keys, managed by the admin. */
    public static Consumer<RouteRegistry> keys(AdminHandler admin) {
        return r -> {
            r.post(RoutePath.ADMIN_KEYS, Endpoints.json(admin::createKey));
            r.get(RoutePath.ADMIN_KEYS, Endpoints.json(admin::listKeys));
            r.delete(RoutePath.ADMIN_KEY, Endpoints.json(admin::revokeKey));
        };
    }

    /** The dashboard's data and its page. */
    public static Consumer<RouteRegistry> dashboard(dev.vitals.series.CallSampler sampler, Supplier<JsonObject> overviewExtras,
                                                    DashboardHandler.Data data) {
        return r -> {
            DashboardHandler dash = new DashboardHandler(sampler, overviewExtras,
                    path -> r.router().getRoutes().stream().anyMatch(rt -> path.equals(rt.getPath())), data);
            r.get(RoutePath.DASHBOARD_SERIES, Endpoints.json(dash::series));
            r.get(RoutePath.DASHBOARD_OVERVIEW, Endpoints.json(dash::overview));
            Routes.ui(r);
        };
    }
}
