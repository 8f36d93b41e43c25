package dev.vitals.server.quality;

import static dev.vitals.server.api.ApiException.cut;

import dev.vitals.labels.LabelPolicy;
import dev.vitals.llm.CallListener;
import dev.vitals.llm.LlmCall;
import dev.vitals.quality.QualityRecorder;
import dev.vitals.quality.QualitySpec;
import dev.vitals.quality.QualityTracker;
import dev.vitals.quality.Score;

import dev.vitals.server.api.ApiException;
import dev.vitals.server.config.ConfigLoader;
import dev.vitals.server.config.VitalsConfig;
import dev.vitals.server.state.JournalReplay;
import dev.vitals.server.store.CallRow;
import dev.vitals.server.store.FeedbackRow;
import dev.vitals.server.store.GroupCommitter;
import dev.vitals.server.store.PendingJoin;
import dev.vitals.server.store.StateStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private final CallRows calls;
    private final long lateAfterMillis;
    private final QualityMeters meters;
    /** The reports, their cache, the vitals_quality_* gauges and the dashboard's history. */
    private final QualityReports reports;
    private final EvaluationValidator validator;
    private final QualityReads reads;

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
        this.meters = new QualityMeters(registry, () -> pendingCounts);
        this.calls = new CallRows(MAX_PENDING, registry);
        this.reports = new QualityReports(tracker, windows, registry);
        this.validator = new EvaluationValidator(tracker, windows, specs, taskOf);
        this.reads = new QualityReads(store, replicaId, tracker, windows, specs, taskOf);
    }

    // ---- gateway calls -------------------------------------------------------------------------

    @Override
    public void onCall(LlmCall c) {
        if (c.requestId() == null) {
            return;
        }
        if (calls.offer(new CallRow(c.requestId(), c.model(), System.currentTimeMillis(), null, Double.NaN))) {
            // a gateway model is an LLM model; remembered for at most MAX_MODELS models, as quality is tracked,
            // so that a stream of new model names cannot grow this map without end (llm is also the default)
            if (taskOf.size() < MAX_MODELS) {
                taskOf.putIfAbsent(c.model(), "llm");
            }
        }
    }

    /** How many models have a known task (bounded by {@value #MAX_MODELS} plus those evaluations added). */
    public int knownTasks() {
        return taskOf.size();
    }

    /** Writes queued calls; blocking. */
    public void flushCalls() {
        calls.flush(writer);
    }

    // ---- feedback ------------------------------------------------------------------------------

    /**
     * Applies one feedback ({@code POST /v1/feedback}); blocking. It is stored with its scores (and
     * journaled) before it is applied and before this returns: the caller's 2xx means stored. Feedback
     * for a request id no replica has written yet is stored as pending and joins when the call's row arrives.
     */
    public FeedbackResult feedback(QualityRequests.Feedback parsed) {
        try {
            return feedbackOnce(parsed);
        } catch (ApiException e) {
            rejected(e);
            throw e;
        }
    }

    /** Counts a refused feedback: one {@link QualityRequests#feedback} refused, or {@link #feedback} did. */
    public void rejected(ApiException e) {
        meters.feedback.labels(e.status() == 404 ? "unknown_call" : "rejected").inc();
    }

    private FeedbackResult feedbackOnce(QualityRequests.Feedback parsed) {
        String body = parsed.body();
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

    private FeedbackResult feedbackStored(String body, String requestId, String feedbackId, List<Score> list) {
        FeedbackRow existing = store.findFeedback(feedbackId);
        if (existing != null) {
            return duplicate(existing.payload(), body, feedbackId, existing.model(), "ok");
        }
        PendingJoin parked = store.findPending("feedback", feedbackId);
        if (parked != null) {
            return duplicate(parked.payload(), body, feedbackId, null,
                    PendingJoin.EXPIRED.equals(parked.state()) ? "unknown_call" : "pending");
        }
        CallRow call = calls.find(requestId, store);
        if (call == null) {
            if (pendingCounts.getOrDefault(PendingJoin.PENDING, 0L) >= maxPending) {
                throw new ApiException(404, "unknown_request_id", "no call with request id '" + cut(requestId)
                        + "', and " + maxPending + " feedback wait for their calls already (quality.maxPending)");
            }
            long now = System.currentTimeMillis();
            boolean stored = writer.write(tx -> tx.park(new PendingJoin(0, "feedback", requestId, feedbackId, body, now,
                    now + pendingGraceMillis, PendingJoin.PENDING, journalReplica)), null);
            if (!stored) { // another replica stored the same feedback id meanwhile
                return feedbackStored(body, requestId, feedbackId, list);
            }
            meters.feedback.labels("pending").inc();
            return new FeedbackResult(null, false, false, "pending");
        }
        String task = taskOf.getOrDefault(call.model(), "llm");
        if (!task.equals("llm")) {
            throw new ApiException(422, "wrong_task", "model '" + call.model() + "' is a " + task + " model; scores are for LLM calls");
        }
        validator.check(call.model(), list, applyLock);
        long seq = journalFeedback(call, feedbackId, body, list, -1);
        if (seq < 0) {
            return feedbackStored(body, requestId, feedbackId, list); // stored by another replica meanwhile
        }
        return joined(call, list);
    }

    private FeedbackResult duplicate(String storedPayload, String body, String feedbackId, String model, String status) {
        if (!QualityRequests.sameJson(storedPayload, body)) {
            throw new ApiException(409, "feedback_id_conflict", "feedback id '" + cut(feedbackId)
                    + "' was used before with a different body");
        }
        meters.feedback.labels("duplicate").inc();
        return new FeedbackResult(model, true, false, status);
    }

    /**
     * Stores the feedback row and its journal entry in one group commit (taking the pending item
     * {@code pendingId} in the same transaction when it is one), then applies the scores.
     *
     * @return the journal sequence number, or -1 when the feedback id was stored already (nothing applied)
     */
    private long journalFeedback(CallRow call, String feedbackId, String body, List<Score> list, long pendingId) {
        String entry = QualityJournal.feedback(call.model(), body);
        return writer.write(tx -> {
            if (pendingId >= 0 && !tx.claim(pendingId)) {
                return -1L;
            }
            if (!tx.insertFeedback(new FeedbackRow(feedbackId, call.requestId(), call.model(), System.currentTimeMillis(), body))) {
                return -1L;
            }
            return tx.journal(journalReplica, QualityJournal.FEEDBACK, entry);
        }, seq -> {
            if (seq > 0) {
                applyJournaled(seq, () -> tracker.model(call.model()).addScores(list));
            }
        });
    }

    private FeedbackResult joined(CallRow call, List<Score> list) {
        boolean late = System.currentTimeMillis() - call.timeMillis() > lateAfterMillis;
        meters.feedback.labels(late ? "late" : "joined").inc();
        meters.observeScores(call.model(), list);
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
            meters.feedback.labels("unknown_call").inc(expired);
        }
        for (PendingJoin p : store.joinable("feedback", "calls", "request_id", 500)) {
            CallRow call = store.findCall(p.joinKey());
            try {
                List<Score> list = QualityJournal.pendingScores(p.payload());
                if (!"llm".equals(taskOf.getOrDefault(call.model(), "llm"))) {
                    throw new ApiException(422, "wrong_task", "not an LLM model");
                }
                validator.check(call.model(), list, applyLock);
                if (journalFeedback(call, p.itemId(), p.payload(), list, p.id()) > 0) {
                    joined(call, list);
                }
            } catch (ApiException e) {
                // valid when accepted, not against this call (its model's task or score kinds): dropped, counted
                if (writer.write(tx -> tx.claim(p.id()), null)) {
                    meters.feedback.labels("rejected").inc();
                    LOG.warning("pending feedback " + cut(p.itemId()) + " cannot join call " + cut(p.joinKey()) + ": " + e.getMessage());
                }
            }
        }
        pendingCounts = store.pendingCounts("feedback");
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

    /** The state of one feedback id ({@code GET /v1/feedback?feedback_id=}): applied, pending, unknown_call, or 404. */
    public QualityResults.FeedbackStatus feedbackStatus(String feedbackId) {
        return reads.feedbackStatus(feedbackId);
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
    public EvaluationResult evaluations(List<QualityRequests.Record> records) {
        QualityJournal.EvaluationEntry entry;
        Map<String, List<Score>> scored = new LinkedHashMap<>();
        synchronized (applyLock) {
            entry = validator.entry(records, scored);
        }
        String payload = QualityJournal.evaluation(entry);
        writer.write(tx -> tx.journal(journalReplica, QualityJournal.EVALUATION, payload),
                seq -> applyJournaled(seq, () -> applyEvaluation(entry)));
        scored.forEach(meters::observeScores);
        int late = entry.late();
        meters.evaluationsLate.inc(late);
        reports.invalidate();
        return new EvaluationResult(entry.records() - late, late);
    }

    /** Merges a journaled batch's windows into the live ones. */
    private void applyEvaluation(QualityJournal.EvaluationEntry entry) {
        entry.windows().forEach((m, ws) -> {
            tracker.model(m);
            taskOf.put(m, entry.tasks().getOrDefault(m, "llm"));
            QualityCheckpoint.merge(tracker, windows, m, ws);
        });
    }

    // ---- reports and metrics -------------------------------------------------------------------

    /**
     * The fleet-wide report ({@code GET /v1/quality?scope=fleet}, the default on a shared store): this
     * replica's live window merged with the other replicas' windows as they last saved them (every
     * minute and on shutdown, so up to a minute old); says which replicas and since when. Blocking.
     */
    public QualityResults.Report fleetReport(String model, String window) {
        if (replicaId == null) {
            return report(model, window);
        }
        return reads.fleet(model, window);
    }

    /** Whether several replicas share the store. */
    public boolean shared() {
        return replicaId != null;
    }

    /** The report of a model over a window ({@code GET /v1/quality}). */
    public QualityResults.Report report(String model, String window) {
        return reads.local(model, window);
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

    /** The dashboard's history within {@code fromMillis}, for one model or all ({@code *}). */
    public dev.vitals.server.state.HistoryRing.Snapshot history(String model, long fromMillis) {
        return reports.history(model, fromMillis);
    }


    // ---- persistence ---------------------------------------------------------------------------

    /**
     * Saves every model's windows and tasks as a checkpoint, with the last journal entry they include, then
     * prunes the journal up to it; blocking. A restart restores the checkpoint and replays the entries after.
     */
    public void save() {
        byte[] checkpoint;
        long seq;
        synchronized (applyLock) {
            seq = appliedSeq;
            checkpoint = QualityCheckpoint.encode(tracker, windows, taskOf, System.currentTimeMillis(), seq);
        }
        store.putBlob(blob, checkpoint);
        if (seq > 0) {
            store.pruneJournal(journalReplica, QualityJournal.KINDS, seq);
        }
    }

    /** Applies this replica's journal entries after the checkpoint's, in order: what was acknowledged since. */
    private void replay(long afterSeq) {
        long after = JournalReplay.replay(store, journalReplica, QualityJournal.KINDS, afterSeq, e -> {
            QualityJournal.Entry entry = QualityJournal.decode(e);
            if (entry instanceof QualityJournal.FeedbackEntry f) {
                applyJournaled(e.seq(), () -> tracker.model(f.model()).addScores(f.scores()));
            } else {
                applyJournaled(e.seq(), () -> applyEvaluation((QualityJournal.EvaluationEntry) entry));
            }
        }, LOG, "quality: %d journaled feedback and evaluation batches");
        synchronized (applyLock) {
            appliedSeq = Math.max(appliedSeq, after);
        }
    }

    /** Restores the checkpoint and replays the journal after it; blocking, once, before the server serves. */
    public void restore() {
        byte[] b = store.getBlob(blob);
        long seq = 0;
        if (b != null) {
            seq = QualityCheckpoint.decode(b, tracker, windows, taskOf);
        }
        replay(seq);
        if (replicaId != null) {
            save(); // a checkpoint at once, so the fleet report finds this replica's journal even if it dies within a minute
        }
    }

    /** Deletes calls and feedback past retention; blocking. */
    public int applyRetention(int days) {
        return store.deleteBefore(System.currentTimeMillis() - days * 86_400_000L);
    }
}
