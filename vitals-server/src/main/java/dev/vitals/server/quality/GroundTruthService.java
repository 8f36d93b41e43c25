package dev.vitals.server.quality;

import dev.vitals.server.api.ApiException;
import dev.vitals.server.api.Batch;
import dev.vitals.server.drift.DriftRequests;
import dev.vitals.server.drift.DriftService;
import dev.vitals.server.drift.FeatureBatch;
import dev.vitals.server.store.CallRow;
import dev.vitals.server.store.FeedbackRow;
import dev.vitals.server.store.PendingJoin;
import dev.vitals.server.store.StateStore;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Delayed ground truth for models served elsewhere: {@code POST /v1/predictions} stores each prediction
 * durably in the state store's {@code calls} table (idempotent by model and id; never features or text)
 * and feeds input and output drift; {@code POST /v1/actuals} joins outcomes to them later, in any order
 * and on any replica sharing the store, and the pair enters the quality windows at the prediction's
 * time through {@link QualityService#evaluations}. An actual whose prediction is unknown waits as a
 * pending join for {@code quality.pendingGraceSeconds}, joined by {@link #sweep} when the prediction
 * arrives. Every method blocks: worker threads only. Batches are validated whole before anything is stored.
 */
public final class GroundTruthService {
    static final String KIND = "actual";
    private static final Set<String> PREDICTION_FIELDS = Set.of("model", "id", "predicted", "score", "probabilities", "features", "time");
    private static final Set<String> ACTUAL_FIELDS = Set.of("model", "id", "actual");

    private final StateStore store;
    private final QualityService quality;
    private final DriftService drift;
    private final String replica;
    private final Set<String> binaryModels;
    private final long graceMillis;
    private final LongSupplier clock;
    private final dev.vitals.labels.Family<io.prometheus.metrics.core.datapoints.CounterDataPoint> predictions;
    private final dev.vitals.labels.Family<io.prometheus.metrics.core.datapoints.CounterDataPoint> actuals;
    private final dev.vitals.labels.Family<io.prometheus.metrics.core.datapoints.DistributionDataPoint> delay;
    private final LabelCoverage coverage;

    /**
     * @param binaryModels the models of {@code quality.binaryModels}: only their predictions may carry a {@code score}
     * @param coverageWindowMillis label coverage counts the predictions of this window ({@code quality.labelCoverageHours})
     */
    public GroundTruthService(StateStore store, QualityService quality, DriftService drift, String replica, long graceMillis,
                              Set<String> binaryModels, long coverageWindowMillis, PrometheusRegistry registry, LongSupplier clock) {
        this.binaryModels = Set.copyOf(binaryModels);
        this.store = store;
        this.quality = quality;
        this.drift = drift;
        this.replica = replica == null ? "local" : replica;
        this.graceMillis = graceMillis;
        this.clock = clock;
        this.predictions = dev.vitals.labels.MetricFamilies.of(registry).counter(Counter.builder().name("vitals_predictions_total")
                .help("Predictions posted to /v1/predictions, by outcome: stored, duplicate (same model and id again).")
                .labelNames("outcome"));
        this.actuals = dev.vitals.labels.MetricFamilies.of(registry).counter(Counter.builder().name("vitals_actuals_total")
                .help("Actuals posted to /v1/actuals, by outcome: joined (to a stored prediction, now or after waiting), "
                        + "pending (its prediction not known yet), duplicate, expired (no prediction within the grace period). "
                        + "Label coverage per model: vitals_label_coverage_ratio.")
                .labelNames("outcome"));
        // minutes to weeks: labels arrive from seconds (a click) to a month (a chargeback)
        this.delay = dev.vitals.labels.MetricFamilies.of(registry).histogram(Histogram.builder().name("vitals_label_delay_seconds")
                .help("Label delay: from a prediction's time to its actual's arrival, observed when the pair is joined.")
                .classicOnly().classicUpperBounds(60, 300, 900, 3600, 4 * 3600, 12 * 3600, 86_400, 2 * 86_400, 3 * 86_400,
                        7 * 86_400, 14 * 86_400, 30 * 86_400)
                .labelNames("model"));
        this.coverage = new LabelCoverage(store, coverageWindowMillis, clock, registry);
        dev.vitals.labels.MetricFamilies.of(registry).gaugeWithCallback(GaugeWithCallback.builder().name("vitals_actuals_pending")
                .help("Actuals waiting for their prediction (state pending) and given up (state expired), in the store.")
                .labelNames("state"), cb -> store.pendingCounts(KIND).forEach((s, n) -> cb.call(n, s)));
    }

    /** A value cut to 64 characters for an error message. */
    private static String cut(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    /** The calls-table id of a prediction: unambiguous for any model and id. */
    static String rowId(String model, String id) {
        return "prediction:" + model.length() + ":" + model + ":" + id;
    }

    private static JsonArray records(JsonObject body) {
        for (String f : body.fieldNames()) {
            if (!f.equals("records")) {
                throw new ApiException(400, "unknown_field", "unknown field '" + cut(f) + "'; the body is {\"records\": [...]}");
            }
        }
        return Batch.records(body, "a non-empty array");
    }

    private static String name(JsonObject r, String field, String at) {
        if (!(r.getValue(field) instanceof String s) || s.isBlank() || s.length() > 256) {
            throw new ApiException(400, "invalid_record", at + "." + field + " must be a string of 1 to 256 characters");
        }
        return s;
    }

    private static void fields(JsonObject r, Set<String> allowed, String at) {
        for (String f : r.fieldNames()) {
            if (!allowed.contains(f)) {
                throw new ApiException(400, "invalid_record", at + ": unknown field '" + cut(f) + "'; allowed: "
                        + new java.util.TreeSet<>(allowed));
            }
        }
    }

    /** A record of a batch at {@code at}, with its model and id. */
    private record Rec(JsonObject r, String at, String model, String id) {
        /** The record's row id, failing when {@code seen} (the batch's so far) has it already. */
        String unique(Set<String> seen) {
            String rowId = rowId(model, id);
            if (!seen.add(rowId)) {
                throw new ApiException(400, "duplicate_record", at + ": model '" + cut(model) + "' and id '"
                        + cut(id) + "' appear twice in the batch");
            }
            return rowId;
        }
    }

    /** {@code records[i]}: an object of {@code allowed} fields with a model, an id and the label {@code labelField}. */
    private static Rec record(JsonArray a, int i, Set<String> allowed, String labelField) {
        String at = "records[" + i + "]";
        if (!(a.getValue(i) instanceof JsonObject r)) {
            throw new ApiException(400, "invalid_record", at + " must be an object");
        }
        fields(r, allowed, at);
        Rec rec = new Rec(r, at, name(r, "model", at), name(r, "id", at));
        if (!r.containsKey(labelField)) {
            throw new ApiException(400, "invalid_record", at + "." + labelField + " is required");
        }
        label(r.getValue(labelField), at + "." + labelField);
        return rec;
    }

    private static void label(Object v, String at) {
        if (v instanceof Number n) {
            if (!Double.isFinite(n.doubleValue())) {
                throw new ApiException(400, "invalid_record", at + " must be finite");
            }
        } else if (!(v instanceof String s && !s.isEmpty() && s.length() <= 256) && !(v instanceof Boolean)) {
            throw new ApiException(400, "invalid_record", at + " must be a label (a string of 1 to 256 characters or a boolean) or a number");
        }
    }

    /** {@code POST /v1/predictions}; returns {stored, duplicates}. */
    public synchronized JsonObject predictions(JsonObject body) {
        JsonArray a = records(body);
        long now = clock.getAsLong();
        Set<String> seen = new HashSet<>();
        List<CallRow> rows = new ArrayList<>();
        List<JsonObject> valid = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            Rec rec = record(a, i, PREDICTION_FIELDS, "predicted");
            JsonObject r = rec.r();
            String at = rec.at();
            String model = rec.model();
            if (r.containsKey("score") && !(r.getValue("score") instanceof Number s && s.doubleValue() >= 0 && s.doubleValue() <= 1)) {
                throw new ApiException(400, "invalid_record", at + ".score must be a probability in [0, 1]");
            }
            if (r.containsKey("score") && !binaryModels.contains(model)) {
                throw new ApiException(400, "invalid_record", at + ".score needs the model's two labels in quality.binaryModels."
                        + cut(model) + " (which one the score is the probability of)");
            }
            if (r.containsKey("probabilities")) {
                if (!(r.getValue("probabilities") instanceof JsonObject p) || p.isEmpty() || p.size() > 1000) {
                    throw new ApiException(400, "invalid_record", at + ".probabilities must be an object of 1 to 1000 class probabilities");
                }
                for (String k : p.fieldNames()) {
                    if (!(p.getValue(k) instanceof Number x) || !(x.doubleValue() >= 0 && x.doubleValue() <= 1)) {
                        throw new ApiException(400, "invalid_record", at + ".probabilities." + cut(k) + " must be in [0, 1]");
                    }
                }
            }
            if (r.containsKey("score") && r.containsKey("probabilities")) {
                throw new ApiException(400, "invalid_record", at + ": give score (binary) or probabilities, not both");
            }
            if (r.containsKey("features") && !(r.getValue("features") instanceof JsonObject)) {
                throw new ApiException(400, "invalid_record", at + ".features must be an object of feature to value");
            }
            long time = now;
            if (r.containsKey("time")) {
                if (!(r.getValue("time") instanceof Number t) || t.longValue() > now + 300_000 || t.longValue() < now - 30L * 86_400_000) {
                    throw new ApiException(400, "invalid_record", at + ".time must be epoch milliseconds, at most 5 minutes ahead and 30 days back");
                }
                time = t.longValue();
            }
            String rowId = rec.unique(seen);
            // what the join needs, never the features
            JsonObject kept = new JsonObject().put("predicted", r.getValue("predicted"));
            if (r.containsKey("score")) {
                kept.put("score", r.getValue("score"));
            }
            if (r.containsKey("probabilities")) {
                kept.put("probabilities", r.getValue("probabilities"));
            }
            rows.add(new CallRow(rowId, model, time, kept.encode(), Double.NaN));
            valid.add(r);
        }
        List<CallRow> fresh = new ArrayList<>();
        Map<String, JsonArray> driftRecords = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            if (store.findCall(rows.get(i).requestId()) != null) {
                continue;
            }
            fresh.add(rows.get(i));
            JsonObject r = valid.get(i);
            JsonObject f = r.getValue("features") instanceof JsonObject fo ? fo.copy() : new JsonObject();
            f.put("prediction", r.getValue("predicted") instanceof Number n ? n : String.valueOf(r.getValue("predicted")));
            if (r.getValue("score") instanceof Number s) {
                f.put("prediction_score", s);
            }
            driftRecords.computeIfAbsent(rows.get(i).model(), m -> new JsonArray()).add(f);
        }
        // input and output drift first: its checks (feature types, caps) refuse the batch before anything is stored
        List<FeatureBatch> driftBatches = new ArrayList<>();
        driftRecords.forEach((m, recs) -> {
            FeatureBatch b = DriftRequests.features(new JsonObject().put("model", m).put("records", recs), drift::featureType);
            drift.checkFeatures(b);
            driftBatches.add(b);
        });
        // the features are journaled before the predictions' rows: a crash between the two makes a re-sent
        // prediction count its features twice in the drift window, never lose them (a stored row is a duplicate)
        driftBatches.forEach(drift::storeFeatures);
        store.insertCalls(fresh);
        coverage.changed();
        predictions.labels("stored").inc(fresh.size());
        predictions.labels("duplicate").inc(rows.size() - fresh.size());
        return new JsonObject().put("status", "ok").put("stored", fresh.size()).put("duplicates", rows.size() - fresh.size());
    }

    /** {@code POST /v1/actuals}; returns {joined, pending, duplicates}. */
    public synchronized JsonObject actuals(JsonObject body) {
        JsonArray a = records(body);
        long now = clock.getAsLong();
        Set<String> seen = new HashSet<>();
        List<Object[]> joins = new ArrayList<>(); // {rowId, CallRow, actual}
        List<Object[]> park = new ArrayList<>(); // {rowId, model, actual}
        int duplicates = 0;
        for (int i = 0; i < a.size(); i++) {
            Rec rec = record(a, i, ACTUAL_FIELDS, "actual");
            String at = rec.at();
            String model = rec.model();
            String id = rec.id();
            Object actual = rec.r().getValue("actual");
            String rowId = rec.unique(seen);
            FeedbackRow done = store.findFeedback(markId(rowId));
            PendingJoin waiting = done == null ? store.findPending(KIND, rowId) : null;
            String stored = done != null ? done.payload() : waiting != null ? waiting.payload() : null;
            if (stored != null) {
                if (!new JsonObject(stored).getValue("actual").equals(actual)) {
                    throw new ApiException(409, "actual_conflict", at + ": model '" + cut(model) + "' id '"
                            + cut(id) + "' already has another actual");
                }
                duplicates++;
                continue;
            }
            CallRow pred = store.findCall(rowId);
            if (pred != null) {
                check(pred, actual, at);
                joins.add(new Object[] {rowId, pred, actual});
            } else {
                park.add(new Object[] {rowId, model, actual});
            }
        }
        join(joins, now, now);
        for (Object[] p : park) {
            String payload = new JsonObject().put("model", p[1]).put("actual", p[2]).encode();
            store.transaction(tx -> tx.park(new PendingJoin(0, KIND, (String) p[0], (String) p[0], payload, now, now + graceMillis,
                    PendingJoin.PENDING, replica)));
        }
        actuals.labels("duplicate").inc(duplicates);
        actuals.labels("pending").inc(park.size());
        return new JsonObject().put("status", "ok").put("joined", joins.size()).put("pending", park.size()).put("duplicates", duplicates);
    }

    private static String markId(String rowId) {
        return "actual:" + rowId;
    }

    /** A numeric prediction needs a numeric actual and a label one a label: checked before anything is applied. */
    private static void check(CallRow pred, Object actual, String at) {
        Object predicted = new JsonObject(pred.predictedLabel()).getValue("predicted");
        if ((predicted instanceof Number) != (actual instanceof Number)) {
            throw new ApiException(400, "invalid_record", at + ".actual must be " + (predicted instanceof Number ? "a number" : "a label")
                    + " like its prediction");
        }
    }

    /**
     * Applies pairs {rowId, prediction, actual} at their predictions' times, all or none, then marks the actuals applied,
     * stamped with when the actuals arrived ({@code arrivedMillis}: their label delay ends there).
     */
    private void join(List<Object[]> pairs, long arrivedMillis, long now) {
        if (pairs.isEmpty()) {
            return;
        }
        JsonArray recs = new JsonArray();
        for (Object[] j : pairs) {
            CallRow pred = (CallRow) j[1];
            JsonObject p = new JsonObject(pred.predictedLabel());
            JsonObject rec = new JsonObject().put("model", pred.model()).put("time", pred.timeMillis())
                    .put("predicted", label(p.getValue("predicted"))).put("actual", label(j[2]));
            if (p.containsKey("score")) {
                rec.put("score", p.getValue("score"));
            }
            if (p.containsKey("probabilities")) {
                rec.put("probabilities", p.getValue("probabilities"));
            }
            recs.add(rec);
        }
        quality.evaluations(QualityRequests.evaluations(new JsonObject().put("records", recs)));
        for (Object[] j : pairs) {
            CallRow pred = (CallRow) j[1];
            store.insertFeedback(new FeedbackRow(markId((String) j[0]), (String) j[0], pred.model(),
                    Math.max(pred.timeMillis(), Math.min(now, arrivedMillis)),
                    new JsonObject().put("actual", j[2]).encode()));
            actuals.labels("joined").inc();
            delay.labels(pred.model()).observe(Math.max(0, arrivedMillis - pred.timeMillis()) / 1000.0);
        }
        coverage.changed();
    }

    /**
     * A model's label coverage from the store — {@code ratio}, {@code predictions}, {@code with_actual}, {@code window_hours}
     * and the {@code delay} of those with an actual — or {@code null} when it has no prediction in the window. True after a
     * restart and for the whole fleet. Blocking.
     */
    public JsonObject labelCoverage(String model) {
        dev.vitals.server.store.LabelCoverageRow r = coverage.get().get(model);
        return r == null ? null : LabelCoverage.json(r, coverage.windowMillis());
    }

    /** Every model's label coverage by name (see {@link #labelCoverage(String)}); blocking. */
    public JsonObject labelCoverage() {
        JsonObject o = new JsonObject();
        coverage.get().values().forEach(r -> o.put(r.model(), LabelCoverage.json(r, coverage.windowMillis())));
        return o;
    }

    /** Booleans are labels "true"/"false"; numbers stay numbers. */
    private static Object label(Object v) {
        return v instanceof Boolean b ? b.toString() : v;
    }

    /** Joins waiting actuals whose prediction arrived (on any replica) and expires old ones; a worker timer runs it. */
    public synchronized int sweep() {
        long now = clock.getAsLong();
        int joined = 0;
        for (PendingJoin pj : store.joinable(KIND, "calls", "request_id", 1000)) {
            CallRow pred = store.findCall(pj.joinKey());
            if (pred == null || !Boolean.TRUE.equals(store.transaction(tx -> tx.claim(pj.id())))) {
                continue; // another replica took it
            }
            Object actual = new JsonObject(pj.payload()).getValue("actual");
            try {
                check(pred, actual, "actual");
                // the actual arrived when it was parked: its delay ends there, not when its prediction came
                join(List.<Object[]>of(new Object[] {pj.joinKey(), pred, actual}), pj.createdAtMillis(), now);
                joined++;
            } catch (ApiException e) {
                actuals.labels("expired").inc(); // cannot pair with its prediction: given up, counted
            }
        }
        int expired = store.expirePending(KIND, now);
        actuals.labels("expired").inc(expired);
        return joined;
    }
}
