package dev.vitals.server.quality;

import dev.vitals.server.api.ApiException;
import dev.vitals.server.drift.DriftService;
import dev.vitals.server.drift.FeatureBatch;
import dev.vitals.server.quality.GroundTruthRequests.Actual;
import dev.vitals.server.quality.GroundTruthRequests.Label;
import dev.vitals.server.quality.GroundTruthRequests.Prediction;
import dev.vitals.server.store.CallRow;
import dev.vitals.server.store.FeedbackRow;
import dev.vitals.server.store.LabelCoverageRow;
import dev.vitals.server.store.PendingJoin;
import dev.vitals.server.store.StateStore;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
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
 * It takes the records {@link GroundTruthRequests} parsed and returns records ({@link GroundTruthReports} writes
 * their JSON); {@link GroundTruthRows} encodes what it stores.
 */
public final class GroundTruthService {
    private static final String KIND = GroundTruthRows.KIND;

    private final StateStore store;
    private final QualityService quality;
    private final DriftService drift;
    private final String replica;
    private final GroundTruthRequests requests;
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
        this.requests = new GroundTruthRequests(binaryModels, clock);
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

    /** What a predictions batch did: {@code stored} new ones, {@code duplicates} already stored (same model and id). */
    public record PredictionsResult(int stored, int duplicates) {
    }

    /** What an actuals batch did: {@code joined} to stored predictions, {@code pending} until theirs arrives, {@code duplicates}. */
    public record ActualsResult(int joined, int pending, int duplicates) {
    }

    /** A model's label coverage: its counts from the store over the window of {@code windowMillis}. */
    public record Coverage(LabelCoverageRow counts, long windowMillis) {
    }

    /** The parser of this service's request bodies (its binary models, its clock). */
    public GroundTruthRequests requests() {
        return requests;
    }

    /** {@code POST /v1/predictions}: stores the new ones and feeds their features to drift, all or nothing. */
    public synchronized PredictionsResult predictions(List<Prediction> batch) {
        List<CallRow> fresh = new ArrayList<>();
        Map<String, List<Prediction>> byModel = new LinkedHashMap<>();
        for (Prediction p : batch) {
            CallRow row = GroundTruthRows.row(p);
            if (store.findCall(row.requestId()) != null) {
                continue;
            }
            fresh.add(row);
            byModel.computeIfAbsent(p.model(), m -> new ArrayList<>()).add(p);
        }
        // input and output drift first: its checks (feature types, caps) refuse the batch before anything is stored
        List<FeatureBatch> driftBatches = new ArrayList<>();
        byModel.forEach((m, ps) -> {
            FeatureBatch b = GroundTruthRequests.driftFeatures(m, ps, drift::featureType);
            drift.checkFeatures(b);
            driftBatches.add(b);
        });
        // the features are journaled before the predictions' rows: a crash between the two makes a re-sent
        // prediction count its features twice in the drift window, never lose them (a stored row is a duplicate)
        driftBatches.forEach(drift::storeFeatures);
        store.insertCalls(fresh);
        coverage.changed();
        predictions.labels("stored").inc(fresh.size());
        predictions.labels("duplicate").inc(batch.size() - fresh.size());
        return new PredictionsResult(fresh.size(), batch.size() - fresh.size());
    }

    /** An actual of a batch for its stored prediction. */
    private record Pair(GroundTruthRows.Stored prediction, Label actual) {
    }

    /** {@code POST /v1/actuals}: joins those whose prediction is stored, parks the others, all or nothing. */
    public synchronized ActualsResult actuals(List<Actual> batch) {
        long now = clock.getAsLong();
        List<Pair> joins = new ArrayList<>();
        List<Actual> park = new ArrayList<>();
        int duplicates = 0;
        for (int i = 0; i < batch.size(); i++) {
            Actual a = batch.get(i);
            String at = "records[" + i + "]";
            String rowId = GroundTruthRows.rowId(a.model(), a.id());
            FeedbackRow done = store.findFeedback(GroundTruthRows.markId(rowId));
            PendingJoin waiting = done == null ? store.findPending(KIND, rowId) : null;
            String stored = done != null ? done.payload() : waiting != null ? waiting.payload() : null;
            if (stored != null) {
                if (!GroundTruthRows.actual(stored).equals(a.actual())) {
                    throw new ApiException(409, "actual_conflict", at + ": model '" + GroundTruthRequests.cut(a.model()) + "' id '"
                            + GroundTruthRequests.cut(a.id()) + "' already has another actual");
                }
                duplicates++;
                continue;
            }
            CallRow pred = store.findCall(rowId);
            if (pred != null) {
                Pair pair = new Pair(GroundTruthRows.stored(pred), a.actual());
                check(pair, at);
                joins.add(pair);
            } else {
                park.add(a);
            }
        }
        join(joins, now, now);
        for (Actual a : park) {
            String rowId = GroundTruthRows.rowId(a.model(), a.id());
            String payload = GroundTruthRows.pending(a.model(), a.actual());
            store.transaction(tx -> tx.park(new PendingJoin(0, KIND, rowId, rowId, payload, now, now + graceMillis,
                    PendingJoin.PENDING, replica)));
        }
        actuals.labels("duplicate").inc(duplicates);
        actuals.labels("pending").inc(park.size());
        return new ActualsResult(joins.size(), park.size(), duplicates);
    }

