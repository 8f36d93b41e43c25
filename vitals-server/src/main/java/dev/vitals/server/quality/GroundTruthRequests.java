package dev.vitals.server.quality;

import dev.vitals.drift.FeatureType;
import dev.vitals.server.api.ApiException;
import dev.vitals.server.api.Batch;
import dev.vitals.server.drift.DriftRequests;
import dev.vitals.server.drift.FeatureBatch;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;

/**
 * The bodies of {@code POST /v1/predictions} and {@code POST /v1/actuals} parsed into typed records, each batch checked
 * whole with every 400/413 message of it. No state: the configured binary models and the clock (a prediction's
 * {@code time} is bounded by now) come in at construction. What needs the store (409, a label of the wrong kind for
 * its prediction) stays in {@link GroundTruthService}.
 */
public final class GroundTruthRequests {
    private static final Set<String> PREDICTION_FIELDS = Set.of("model", "id", "predicted", "score", "probabilities", "features", "time");
    private static final Set<String> ACTUAL_FIELDS = Set.of("model", "id", "actual");

    private final Set<String> binaryModels;
    private final LongSupplier clock;

    /**
     * @param binaryModels the models of {@code quality.binaryModels}: only their predictions may carry a {@code score}
     * @param clock epoch milliseconds: a prediction's {@code time} is at most 5 minutes ahead and 30 days back, and now without one
     */
    public GroundTruthRequests(Set<String> binaryModels, LongSupplier clock) {
        this.binaryModels = Set.copyOf(binaryModels);
        this.clock = clock;
    }

    /**
     * A predicted or actual label as the caller sent it: a string of 1 to 256 characters, a boolean, or a finite number kept
     * as JSON parsed it (an actual equals its stored one only when it is the same JSON value: {@code 1} is not {@code 1.0}).
     */
    public record Label(Object value) {
        public Label {
            if (!(value instanceof String || value instanceof Boolean || value instanceof Number)) {
                throw new IllegalArgumentException("a label is a string, a boolean or a number, got " + value);
            }
        }

        public boolean numeric() {
            return value instanceof Number;
        }

        /** What quality and drift see: a number stays a number; a boolean is the label {@code "true"} or {@code "false"}. */
        public Object asValue() {
            return value instanceof Number ? value : String.valueOf(value);
        }
    }

