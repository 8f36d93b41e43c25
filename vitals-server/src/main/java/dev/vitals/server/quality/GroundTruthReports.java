package dev.vitals.server.quality;

import dev.vitals.server.quality.GroundTruthService.ActualsResult;
import dev.vitals.server.quality.GroundTruthService.Coverage;
import dev.vitals.server.quality.GroundTruthService.PredictionsResult;
import dev.vitals.server.store.LabelCoverageRow;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** The JSON of ground truth's answers: {@code POST /v1/predictions}, {@code POST /v1/actuals} and the label coverage. */
public final class GroundTruthReports {
    private GroundTruthReports() {
    }

    /** {@code {"status": "ok", "stored", "duplicates"}}. */
    public static JsonObject predictions(PredictionsResult r) {
        return new JsonObject().put("status", "ok").put("stored", r.stored()).put("duplicates", r.duplicates());
    }

    /** {@code {"status": "ok", "joined", "pending", "duplicates"}}. */
    public static JsonObject actuals(ActualsResult r) {
        return new JsonObject().put("status", "ok").put("joined", r.joined()).put("pending", r.pending()).put("duplicates", r.duplicates());
    }

    /** One model's: ratio, counts, window and the delay of the joined ones (absent when none has an actual). */
    public static JsonObject coverage(Coverage c) {
        LabelCoverageRow r = c.counts();
        JsonObject o = new JsonObject().put("ratio", (double) r.withActual() / r.predictions())
                .put("predictions", r.predictions()).put("with_actual", r.withActual())
                .put("window_hours", c.windowMillis() / 3_600_000.0);
        if (r.withActual() > 0 && !Double.isNaN(r.meanDelayMillis())) {
            o.put("delay", new JsonObject().put("mean_seconds", r.meanDelayMillis() / 1000.0).put("max_seconds", r.maxDelayMillis() / 1000.0));
        }
        return o;
    }

    /** Every model's by name. */
    public static JsonObject coverage(Map<String, Coverage> all) {
        JsonObject o = new JsonObject();
        all.forEach((model, c) -> o.put(model, coverage(c)));
        return o;
    }
}