    /** A numeric prediction needs a numeric actual and a label one a label: checked before anything is applied. */
    private static void check(Pair pair, String at) {
        boolean numeric = pair.prediction().predicted().numeric();
        if (numeric != pair.actual().numeric()) {
            throw new ApiException(400, "invalid_record", at + ".actual must be " + (numeric ? "a number" : "a label")
                    + " like its prediction");
        }
    }

    /**
     * Applies pairs at their predictions' times, all or none, then marks the actuals applied, stamped with when the
     * actuals arrived ({@code arrivedMillis}: their label delay ends there).
     */
    private void join(List<Pair> pairs, long arrivedMillis, long now) {
        if (pairs.isEmpty()) {
            return;
        }
        List<QualityRequests.Record> records = new ArrayList<>(pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            records.add(evaluation(pairs.get(i), "records[" + i + "]"));
        }
        quality.evaluations(records);
        for (Pair j : pairs) {
            GroundTruthRows.Stored p = j.prediction();
            store.insertFeedback(new FeedbackRow(GroundTruthRows.markId(p.rowId()), p.rowId(), p.model(),
                    Math.max(p.timeMillis(), Math.min(now, arrivedMillis)), GroundTruthRows.mark(j.actual())));
            actuals.labels("joined").inc();
            delay.labels(p.model()).observe(Math.max(0, arrivedMillis - p.timeMillis()) / 1000.0);
        }
        coverage.changed();
    }

    /**
     * The evaluation record of a pair at its prediction's time: a regression of two numbers, or a classification of two
     * labels (a boolean as its text) with the prediction's score or probabilities. {@code at} names it among the joins.
     * It is refused as {@code POST /v1/evaluations} refuses such a record: a numeric prediction that carried a score or
     * probabilities, and a time more than 30 days back by the wall clock (quality's own limit, not this service's clock).
     */
    private static QualityRequests.Record evaluation(Pair pair, String at) {
        GroundTruthRows.Stored p = pair.prediction();
        long wall = System.currentTimeMillis();
        if (p.timeMillis() > wall + 300_000 || p.timeMillis() < wall - 30L * 86_400_000) {
            throw new ApiException(400, "invalid_time", at + ".time is more than 5 minutes in the future or 30 days in the past");
        }
        if (p.predicted().numeric()) {
            if (p.score() != null || p.probabilities() != null) {
                throw new ApiException(400, "invalid_record", at + ": a regression record has no score or probabilities");
            }
            return QualityRequests.Record.regression(p.model(), ((Number) pair.actual().value()).doubleValue(),
                    ((Number) p.predicted().value()).doubleValue(), p.timeMillis());
        }
        String actual = (String) pair.actual().asValue();
        String predicted = (String) p.predicted().asValue();
        dev.vitals.quality.Prediction prediction = p.score() != null ? dev.vitals.quality.Prediction.of(actual, predicted, p.score())
                : p.probabilities() != null ? dev.vitals.quality.Prediction.of(actual, predicted, p.probabilities())
                : dev.vitals.quality.Prediction.of(actual, predicted);
        return QualityRequests.Record.classification(p.model(), prediction, p.timeMillis());
    }

    /**
     * A model's label coverage from the store — the share of its predictions of the window that have an actual, and the
     * delay of those — or {@code null} when it has no prediction in the window. True after a restart and for the whole
     * fleet. Blocking.
     */
    public Coverage labelCoverage(String model) {
        LabelCoverageRow r = coverage.get().get(model);
        return r == null ? null : new Coverage(r, coverage.windowMillis());
    }

    /** Every model's label coverage by name (see {@link #labelCoverage(String)}); blocking. */
    public Map<String, Coverage> labelCoverage() {
        Map<String, Coverage> all = new LinkedHashMap<>();
        coverage.get().values().forEach(r -> all.put(r.model(), new Coverage(r, coverage.windowMillis())));
        return all;
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
            Pair pair = new Pair(GroundTruthRows.stored(pred), GroundTruthRows.actual(pj.payload()));
            try {
                check(pair, "actual");
                // the actual arrived when it was parked: its delay ends there, not when its prediction came
                join(List.of(pair), pj.createdAtMillis(), now);
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
