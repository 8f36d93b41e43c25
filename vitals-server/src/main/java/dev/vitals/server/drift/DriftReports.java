package dev.vitals.server.drift;

import dev.vitals.drift.FeatureDrift;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Locale;

/** The drift API's JSON: the one writer of what {@link DriftService} returns. */
public final class DriftReports {
    private DriftReports() {
    }

    /** {@code GET /v1/drift?model=M}; a fleet report also lists its replicas. */
    public static JsonObject report(DriftReport r) {
        JsonArray features = new JsonArray();
        for (FeatureDrift f : r.drift().features()) {
            features.add(new JsonObject().put("feature", f.feature()).put("type", f.type().label()).put("test", f.test())
                    .put("score", finite(f.score())).put("score_lower", finite(f.scoreLower())).put("score_upper", finite(f.scoreUpper()))
                    .put("threshold", finite(f.threshold())).put("verdict", f.verdict().name().toLowerCase(Locale.ROOT))
                    .put("drifted", f.drifted()).put("reference_count", f.referenceCount()).put("current_count", f.currentCount())
                    .put("reference_nulls", f.referenceNulls()).put("current_nulls", f.currentNulls()).put("reason", f.reason()));
        }
        JsonObject refs = new JsonObject();
        r.references().forEach((name, ref) -> refs.put(name, new JsonObject().put("source", ref.source()).put("from", ref.from())
                .put("to", ref.to())));
        JsonObject out = new JsonObject().put("model", r.model())
                .put("verdict", r.drift().verdict().name().toLowerCase(Locale.ROOT))
                .put("min_count", r.minCount())
                .put("drift_share", finite(r.drift().driftShare())).put("features", features)
                .put("features_without_reference", new JsonArray(new ArrayList<>(r.withoutReference()))).put("references", refs)
                .put("current_window", new JsonObject().put("from", r.window().from()).put("to", r.window().to())
                        .put("window_minutes", r.window().minutes()))
                .put("scope", r.scope().name().toLowerCase(Locale.ROOT));
        if (r.scope() == DriftReport.Scope.FLEET) {
            JsonArray replicas = new JsonArray();
            r.replicas().forEach(x -> replicas.add(x.takenAt().isEmpty() ? new JsonObject().put("replica", x.name()).put("live", true)
                    : new JsonObject().put("replica", x.name()).put("taken_at", x.takenAt().getAsLong())));
            out.put("replicas", replicas);
        }
        return out;
    }

    /** {@code GET /v1/drift?range=R}: {@code {timestamps, series, latest, model, range}}. */
    public static JsonObject history(DriftHistory h, String range) {
        JsonObject latest = new JsonObject();
        h.latest().forEach((key, f) -> latest.put(key, new JsonObject().put("score", finite(f.score())).put("threshold", finite(f.threshold()))
                .put("test", f.test()).put("drifted", f.drifted())));
        return h.points().json().put("latest", latest).put("model", h.model() == null ? "*" : h.model())
                .put("range", range);
    }

    /** {@code POST /v1/features}: the records accepted. */
    public static JsonObject accepted(int records) {
        return new JsonObject().put("status", "ok").put("accepted", records);
    }

    /** {@code POST /admin/drift/reference} without a body: the features whose current window became the reference. */
    public static JsonObject frozen(String model, int features) {
        return new JsonObject().put("model", model).put("frozen_features", features);
    }

    /** {@code POST /admin/drift/reference} with a CSV: the features whose reference it set. */
    public static JsonObject uploaded(String model, int features) {
        return new JsonObject().put("model", model).put("uploaded_features", features);
    }

    static Object finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
