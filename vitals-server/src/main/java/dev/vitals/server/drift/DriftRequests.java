package dev.vitals.server.drift;

import dev.vitals.drift.FeatureType;
import dev.vitals.server.api.ApiException;
import dev.vitals.server.api.Batch;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The body of {@code POST /v1/features} ({@code {"model": M, "records": [{"feature": value, ...}]}}), checked
 * whole before anything is applied, with every 400/413 message of it; no server, no state (a feature's type
 * known from earlier batches comes in as a function).
 */
final class DriftRequests {
    private DriftRequests() {
    }

    /**
     * A checked batch.
     *
     * @param types each feature's type, from its first non-null value (features seen only as null are absent)
     */
    record Features(String model, JsonArray records, Map<String, FeatureType> types) {
    }

    /** The batch's model; throws when it is not a string of 1 to 256 characters. */
    static String model(JsonObject body) {
        if (!(body.getValue("model") instanceof String model) || model.isBlank() || model.length() > 256) {
            throw new ApiException(400, "invalid_model", "'model' must be a string of 1 to 256 characters");
        }
        return model;
    }

    /**
     * Checks a batch: its shape, each record's feature names and values, and that a feature keeps one type
     * within the batch and against {@code knownType} (the type from earlier batches, or null).
     */
    static Features features(JsonObject body, Function<String, FeatureType> knownType) {
        String model = model(body);
        JsonArray records = Batch.records(body, "a non-empty array of objects");
        if (body.size() != 2) {
            throw new ApiException(400, "invalid_body", "the body has only the fields 'model' and 'records'");
        }
        Map<String, FeatureType> types = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            if (!(records.getValue(i) instanceof JsonObject r) || r.isEmpty()) {
                throw new ApiException(400, "invalid_record", "records[" + i + "] must be a non-empty object of feature to value");
            }
            for (String k : r.fieldNames()) {
                if (k.isBlank() || k.length() > 64) {
                    throw new ApiException(400, "invalid_feature", "records[" + i + "]: feature names have 1 to 64 characters");
                }
                Object v = r.getValue(k);
                FeatureType t = v == null ? null : v instanceof Number ? FeatureType.NUMERIC
                        : v instanceof String || v instanceof Boolean ? FeatureType.CATEGORICAL : null;
                if (v != null && t == null) {
                    throw new ApiException(400, "invalid_value", "records[" + i + "]." + ApiException.cut(k)
                            + " must be a number, a string, a boolean or null");
                }
                if (t == null) {
                    continue;
                }
                FeatureType earlier = knownType.apply(k);
                FeatureType known = earlier != null ? earlier : types.get(k);
                if (known != null && known != t) {
                    throw new ApiException(400, "wrong_feature_type", "records[" + i + "]." + ApiException.cut(k) + " is "
                            + t.label() + " but the feature is " + known.label());
                }
                types.put(k, t);
            }
        }
        return new Features(model, records, types);
    }
}
