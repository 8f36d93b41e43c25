package dev.vitals.server.quality;

import static dev.vitals.server.api.ApiException.cut;

import dev.vitals.labels.LabelPolicy;
import dev.vitals.llm.CallListener;
import dev.vitals.llm.LlmCall;
import dev.vitals.quality.QualityRecorder;
import dev.vitals.quality.QualityReport;
import dev.vitals.quality.QualitySpec;
import dev.vitals.quality.QualityTracker;
import dev.vitals.quality.QualityWindow;
import dev.vitals.quality.Score;

import dev.vitals.server.api.ApiException;
import dev.vitals.server.config.ConfigLoader;
import dev.vitals.server.config.VitalsConfig;
import dev.vitals.server.store.CallRow;
import dev.vitals.server.store.FeedbackRow;
import dev.vitals.server.store.GroupCommitter;
import dev.vitals.server.store.PendingJoin;
import dev.vitals.server.store.StateStore;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Model quality in the server: keeps what evaluation needs of every gateway call in the state store
 * (id, time, model; never text), joins delayed feedback to it, takes evaluation batches for models
 * served elsewhere, and exports the windows' metrics. Blocking methods run on worker threads.
 *
 * <p>Nothing is partially applied: a feedback or batch is validated whole (and checked against a
 * scratch accumulator of the same spec) before it touches the live windows; a feedback is stored
 * only after it was applied, under one lock, so its id stays idempotent.
 */
public final class QualityService implements CallListener {
    private static final Logger LOG = Logger.getLogger(QualityService.class.getName());
    static final String BLOB = "quality.v1";
    /** Gateway calls waiting to be written; beyond this they are dropped and counted. */
    static final int MAX_PENDING = 100_000;
    /** Models with quality data at most (the tracker's default cap). */
    static final int MAX_MODELS = 1000;

    /**
     * The outcome of one feedback.
     *
     * @param model the call's model, or {@code null} while the feedback waits for its call
     * @param status {@code ok} (applied), {@code pending} (stored, waiting for its call's row) or
     *               {@code unknown_call} (a re-sent feedback that waited in vain)
     */
    public record FeedbackResult(String model, boolean duplicate, boolean late, String status) {
    }

    /** Journal kinds this service writes and replays. */
    static final List<String> JOURNAL_KINDS = List.of("feedback", "evaluation");

    private final StateStore store;
    private final GroupCommitter writer;
    private final String replicaId;
    /** This replica's name in the journal. */
    private final String journalReplica;
    /** Guards the live windows and {@link #appliedSeq}: held briefly, never while waiting for the store. */
    private final Object applyLock = new Object();
    /** The last journal entry applied to the live windows; a checkpoint records it. */
    private long appliedSeq;
    private final Map<String, java.util.concurrent.CompletableFuture<Void>> inflight = new ConcurrentHashMap<>();
    private final long pendingGraceMillis;
    private final int maxPending;
    private volatile Map<String, Long> pendingCounts = Map.of("pending", 0L, "expired", 0L);
    private final String blob;
    private final QualityTracker tracker;
    private final Map<String, Duration> windows = new LinkedHashMap<>();
    private final Map<String, QualitySpec> specs = new ConcurrentHashMap<>();
    private final Map<String, String> taskOf = new ConcurrentHashMap<>();
    private final Map<String, CallRow> pending = new ConcurrentHashMap<>();
    private final ArrayBlockingQueue<CallRow> queue = new ArrayBlockingQueue<>(MAX_PENDING);
    private final long lateAfterMillis;
    private final dev.vitals.labels.Family<io.prometheus.metrics.core.datapoints.CounterDataPoint> feedback;
    private final Counter dropped;
    private final Counter evaluationsLate;
    private final dev.vitals.labels.Family<io.prometheus.metrics.core.datapoints.DistributionDataPoint> scores;
    /** The reports, their cache, the vitals_quality_* gauges and the dashboard's history. */
    private final QualityReports reports;

