package dev.vitals.server.drift;

import dev.vitals.drift.FeatureType;
import dev.vitals.server.api.ApiException;
import dev.vitals.server.api.Batch;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The body of {@code POST /v1/features} ({@code {"model": M, "records": [{"feature": value, ...}]}}), checked
 * whole before anything is applied, with every 400/413 message of it, into a typed {@link FeatureBatch}; no
 * server, no state (a feature's type known from earlier batches comes in as a function).
 */
public final class DriftRequests {
    private DriftRequests() {
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
     * within the batch and against {@code knownType} (model and feature to the type from earlier batches, or null).
     */
    public static FeatureBatch features(JsonObject body, BiFunction<String, String, FeatureType> knownType) {
        String model = model(body);
        JsonArray records = Batch.records(body, "a non-empty array of objects");
        if (body.size() != 2) {
            throw new ApiException(400, "invalid_body", "the body has only the fields 'model' and 'records'");
        }
        Map<String, FeatureType> types = new LinkedHashMap<>();
        List<Map<String, Object>> rows = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            if (!(records.getValue(i) instanceof JsonObject r) || r.isEmpty()) {
                throw new ApiException(400, "invalid_record", "records[" + i + "] must be a non-empty object of feature to value");
            }
            Map<String, Object> row = new LinkedHashMap<>();
            rows.add(row);
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
                    row.put(k, null);
                    continue;
                }
                if (v instanceof Number n && !Double.isFinite(n.doubleValue())) { // 1e400: no true value to profile
                    throw new ApiException(400, "invalid_value", "records[" + i + "]." + ApiException.cut(k) + " must be a finite number");
                }
                FeatureType earlier = knownType.apply(model, k);
                checkType(i, k, t, earlier != null ? earlier : types.get(k));
                types.put(k, t);
                row.put(k, v instanceof Number n ? (Object) n.doubleValue() : String.valueOf(v));
            }
        }
        return new FeatureBatch(model, rows, types);
    }

    /**
     * Checks a parsed batch against the types known now (a feature name to its type, or null), with the message of
     * {@link #features}: a batch stored since the parse may have typed one of its features.
     */
    static void checkTypes(FeatureBatch batch, Function<String, FeatureType> knownType) {
        for (int i = 0; i < batch.size(); i++) {
            for (Map.Entry<String, Object> e : batch.rows().get(i).entrySet()) {
                if (e.getValue() != null) {
                    checkType(i, e.getKey(), batch.types().get(e.getKey()), knownType.apply(e.getKey()));
                }
            }
        }
    }

    private static void checkType(int i, String feature, FeatureType t, FeatureType known) {
        if (known != null && known != t) {
            throw new ApiException(400, "wrong_feature_type", "records[" + i + "]." + ApiException.cut(feature) + " is "
                    + t.label() + " but the feature is " + known.label());
        }
    }
}