    /**
     * A prediction to store.
     *
     * @param score the probability of the binary model's positive label, or null
     * @param probabilities each class's probability in the order given, or null
     * @param features the drift features as sent (their values are drift's to check), empty when none
     * @param time epoch milliseconds: its own, or now when it has none
     */
    public record Prediction(String model, String id, Label predicted, Double score, Map<String, Double> probabilities,
                             Map<String, Object> features, long time) {
        public Prediction {
            probabilities = probabilities == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(probabilities));
            features = Collections.unmodifiableMap(new LinkedHashMap<>(features));
        }
    }

    /** An actual (ground truth) for the prediction of the same model and id. */
    public record Actual(String model, String id, Label actual) {
    }

    /** Parses a predictions body; throws the first problem as a 400 naming the record (a 413 for too many). */
    public List<Prediction> predictions(JsonObject body) {
        long now = clock.getAsLong();
        return batch(body, PREDICTION_FIELDS, "predicted", (r, at, model, id, predicted) -> {
            Double score = null;
            if (r.containsKey("score")) {
                if (!(r.getValue("score") instanceof Number s && s.doubleValue() >= 0 && s.doubleValue() <= 1)) {
                    throw new ApiException(400, "invalid_record", at + ".score must be a probability in [0, 1]");
                }
                if (!binaryModels.contains(model)) {
                    throw new ApiException(400, "invalid_record", at + ".score needs the model's two labels in quality.binaryModels."
                            + cut(model) + " (which one the score is the probability of)");
                }
                score = s.doubleValue();
            }
            Map<String, Double> probabilities = null;
            if (r.containsKey("probabilities")) {
                if (!(r.getValue("probabilities") instanceof JsonObject p) || p.isEmpty() || p.size() > 1000) {
                    throw new ApiException(400, "invalid_record", at + ".probabilities must be an object of 1 to 1000 class probabilities");
                }
                probabilities = new LinkedHashMap<>();
                for (String k : p.fieldNames()) {
                    if (!(p.getValue(k) instanceof Number x) || !(x.doubleValue() >= 0 && x.doubleValue() <= 1)) {
                        throw new ApiException(400, "invalid_record", at + ".probabilities." + cut(k) + " must be in [0, 1]");
                    }
                    probabilities.put(k, x.doubleValue());
                }
            }
            if (score != null && probabilities != null) {
                throw new ApiException(400, "invalid_record", at + ": give score (binary) or probabilities, not both");
            }
            // a number is a regression prediction: quality takes no score for it, so its actual could never join
            if (predicted.numeric() && (score != null || probabilities != null)) {
                throw new ApiException(400, "invalid_record", at + ": a numeric prediction (regression) takes no score or probabilities");
            }
            if (r.containsKey("features") && !(r.getValue("features") instanceof JsonObject)) {
                throw new ApiException(400, "invalid_record", at + ".features must be an object of feature to value");
            }
            Map<String, Object> features = r.getValue("features") instanceof JsonObject f ? f.getMap() : Map.of();
            long time = now;
            if (r.containsKey("time")) {
                if (!(r.getValue("time") instanceof Number t) || t.longValue() > now + 300_000 || t.longValue() < now - 30L * 86_400_000) {
                    throw new ApiException(400, "invalid_record", at + ".time must be epoch milliseconds, at most 5 minutes ahead and 30 days back");
                }
                time = t.longValue();
            }
            return new Prediction(model, id, predicted, score, probabilities, features, time);
        });
    }

    /** Parses an actuals body; throws the first problem as a 400 naming the record (a 413 for too many). */
    public List<Actual> actuals(JsonObject body) {
        return batch(body, ACTUAL_FIELDS, "actual", (r, at, model, id, actual) -> new Actual(model, id, actual));
    }

    /** The rest of one record, after its model, id and label; throws its first problem. */
    @FunctionalInterface
    private interface RecordParser<T> {
        T parse(JsonObject r, String at, String model, String id, Label label);
    }

    /**
     * A batch: {@code records} of objects of {@code allowed} fields, each with a model, an id and the label {@code labelField}
     * checked in that order, then the rest by {@code rest}, then that no earlier record has the same model and id.
     */
    private static <T> List<T> batch(JsonObject body, Set<String> allowed, String labelField, RecordParser<T> rest) {
        JsonArray a = records(body);
        Set<String> seen = new HashSet<>();
        List<T> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            String at = "records[" + i + "]";
            JsonObject r = object(a, i, allowed, at);
            String model = name(r, "model", at);
            String id = name(r, "id", at);
            T parsed = rest.parse(r, at, model, id, label(r, labelField, at));
            unique(seen, model, id, at);
            out.add(parsed);
        }
        return List.copyOf(out);
    }

    /**
     * The drift batch of one model's new predictions: each one's features with its {@code prediction} (and its
     * {@code prediction_score}), checked as {@code POST /v1/features} checks a batch ({@code records[i]} counts these
     * predictions), against the types drift knows ({@code knownType}: model and feature to type, or null).
     */
    static FeatureBatch driftFeatures(String model, List<Prediction> predictions, BiFunction<String, String, FeatureType> knownType) {
        JsonArray records = new JsonArray();
        for (Prediction p : predictions) {
            JsonObject f = new JsonObject(new LinkedHashMap<>(p.features()));
            f.put("prediction", p.predicted().asValue());
            if (p.score() != null) {
                f.put("prediction_score", p.score());
            }
            records.add(f);
        }
        return DriftRequests.features(new JsonObject().put("model", model).put("records", records), knownType);
    }

    /** A value cut to 64 characters for an error message. */
    static String cut(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    private static JsonArray records(JsonObject body) {
        for (String f : body.fieldNames()) {
            if (!f.equals("records")) {
                throw new ApiException(400, "unknown_field", "unknown field '" + cut(f) + "'; the body is {\"records\": [...]}");
            }
        }
        return Batch.records(body, "a non-empty array");
    }

    /** {@code records[i]}: an object of {@code allowed} fields. */
    private static JsonObject object(JsonArray a, int i, Set<String> allowed, String at) {
        if (!(a.getValue(i) instanceof JsonObject r)) {
            throw new ApiException(400, "invalid_record", at + " must be an object");
        }
        for (String f : r.fieldNames()) {
            if (!allowed.contains(f)) {
                throw new ApiException(400, "invalid_record", at + ": unknown field '" + cut(f) + "'; allowed: " + new TreeSet<>(allowed));
            }
        }
        return r;
    }

    private static String name(JsonObject r, String field, String at) {
        if (!(r.getValue(field) instanceof String s) || s.isBlank() || s.length() > 256) {
            throw new ApiException(400, "invalid_record", at + "." + field + " must be a string of 1 to 256 characters");
        }
        return s;
    }

    private static Label label(JsonObject r, String field, String at) {
        if (!r.containsKey(field)) {
            throw new ApiException(400, "invalid_record", at + "." + field + " is required");
        }
        Object v = r.getValue(field);
        if (v instanceof Number n) {
            if (!Double.isFinite(n.doubleValue())) {
                throw new ApiException(400, "invalid_record", at + "." + field + " must be finite");
            }
        } else if (!(v instanceof String s && !s.isEmpty() && s.length() <= 256) && !(v instanceof Boolean)) {
            throw new ApiException(400, "invalid_record", at + "." + field
                    + " must be a label (a string of 1 to 256 characters or a boolean) or a number");
        }
        return new Label(v);
    }

    /** Fails when the batch so far ({@code seen}) has the model and id already. */
    private static void unique(Set<String> seen, String model, String id, String at) {
        if (!seen.add(GroundTruthRows.rowId(model, id))) {
            throw new ApiException(400, "duplicate_record", at + ": model '" + cut(model) + "' and id '" + cut(id) + "' appear twice in the batch");
        }
    }
}