    /**
     * @param replicaId this replica's name when the store is shared by several replicas: its windows
     *                  are saved under it, and {@link #report} can merge every replica's (null: alone)
     */
    public QualityService(VitalsConfig.Quality cfg, StateStore store, GroupCommitter writer, PrometheusRegistry registry,
                          LabelPolicy policy, String replicaId) {
        this.store = store;
        this.writer = writer;
        this.replicaId = replicaId;
        this.journalReplica = replicaId == null ? "local" : replicaId;
        this.pendingGraceMillis = cfg.pendingGraceSeconds * 1000L;
        this.maxPending = cfg.maxPending;
        this.blob = replicaId == null ? BLOB : BLOB + "." + replicaId;
        this.lateAfterMillis = cfg.lateAfterHours * 3_600_000L;
        for (String w : cfg.windows) {
            windows.put(w, ConfigLoader.duration(w));
        }
        QualityTracker.Builder tb = QualityTracker.builder().windows(windows.values().toArray(new Duration[0]));
        cfg.binaryModels.forEach((m, l) -> {
            QualitySpec spec = QualitySpec.builder().binary(l.get(0), l.get(1)).build();
            tb.spec(m, spec);
            specs.put(m, spec);
        });
        this.tracker = tb.build();
        dev.vitals.labels.MetricFamilies families = dev.vitals.labels.MetricFamilies.of(registry);
        this.feedback = families.counter(Counter.builder().name("vitals_feedback_total")
                .help("Feedback received, by outcome: joined (applied to its call), late (joined a call older than quality.lateAfterHours), "
                        + "pending (stored, waiting for its call's row), unknown_call (its call never arrived), "
                        + "duplicate (same feedback id again, not applied twice), rejected (invalid).")
                .labelNames("outcome"), 8);
        this.dropped = Counter.builder().name("vitals_quality_calls_dropped_total")
                .help("Gateway calls not kept for delayed feedback because the write queue was full.").register(registry);
        this.evaluationsLate = Counter.builder().name("vitals_quality_evaluations_late_total")
                .help("Evaluation records whose time is older than the longest quality window: validated, counted in no window.")
                .register(registry);
        this.scores = families.histogram(Histogram.builder().name("vitals_quality_score")
                .help("Numeric quality scores as they arrive (feedback and evaluations).")
                .classicOnly().classicUpperBounds(0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 2, 3, 4, 5, 7, 10)
                .labelNames("model", "name", "source"), 2000);
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_feedback_pending")
                .help("Feedback stored but not joined, by state: pending (waiting for its call's row), expired (counted as unknown_call).")
                .labelNames("state"), cb -> pendingCounts.forEach((st, v) -> cb.call(v, st)));
        this.reports = new QualityReports(tracker, windows, registry);
        restore();
        if (replicaId != null) {
            save(); // a checkpoint at once, so the fleet report finds this replica's journal even if it dies within a minute
        }
    }

    // ---- gateway calls -------------------------------------------------------------------------

    @Override
    public void onCall(LlmCall c) {
        if (c.requestId() == null) {
            return;
        }
        CallRow row = new CallRow(c.requestId(), c.model(), System.currentTimeMillis(), null, Double.NaN);
        // into the pending map first: a flush between the two steps then finds and removes it
        pending.put(row.requestId(), row);
        if (queue.offer(row)) {
            // a gateway model is an LLM model; remembered for at most MAX_MODELS models, as quality is tracked,
            // so that a stream of new model names cannot grow this map without end (llm is also the default)
            if (taskOf.size() < MAX_MODELS) {
                taskOf.putIfAbsent(c.model(), "llm");
            }
        } else {
            pending.remove(row.requestId());
            dropped.inc();
        }
    }

    /** How many models have a known task (bounded by {@value #MAX_MODELS} plus those evaluations added). */
    public int knownTasks() {
        return taskOf.size();
    }

    /** Writes queued calls; blocking. */
    public void flushCalls() {
        List<CallRow> batch = new ArrayList<>();
        queue.drainTo(batch, 10_000);
        if (batch.isEmpty()) {
            return;
        }
        writer.write(tx -> {
            tx.insertCalls(batch);
            return null;
        }, null);
        batch.forEach(r -> pending.remove(r.requestId()));
    }

    private CallRow findCall(String requestId) {
        CallRow r = pending.get(requestId);
        return r != null ? r : store.findCall(requestId);
    }

    // ---- feedback ------------------------------------------------------------------------------

    /**
     * Applies one feedback ({@code POST /v1/feedback}); blocking. It is stored with its scores (and
     * journaled) before it is applied and before this returns: the caller's 2xx means stored. Feedback
     * for a request id no replica has written yet is stored as pending and joins when the call's row arrives.
     */
    public FeedbackResult feedback(JsonObject body) {
        try {
            return feedbackOnce(body);
        } catch (ApiException e) {
            feedback.labels(e.status() == 404 ? "unknown_call" : "rejected").inc();
            throw e;
        }
    }

    private FeedbackResult feedbackOnce(JsonObject body) {
        QualityRequests.Feedback parsed = QualityRequests.feedback(body);
        String requestId = parsed.requestId();
        String feedbackId = parsed.feedbackId();
        List<Score> list = parsed.scores();
        // one copy of a feedback id at a time in this replica: a concurrent re-send waits, then finds it stored
        java.util.concurrent.CompletableFuture<Void> mine = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Void> other;
        while ((other = inflight.putIfAbsent(feedbackId, mine)) != null) {
            other.handle((v, e) -> null).join();
        }
        try {
            return feedbackStored(body, requestId, feedbackId, list);
        } finally {
            inflight.remove(feedbackId, mine);
            mine.complete(null);
        }
    }

    private FeedbackResult feedbackStored(JsonObject body, String requestId, String feedbackId, List<Score> list) {
        FeedbackRow existing = store.findFeedback(feedbackId);
        if (existing != null) {
            return duplicate(existing.payload(), body, feedbackId, existing.model(), "ok");
        }
        PendingJoin parked = store.findPending("feedback", feedbackId);
        if (parked != null) {
            return duplicate(parked.payload(), body, feedbackId, null,
                    PendingJoin.EXPIRED.equals(parked.state()) ? "unknown_call" : "pending");
        }
        CallRow call = findCall(requestId);
        if (call == null) {
            if (pendingCounts.getOrDefault(PendingJoin.PENDING, 0L) >= maxPending) {
                throw new ApiException(404, "unknown_request_id", "no call with request id '" + cut(requestId)
                        + "', and " + maxPending + " feedback wait for their calls already (quality.maxPending)");
            }
            long now = System.currentTimeMillis();
            boolean stored = writer.write(tx -> tx.park(new PendingJoin(0, "feedback", requestId, feedbackId, body.encode(), now,
                    now + pendingGraceMillis, PendingJoin.PENDING, journalReplica)), null);
            if (!stored) { // another replica stored the same feedback id meanwhile
                return feedbackStored(body, requestId, feedbackId, list);
            }
            feedback.labels("pending").inc();
            return new FeedbackResult(null, false, false, "pending");
        }
        String task = taskOf.getOrDefault(call.model(), "llm");
        if (!task.equals("llm")) {
            throw new ApiException(422, "wrong_task", "model '" + call.model() + "' is a " + task + " model; scores are for LLM calls");
        }
        check(call.model(), list);
        long seq = journalFeedback(call, feedbackId, body, list, -1);
        if (seq < 0) {
            return feedbackStored(body, requestId, feedbackId, list); // stored by another replica meanwhile
        }
        return joined(call, list);
    }

    private FeedbackResult duplicate(String storedPayload, JsonObject body, String feedbackId, String model, String status) {
        if (!sameJson(storedPayload, body)) {
            throw new ApiException(409, "feedback_id_conflict", "feedback id '" + cut(feedbackId)
                    + "' was used before with a different body");
        }
        feedback.labels("duplicate").inc();
        return new FeedbackResult(model, true, false, status);
    }

    /**
     * Stores the feedback row and its journal entry in one group commit (taking the pending item
     * {@code pendingId} in the same transaction when it is one), then applies the scores.
     *
     * @return the journal sequence number, or -1 when the feedback id was stored already (nothing applied)
     */
    private long journalFeedback(CallRow call, String feedbackId, JsonObject body, List<Score> list, long pendingId) {
        String payload = body.encode();
        String entry = new JsonObject().put("model", call.model()).put("body", body).encode();
        return writer.write(tx -> {
            if (pendingId >= 0 && !tx.claim(pendingId)) {
                return -1L;
            }
            if (!tx.insertFeedback(new FeedbackRow(feedbackId, call.requestId(), call.model(), System.currentTimeMillis(), payload))) {
                return -1L;
            }
            return tx.journal(journalReplica, "feedback", entry);
        }, seq -> {
            if (seq > 0) {
                applyJournaled(seq, () -> tracker.model(call.model()).addScores(list));
            }
        });
    }

    private FeedbackResult joined(CallRow call, List<Score> list) {
        boolean late = System.currentTimeMillis() - call.timeMillis() > lateAfterMillis;
        feedback.labels(late ? "late" : "joined").inc();
        observeScores(call.model(), list);
        return new FeedbackResult(call.model(), false, late, "ok");
    }

    /** Applies a stored journal entry to the live windows, in sequence order (the writer thread, or replay). */
    private void applyJournaled(long seq, Runnable change) {
        synchronized (applyLock) {
            try {
                change.run();
            } finally {
                appliedSeq = Math.max(appliedSeq, seq);
                reports.invalidate();
            }
        }
    }

    /**
     * Joins pending feedback whose call's row has arrived (from any replica) and expires what waited past
     * {@code quality.pendingGraceSeconds}; blocking, run every half second.
     */
    public void joinPending() {
        int expired = store.expirePending("feedback", System.currentTimeMillis());
        if (expired > 0) {
            feedback.labels("unknown_call").inc(expired);
        }
        for (PendingJoin p : store.joinable("feedback", "calls", "request_id", 500)) {
            CallRow call = store.findCall(p.joinKey());
            try {
                JsonObject body = new JsonObject(p.payload());
                List<Score> list = QualityRequests.scores(body);
                if (!"llm".equals(taskOf.getOrDefault(call.model(), "llm"))) {
                    throw new ApiException(422, "wrong_task", "not an LLM model");
                }
                check(call.model(), list);
                if (journalFeedback(call, p.itemId(), body, list, p.id()) > 0) {
                    joined(call, list);
                }
            } catch (ApiException e) {
                // valid when accepted, not against this call (its model's task or score kinds): dropped, counted
                if (writer.write(tx -> tx.claim(p.id()), null)) {
                    feedback.labels("rejected").inc();
                    LOG.warning("pending feedback " + cut(p.itemId()) + " cannot join call " + cut(p.joinKey()) + ": " + e.getMessage());
                }
            }
        }
        pendingCounts = store.pendingCounts("feedback");
    }

    /** The state of one feedback id ({@code GET /v1/feedback?feedback_id=}): applied, pending, unknown_call, or 404. */
    public JsonObject feedbackStatus(String feedbackId) {
        if (feedbackId == null || feedbackId.isEmpty() || feedbackId.length() > 128) {
            throw new ApiException(400, "invalid_feedback_id", "'feedback_id' must be a string of 1 to 128 characters");
        }
        FeedbackRow f = store.findFeedback(feedbackId);
        if (f != null) {
            return new JsonObject().put("feedback_id", feedbackId).put("status", "ok").put("request_id", f.requestId())
                    .put("model", f.model());
        }
        PendingJoin p = store.findPending("feedback", feedbackId);
        if (p == null) {
            throw new ApiException(404, "unknown_feedback_id", "no feedback with id '" + cut(feedbackId) + "'");
        }
        return new JsonObject().put("feedback_id", feedbackId).put("request_id", p.joinKey())
                .put("status", PendingJoin.EXPIRED.equals(p.state()) ? "unknown_call" : "pending")
                .put("expires_at", p.expiresAtMillis());
    }

    /** Checks scores against the model's spec and its earlier score kinds, before anything is stored. */
    private void check(String model, List<Score> list) {
        QualityRecorder scratch = dev.vitals.quality.QualityStats.create(specs.getOrDefault(model, QualitySpec.defaults()));
        try {
            scratch.addScores(list);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_values", e.getMessage());
        }
        synchronized (applyLock) {
            for (Score sc : list) {
                dev.vitals.quality.ScoreKind was = tracker.models().contains(model) ? tracker.scoreKind(model, sc.name(), sc.source()) : null;
                if (was != null && was != sc.kind()) {
                    throw new ApiException(400, "invalid_values", "score \"" + cut(sc.name()) + "\" from " + sc.source().wireName()
                            + " is " + was.wireName() + ", got " + sc.kind().wireName());
                }
            }
        }
    }

    /**
     * Scores and token log-probabilities Vitals computed itself for one gateway call (code evaluators,
     * the judge, perplexity); thread-safe and never throws: false when they could not be applied (a
     * model of another task, a score kind clashing with one posted before, too many models).
     */
    public boolean recordComputed(String model, List<Score> list, double[] tokenLogProbs) {
        if (!taskOf.getOrDefault(model, "llm").equals("llm")) {
            return false;
        }
        try {
            QualityRecorder q = tracker.model(model);
            if (!list.isEmpty()) {
                q.addScores(list);
            }
            if (tokenLogProbs != null && tokenLogProbs.length > 0) {
                q.addTokenLogProbs(tokenLogProbs);
            }
        } catch (RuntimeException e) {
            return false;
        }
        // not into the vitals_quality_score histogram: a score on every call of every model would make it
        // the largest family; vitals_quality_score_mean has them per window
        reports.invalidate();
        return true;
    }

    /** Whether a stored body is the same JSON as {@code body}, however either was written (field order, spacing). */
    private static boolean sameJson(String stored, JsonObject body) {
        try {
            return new JsonObject(stored).equals(body);
        } catch (RuntimeException e) {
            return stored.equals(body.encode()); // not JSON: only the same text is the same body
        }
    }

    private void observeScores(String model, List<Score> list) {
        for (Score s : list) {
            if (s.kind() == dev.vitals.quality.ScoreKind.NUMERIC) {
                scores.labels(model, s.name(), s.source().wireName()).observe(s.number());
            }
        }
    }

    // ---- evaluations ---------------------------------------------------------------------------

    /**
     * What a batch of evaluation records did: {@code applied} records landed in the windows of their own
     * {@code time} (now when they have none); {@code late} ones are older than the longest window and were
     * validated but counted nowhere.
     */
    public record EvaluationResult(int applied, int late) {
    }

    /**
     * Applies a batch of evaluation records ({@code POST /v1/evaluations}); all or nothing; blocking. The
     * batch is journaled before it is applied and before this returns, as what it adds to each model's
     * windows (sums and sketches, never the records' texts).
     */
    public EvaluationResult evaluations(JsonObject body) {
        JsonObject entry;
        Map<String, List<Score>> scored = new LinkedHashMap<>();
        synchronized (applyLock) {
            entry = evaluationEntry(body, scored);
        }
        String payload = entry.encode();
        writer.write(tx -> tx.journal(journalReplica, "evaluation", payload), seq -> applyJournaled(seq, () -> applyEvaluation(entry)));
        scored.forEach(this::observeScores);
        int late = entry.getInteger("late");
        evaluationsLate.inc(late);
        reports.invalidate();
        return new EvaluationResult(entry.getInteger("records") - late, late);
    }

    /** Merges a journaled batch's windows into the live ones. */
    private void applyEvaluation(JsonObject entry) {
        JsonObject tasks = entry.getJsonObject("tasks");
        JsonObject per = entry.getJsonObject("windows");
        for (String m : per.fieldNames()) {
            tracker.model(m);
            taskOf.put(m, tasks.getString(m, "llm"));
            JsonObject ws = per.getJsonObject(m);
            windows.forEach((name, d) -> {
                String state = ws.getString(name);
                if (state != null) {
                    tracker.window(m, d).ifPresent(w -> w.merge(QualityWindow.fromJson(state, Clock.systemUTC())));
                }
            });
        }
    }

    /** Validates a batch and computes what it adds to each model's windows, on scratch windows of the same shape. */
    private JsonObject evaluationEntry(JsonObject body, Map<String, List<Score>> scored) {
        io.vertx.core.json.JsonArray a = QualityRequests.evaluationRecords(body);
        // parse and validate every record before anything is applied
        Map<String, EvaluationBatch> byModel = new LinkedHashMap<>();
        Map<String, String> tasks = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        long oldest = now - windows.values().stream().mapToLong(Duration::toMillis).max().orElse(0);
        int late = 0;
        for (int i = 0; i < a.size(); i++) {
            String at = "records[" + i + "]";
            if (!(a.getValue(i) instanceof JsonObject r)) {
                throw new ApiException(400, "invalid_record", at + " must be an object");
            }
            QualityRequests.Record rec = QualityRequests.record(r, at);
            String known = tasks.computeIfAbsent(rec.model(), m -> taskOf.getOrDefault(m, rec.task()));
            if (!known.equals(rec.task())) {
                throw new ApiException(422, "wrong_task", at + ": model '" + rec.model() + "' is a " + known + " model, this record is " + rec.task());
            }
            tasks.put(rec.model(), rec.task());
            if (rec.scores() != null) {
                // a conflict with the model's earlier scores only shows on the live windows: check it here,
                // or the batches of the models before this one would already be applied
                for (int j = 0; j < rec.scores().size(); j++) {
                    Score s = rec.scores().get(j);
                    dev.vitals.quality.ScoreKind was = tracker.scoreKind(rec.model(), s.name(), s.source());
                    if (was != null && was != s.kind()) {
                        throw new ApiException(400, "invalid_values", at + ".scores[" + j + "] (model '" + rec.model() + "'): score \""
                                + cut(s.name()) + "\" from " + s.source().wireName() + " is " + was.wireName() + ", got "
                                + s.kind().wireName());
                    }
                }
            }
            if (rec.time() != QualityRequests.NO_TIME && rec.time() < oldest) {
                late++; // validated like the others, but no window holds that time
                continue;
            }
            byModel.computeIfAbsent(rec.model(), m -> new EvaluationBatch()).add(rec, i);
        }
        // dry run on scratch accumulators, so a value the library rejects rejects the batch
        for (Map.Entry<String, EvaluationBatch> e : byModel.entrySet()) {
            QualityRecorder scratch = dev.vitals.quality.QualityStats.create(specs.getOrDefault(e.getKey(), QualitySpec.defaults()));
            try {
                e.getValue().applyTo(scratch);
            } catch (IllegalArgumentException ex) {
                throw new ApiException(400, "invalid_values", locate(e.getKey(), e.getValue(), ex));
            }
        }
        QualityTracker.Builder tb = QualityTracker.builder().windows(windows.values().toArray(new Duration[0]));
        specs.forEach(tb::spec);
        QualityTracker scratch = tb.build();
        JsonObject per = new JsonObject();
        long fresh = byModel.keySet().stream().filter(m -> !tracker.models().contains(m)).count();
        if (tracker.models().size() + fresh > MAX_MODELS) {
            throw new ApiException(422, "limit_reached", "quality is tracked for at most " + MAX_MODELS + " models; this batch adds "
                    + fresh + " to " + tracker.models().size());
        }
        for (Map.Entry<String, EvaluationBatch> e : byModel.entrySet()) {
            e.getValue().applyTo(scratch.model(e.getKey()));
            JsonObject ws = new JsonObject();
            windows.forEach((name, d) -> scratch.window(e.getKey(), d).ifPresent(w -> ws.put(name, w.toJson())));
            per.put(e.getKey(), ws);
            scored.put(e.getKey(), e.getValue().scores);
        }
        return new JsonObject().put("records", a.size()).put("late", late).put("tasks", new JsonObject(new LinkedHashMap<>(tasks))).put("windows", per);
    }

    /**
     * The message of a batch the library rejected, naming the record: the library counts rows within
     * one model's part of the batch, so the model's records are replayed one at a time on a fresh
     * scratch accumulator, and the first that fails is the bad one.
     */
    private String locate(String model, EvaluationBatch batch, IllegalArgumentException whole) {
        QualityRecorder scratch = dev.vitals.quality.QualityStats.create(specs.getOrDefault(model, QualitySpec.defaults()));
        for (int i = 0; i < batch.records.size(); i++) {
            EvaluationBatch one = new EvaluationBatch();
            one.add(batch.records.get(i), batch.indices.get(i));
            try {
                one.applyTo(scratch);
            } catch (IllegalArgumentException ex) {
                return "records[" + batch.indices.get(i) + "] (model '" + model + "'): "
                        + ex.getMessage().replaceFirst("^(row|score) 0: ", "");
            }
        }
        return "model '" + model + "': " + whole.getMessage();
    }

    // ---- reports and metrics -------------------------------------------------------------------

    /**
     * The fleet-wide report ({@code GET /v1/quality?scope=fleet}, the default on a shared store): this
     * replica's live window merged with the other replicas' windows as they last saved them (every
     * minute and on shutdown, so up to a minute old); says which replicas and since when. Blocking.
     */
    public JsonObject fleetReport(String model, String window) {
        if (replicaId == null) {
            return report(model, window).put("scope", "replica");
        }
        if (window == null) {
            window = windows.keySet().iterator().next();
        }
        Duration d = windows.get(window);
        if (d == null) {
            throw new ApiException(400, "invalid_window", "'window' must be one of " + windows.keySet() + ", got '" + cut(window) + "'");
        }
        if (model == null) {
            throw new ApiException(400, "missing_model", "'model' is required; models with quality data: " + tracker.models());
        }
        QualityWindow merged = null;
        if (tracker.models().contains(model)) {
            merged = tracker.window(model, d).map(w -> QualityWindow.fromJson(w.toJson(), Clock.systemUTC())).orElse(null);
        }
        io.vertx.core.json.JsonArray replicas = new io.vertx.core.json.JsonArray();
        if (merged != null) {
            replicas.add(new JsonObject().put("replica", replicaId).put("live", true));
        }
        for (String name : store.blobNames(BLOB + ".")) {
            String other = name.substring(BLOB.length() + 1);
            if (other.equals(replicaId)) {
                continue;
            }
            byte[] b = store.getBlob(name);
            try {
                JsonObject all = new JsonObject(new String(b, StandardCharsets.UTF_8));
                JsonObject per = all.getJsonObject(model);
                String state = per == null ? null : per.getString(window);
                QualityWindow w = state == null ? null : QualityWindow.fromJson(state, Clock.systemUTC());
                // plus what it acknowledged after that checkpoint: nothing is missing if it was killed since
                w = journalSince(other, all.getLong("__journal_seq", 0L), model, window, d, w);
                if (w == null) {
                    continue;
                }
                if (merged == null) {
                    merged = w;
                } else {
                    merged.merge(w);
                }
                replicas.add(new JsonObject().put("replica", other).put("saved_at", all.getLong("__saved_at")));
            } catch (RuntimeException e) {
                LOG.warning("quality windows of replica " + other + " skipped: " + e.getMessage());
            }
        }
        if (merged == null) {
            throw new ApiException(404, "unknown_model", "no quality data for model '" + cut(model) + "' on any replica");
        }
        try {
            return reports.json(merged.report()).put("model", model).put("window", window)
                    .put("task", taskOf.getOrDefault(model, "llm")).put("scope", "fleet").put("replicas", replicas);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Another replica's journal entries for {@code model} after {@code seq}, added to {@code w} (or a fresh window). */
    private QualityWindow journalSince(String other, long seq, String model, String window, Duration d, QualityWindow w) {
        QualityWindow out = w;
        for (dev.vitals.server.store.JournalEntry e : store.journal(other, JOURNAL_KINDS, seq, 100_000)) {
            JsonObject o = new JsonObject(e.payload());
            QualityWindow add = null;
            if (e.kind().equals("feedback") && model.equals(o.getString("model"))) {
                add = emptyWindow(model, d);
                add.addScores(QualityRequests.scores(o.getJsonObject("body")));
            } else if (e.kind().equals("evaluation") && o.getJsonObject("windows").containsKey(model)) {
                String st = o.getJsonObject("windows").getJsonObject(model).getString(window);
                add = st == null ? null : QualityWindow.fromJson(st, Clock.systemUTC());
            }
            if (add != null) {
                if (out == null) {
                    out = add;
                } else {
                    out.merge(add);
                }
            }
        }
        return out;
    }

    private QualityWindow emptyWindow(String model, Duration d) {
        QualityTracker.Builder tb = QualityTracker.builder().windows(windows.values().toArray(new Duration[0]));
        specs.forEach(tb::spec);
        QualityTracker t = tb.build();
        t.model(model);
        return t.window(model, d).orElseThrow();
    }

    /** Whether several replicas share the store. */
    public boolean shared() {
        return replicaId != null;
    }

    /** The report of a model over a window ({@code GET /v1/quality}). */
    public JsonObject report(String model, String window) {
        if (window == null) {
            window = windows.keySet().iterator().next();
        }
        Duration d = windows.get(window);
        if (d == null) {
            throw new ApiException(400, "invalid_window", "'window' must be one of " + windows.keySet() + ", got '" + cut(window) + "'");
        }
        if (model == null) {
            throw new ApiException(400, "missing_model", "'model' is required; models with quality data: " + tracker.models());
        }
        Optional<QualityReport> r = tracker.models().contains(model) ? tracker.report(model, d) : Optional.empty();
        if (r.isEmpty()) {
            throw new ApiException(404, "unknown_model", "no quality data for model '" + cut(model) + "'; models: " + tracker.models());
        }
        try {
            return reports.json(r.get()).put("model", model).put("window", window)
                    .put("task", taskOf.getOrDefault(model, "llm"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public java.util.Set<String> models() {
        return tracker.models();
    }

    /**
     * Every exported quality metric of the first window, for the baselines: model to {@code quality:<metric>} (each
     * {@code vitals_quality_<metric>} gauge) and {@code quality:score:<name>:<source>} (each score mean) to value.
     */
    public Map<String, Map<String, Double>> headline() {
        return reports.headline();
    }

    /** Takes one point of every model's headline metrics for the dashboard's history; called every minute. */
    public void sampleHistory(long nowMillis) {
        reports.sampleHistory(nowMillis);
    }

    /** {@code {timestamps, series}} of the history within {@code fromMillis}, for one model or all ({@code *}). */
    public JsonObject history(String model, long fromMillis) {
        return reports.history(model, fromMillis);
    }


    // ---- persistence ---------------------------------------------------------------------------

    /**
     * Saves every model's windows and tasks as a checkpoint, with the last journal entry they include, then
     * prunes the journal up to it; blocking. A restart restores the checkpoint and replays the entries after.
     */
    public void save() {
        JsonObject all = new JsonObject();
        long seq;
        synchronized (applyLock) {
            for (String m : tracker.models()) {
                JsonObject per = new JsonObject().put("task", taskOf.getOrDefault(m, "llm"));
                windows.forEach((name, d) -> tracker.window(m, d).ifPresent(w -> per.put(name, w.toJson())));
                all.put(m, per);
            }
            seq = appliedSeq;
        }
        all.put("__saved_at", System.currentTimeMillis());
        all.put("__journal_seq", seq);
        store.putBlob(blob, all.encode().getBytes(StandardCharsets.UTF_8));
        if (seq > 0) {
            store.pruneJournal(journalReplica, JOURNAL_KINDS, seq);
        }
    }

    /** Applies this replica's journal entries after the checkpoint's, in order: what was acknowledged since. */
    private void replay(long afterSeq) {
        long after = afterSeq;
        int n = 0;
        for (List<dev.vitals.server.store.JournalEntry> page; !(page = store.journal(journalReplica, JOURNAL_KINDS, after, 1000)).isEmpty(); ) {
            for (dev.vitals.server.store.JournalEntry e : page) {
                try {
                    JsonObject o = new JsonObject(e.payload());
                    if (e.kind().equals("feedback")) {
                        String model = o.getString("model");
                        List<Score> list = QualityRequests.scores(o.getJsonObject("body"));
                        applyJournaled(e.seq(), () -> tracker.model(model).addScores(list));
                    } else {
                        applyJournaled(e.seq(), () -> applyEvaluation(o));
                    }
                    n++;
                } catch (RuntimeException ex) {
                    LOG.warning("journal entry " + e.seq() + " (" + e.kind() + ") skipped: " + ex.getMessage());
                }
                after = e.seq();
            }
        }
        synchronized (applyLock) {
            appliedSeq = Math.max(appliedSeq, after);
        }
        if (n > 0) {
            LOG.info("quality: " + n + " journaled feedback and evaluation batches replayed after the checkpoint");
        }
    }

    private void restore() {
        byte[] b = store.getBlob(blob);
        long seq = 0;
        if (b != null) {
            seq = restoreCheckpoint(b);
        }
        replay(seq);
    }

    /** Restores a checkpoint; returns the last journal entry it includes. */
    private long restoreCheckpoint(byte[] b) {
        try {
            JsonObject all = new JsonObject(new String(b, StandardCharsets.UTF_8));
            all.remove("__saved_at");
            Object seq = all.remove("__journal_seq");
            for (String m : all.fieldNames()) {
                JsonObject per = all.getJsonObject(m);
                taskOf.put(m, per.getString("task", "llm"));
                tracker.model(m);
                windows.forEach((name, d) -> {
                    String state = per.getString(name);
                    if (state != null) {
                        tracker.window(m, d).ifPresent(w -> w.merge(QualityWindow.fromJson(state, Clock.systemUTC())));
                    }
                });
            }
            LOG.info("quality windows restored for " + all.size() + " models");
            return seq instanceof Number n ? n.longValue() : 0;
        } catch (RuntimeException e) {
            LOG.warning("stored quality windows ignored: " + e.getMessage());
            return 0;
        }
    }

    /** Deletes calls and feedback past retention; blocking. */
    public int applyRetention(int days) {
        return store.deleteBefore(System.currentTimeMillis() - days * 86_400_000L);
    }
}
