package dev.vitals.server.quality;

import dev.vitals.server.quality.GroundTruthRequests.Label;
import dev.vitals.server.quality.GroundTruthRequests.Prediction;
import dev.vitals.server.store.CallRow;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What ground truth keeps in the state store, and its encoding: a prediction as a {@code calls} row whose
 * {@code predicted_label} is {@code {"predicted", "score"?, "probabilities"?}} (what the join needs, never the features),
 * a joined actual's mark in the feedback table ({@code {"actual"}}) and a waiting actual's pending join
 * ({@code {"model", "actual"}}). The formats are those the first release wrote: rows stored by any version read back.
 */
final class GroundTruthRows {
    /** The pending joins' kind. */
    static final String KIND = "actual";

    private GroundTruthRows() {
    }

    /** The calls-table id of a prediction: unambiguous for any model and id. */
    static String rowId(String model, String id) {
        return LabelCoverage.PREDICTION_PREFIX + model.length() + ":" + model + ":" + id;
    }

    /** The feedback-table id of the mark of a prediction's joined actual. */
    static String markId(String rowId) {
        return LabelCoverage.ACTUAL_PREFIX + rowId;
    }

    /** A stored prediction, as the join reads it back. */
    record Stored(String rowId, String model, long timeMillis, Label predicted, Double score, Map<String, Double> probabilities) {
    }

    static CallRow row(Prediction p) {
        JsonObject kept = new JsonObject().put("predicted", p.predicted().value());
        if (p.score() != null) {
            kept.put("score", p.score());
        }
        if (p.probabilities() != null) {
            kept.put("probabilities", new JsonObject(new LinkedHashMap<>(p.probabilities())));
        }
        return new CallRow(rowId(p.model(), p.id()), p.model(), p.time(), kept.encode(), Double.NaN);
    }

    static Stored stored(CallRow row) {
        JsonObject p = new JsonObject(row.predictedLabel());
        Double score = p.getValue("score") instanceof Number s ? s.doubleValue() : null;
        Map<String, Double> probabilities = null;
        if (p.getValue("probabilities") instanceof JsonObject po) {
            probabilities = new LinkedHashMap<>();
            for (String k : po.fieldNames()) {
                probabilities.put(k, ((Number) po.getValue(k)).doubleValue());
            }
        }
        return new Stored(row.requestId(), row.model(), row.timeMillis(), new Label(p.getValue("predicted")), score, probabilities);
    }

    /** A joined actual's mark. */
    static String mark(Label actual) {
        return new JsonObject().put("actual", actual.value()).encode();
    }

    /** A waiting actual's pending join. */
    static String pending(String model, Label actual) {
        return new JsonObject().put("model", model).put("actual", actual.value()).encode();
    }

    /** The actual of a mark or a pending join. */
    static Label actual(String payload) {
        return new Label(new JsonObject(payload).getValue("actual"));
    }
}
