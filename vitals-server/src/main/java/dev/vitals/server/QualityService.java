package dev.vitals.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.vitals.labels.LabelPolicy;
import dev.vitals.labels.SeriesLimiter;
import dev.vitals.llm.CallListener;
import dev.vitals.llm.LlmCall;
import dev.vitals.quality.ClassificationReport;
import dev.vitals.quality.Prediction;
import dev.vitals.quality.QualityRecorder;
import dev.vitals.quality.QualityReport;
import dev.vitals.quality.QualitySpec;
import dev.vitals.quality.QualityTracker;
import dev.vitals.quality.QualityWindow;
import dev.vitals.quality.RegressionReport;
import dev.vitals.quality.Score;
import dev.vitals.quality.ScoreSummary;
import dev.vitals.server.config.ConfigLoader;
import dev.vitals.server.config.VitalsConfig;
import dev.vitals.store.CallRow;
import dev.vitals.store.FeedbackRow;
import dev.vitals.store.StateStore;
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
import java.util.function.Function;
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

    /** The outcome of one feedback. */
    public record FeedbackResult(String model, boolean duplicate, boolean late) {
    }

    private final StateStore store;
    private final String replicaId;
    private final String blob;
    private final QualityTracker tracker;
    private final Map<String, Duration> windows = new LinkedHashMap<>();
    private final Map<String, QualitySpec> specs = new ConcurrentHashMap<>();
    private final Map<String, String> taskOf = new ConcurrentHashMap<>();
    private final Map<String, CallRow> pending = new ConcurrentHashMap<>();
    private final ArrayBlockingQueue<CallRow> queue = new ArrayBlockingQueue<>(MAX_PENDING);
    private final long lateAfterMillis;
    private final Counter feedback;
    private final Counter dropped;
    private final Histogram scores;
    private final SeriesLimiter scoreSeries;
    private final ObjectMapper json;
    private volatile Map<String, Map<String, QualityReport>> cached = Map.of();
    private volatile long cachedAt;

    public QualityService(VitalsConfig.Quality cfg, StateStore store, PrometheusRegistry registry, LabelPolicy policy) {
        this(cfg, store, registry, policy, null);
    }

    /**
     * @param replicaId this replica's name when the store is shared by several replicas: its windows
     *                  are saved under it, and {@link #report} can merge every replica's (null: alone)
     */
    public QualityService(VitalsConfig.Quality cfg, StateStore store, PrometheusRegistry registry, LabelPolicy policy,
                          String replicaId) {
        this.store = store;
        this.replicaId = replicaId;
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
        this.feedback = Counter.builder().name("vitals_feedback_total")
                .help("Feedback received, by outcome: joined (applied to its call), late (joined a call older than quality.lateAfterHours), "
                        + "unknown_call, duplicate (same feedback id again, not applied twice), rejected (invalid).")
                .labelNames("outcome").register(registry);
        this.dropped = Counter.builder().name("vitals_quality_calls_dropped_total")
                .help("Gateway calls not kept for delayed feedback because the write queue was full.").register(registry);
        this.scores = Histogram.builder().name("vitals_quality_score")
                .help("Numeric quality scores as they arrive (feedback and evaluations).")
                .classicOnly().classicUpperBounds(0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 2, 3, 4, 5, 7, 10)
                .labelNames("model", "name", "source").register(registry);
        this.scoreSeries = policy.limiter("vitals_quality_score", 2000);
        gauges(registry);
        SimpleModule m = new SimpleModule();
        m.addSerializer(Double.class, new StdSerializer<>(Double.class) {
            @Override
            public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
                if (Double.isFinite(v)) {
                    g.writeNumber(v);
                } else {
                    g.writeNull();
                }
            }
        });
        m.addSerializer(double.class, new StdSerializer<>(double.class) {
            @Override
            public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
                if (Double.isFinite(v)) {
                    g.writeNumber(v);
                } else {
                    g.writeNull();
                }
            }
        });
        this.json = new ObjectMapper().registerModule(m);
        restore();
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
            taskOf.putIfAbsent(c.model(), "llm");
        } else {
            pending.remove(row.requestId());
            dropped.inc();
        }
    }

    /** Writes queued calls; blocking. */
    public void flushCalls() {
        List<CallRow> batch = new ArrayList<>();
        queue.drainTo(batch, 10_000);
        if (batch.isEmpty()) {
            return;
        }
        store.insertCalls(batch);
        batch.forEach(r -> pending.remove(r.requestId()));
    }

    private CallRow findCall(String requestId) {
        CallRow r = pending.get(requestId);
        return r != null ? r : store.findCall(requestId);
    }

    // ---- feedback ------------------------------------------------------------------------------

    /** Applies one feedback ({@code POST /v1/feedback}); blocking. */
    public synchronized FeedbackResult feedback(JsonObject body) {
        try {
            return feedbackUnlocked(body);
        } catch (ApiException e) {
            feedback.labelValues(e.status() == 404 ? "unknown_call" : "rejected").inc();
            throw e;
        }
    }

    private FeedbackResult feedbackUnlocked(JsonObject body) {
        for (String f : body.fieldNames()) {
            if (!List.of("request_id", "feedback_id", "score", "scores").contains(f)) {
                throw new ApiException(400, "unknown_field", "unknown field '" + cut(f) + "'; allowed: request_id, feedback_id, score, scores");
            }
        }
        String requestId = string(body, "request_id", true);
        String feedbackId = string(body, "feedback_id", true);
        List<Score> list = new ArrayList<>();
        if (body.containsKey("score")) {
            list.add(score(body.getValue("score"), "score"));
        }
        if (body.containsKey("scores")) {
            if (!(body.getValue("scores") instanceof io.vertx.core.json.JsonArray a) || a.isEmpty() || a.size() > 100) {
                throw new ApiException(400, "invalid_scores", "'scores' must be an array of 1 to 100 scores");
            }
            for (int i = 0; i < a.size(); i++) {
                list.add(score(a.getValue(i), "scores[" + i + "]"));
            }
        }
        if (list.isEmpty()) {
            throw new ApiException(400, "missing_score", "feedback needs 'score' or 'scores'");
        }
        CallRow call = findCall(requestId);
        if (call == null) {
            throw new ApiException(404, "unknown_request_id", "no call with request id '" + cut(requestId)
                    + "' (unknown, or older than quality.retentionDays)");
        }
        String payload = body.encode();
        FeedbackRow existing = store.findFeedback(feedbackId);
        if (existing != null) {
            if (!sameJson(existing.payload(), body)) {
                throw new ApiException(409, "feedback_id_conflict", "feedback id '" + cut(feedbackId)
                        + "' was used before with a different body");
            }
            feedback.labelValues("duplicate").inc();
            return new FeedbackResult(call.model(), true, false);
        }
        String task = taskOf.getOrDefault(call.model(), "llm");
        if (!task.equals("llm")) {
            throw new ApiException(422, "wrong_task", "model '" + call.model() + "' is a " + task + " model; scores are for LLM calls");
        }
        apply(call.model(), r -> r.addScores(list));
        store.insertFeedback(new FeedbackRow(feedbackId, requestId, call.model(), System.currentTimeMillis(), payload));
        boolean late = System.currentTimeMillis() - call.timeMillis() > lateAfterMillis;
        feedback.labelValues(late ? "late" : "joined").inc();
        observeScores(call.model(), list);
        return new FeedbackResult(call.model(), false, late);
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
        cachedAt = 0;
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

    /** Checks a change on a scratch accumulator of the model's spec, then applies it to the live windows. */
    private void apply(String model, java.util.function.Consumer<QualityRecorder> change) {
        QualityRecorder scratch = dev.vitals.quality.QualityStats.create(specs.getOrDefault(model, QualitySpec.defaults()));
        try {
            change.accept(scratch);
            change.accept(tracker.model(model));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_values", e.getMessage());
        }
        cachedAt = 0;
    }

    private void observeScores(String model, List<Score> list) {
        for (Score s : list) {
            if (s.kind() == dev.vitals.quality.ScoreKind.NUMERIC) {
                String[] l = scoreSeries.admit(model, s.name(), s.source().wireName());
                scores.labelValues(l).observe(s.number());
            }
        }
    }

    private static Score score(Object v, String at) {
        if (!(v instanceof JsonObject o)) {
            throw new ApiException(400, "invalid_score", at + " must be an object {\"name\", \"value\", \"source\"}");
        }
        for (String f : o.fieldNames()) {
            if (!List.of("name", "value", "source").contains(f)) {
                throw new ApiException(400, "invalid_score", at + ": unknown field '" + cut(f) + "'; allowed: name, value, source");
            }
        }
        if (!(o.getValue("name") instanceof String name) || name.isBlank() || name.length() > 64) {
            throw new ApiException(400, "invalid_score", at + ".name must be a string of 1 to 64 characters");
        }
        String src = o.getValue("source") instanceof String s ? s : null;
        dev.vitals.quality.ScoreSource source;
        try {
            source = dev.vitals.quality.ScoreSource.parse(src == null ? "" : src);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_score", at + ".source must be one of human, llm_judge, code");
        }
        Object value = o.getValue("value");
        if (value instanceof Boolean b) {
            return Score.bool(name, source, b);
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) {
                throw new ApiException(400, "invalid_score", at + ".value must be finite");
            }
            return Score.numeric(name, source, d);
        }
        if (value instanceof String s && !s.isEmpty() && s.length() <= 64) {
            if (nonFiniteSpelling(s)) {
                throw new ApiException(400, "invalid_score", at + ".value must be a finite number, a boolean or a category, got '" + s + "'");
            }
            return Score.category(name, source, s);
        }
        throw new ApiException(400, "invalid_score", at + ".value must be a number, a boolean or a string of 1 to 64 characters");
    }

    /**
     * A string that spells a non-finite number, which JSON cannot carry as one: NaN and Infinity as
     * JavaScript and Java write them, nan and inf as Python and numpy do, with or without a sign.
     */
    static boolean nonFiniteSpelling(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.startsWith("+") || t.startsWith("-")) {
            t = t.substring(1);
        }
        return t.equals("nan") || t.equals("inf") || t.contains("infinity");
    }

    private static String string(JsonObject o, String field, boolean required) {
        Object v = o.getValue(field);
        if (v == null && !required) {
            return null;
        }
        if (!(v instanceof String s) || s.isEmpty() || s.length() > 128) {
            throw new ApiException(400, "invalid_" + field, "'" + field + "' must be a string of 1 to 128 characters");
        }
        return s;
    }

    static String cut(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    // ---- evaluations ---------------------------------------------------------------------------

    /** Applies a batch of evaluation records ({@code POST /v1/evaluations}); all or nothing. Returns records applied. */
    public synchronized int evaluations(JsonObject body) {
        if (!(body.getValue("records") instanceof io.vertx.core.json.JsonArray a) || a.isEmpty()) {
            throw new ApiException(400, "invalid_records", "'records' must be a non-empty array");
        }
        if (a.size() > 10_000) {
            throw new ApiException(413, "batch_too_large", "a batch holds at most 10000 records, got " + a.size());
        }
        if (body.size() != 1) {
            throw new ApiException(400, "invalid_records", "the body has only the field 'records'");
        }
        // parse and validate every record before anything is applied
        Map<String, Batch> byModel = new LinkedHashMap<>();
        Map<String, String> tasks = new LinkedHashMap<>();
        for (int i = 0; i < a.size(); i++) {
            String at = "records[" + i + "]";
            if (!(a.getValue(i) instanceof JsonObject r)) {
                throw new ApiException(400, "invalid_record", at + " must be an object");
            }
            Record rec = record(r, at);
            String known = tasks.computeIfAbsent(rec.model, m -> taskOf.getOrDefault(m, rec.task));
            if (!known.equals(rec.task)) {
                throw new ApiException(422, "wrong_task", at + ": model '" + rec.model + "' is a " + known + " model, this record is " + rec.task);
            }
            tasks.put(rec.model, rec.task);
            if (rec.scores != null) {
                // a conflict with the model's earlier scores only shows on the live windows: check it here,
                // or the batches of the models before this one would already be applied
                for (int j = 0; j < rec.scores.size(); j++) {
                    Score s = rec.scores.get(j);
                    dev.vitals.quality.ScoreKind was = tracker.scoreKind(rec.model, s.name(), s.source());
                    if (was != null && was != s.kind()) {
                        throw new ApiException(400, "invalid_values", at + ".scores[" + j + "] (model '" + rec.model + "'): score \""
                                + cut(s.name()) + "\" from " + s.source().wireName() + " is " + was.wireName() + ", got "
                                + s.kind().wireName());
                    }
                }
            }
            byModel.computeIfAbsent(rec.model, m -> new Batch()).add(rec, i);
        }
        // dry run on scratch accumulators, so a value the library rejects rejects the batch
        for (Map.Entry<String, Batch> e : byModel.entrySet()) {
            QualityRecorder scratch = dev.vitals.quality.QualityStats.create(specs.getOrDefault(e.getKey(), QualitySpec.defaults()));
            try {
                e.getValue().applyTo(scratch);
            } catch (IllegalArgumentException ex) {
                throw new ApiException(400, "invalid_values", locate(e.getKey(), e.getValue(), ex));
            }
        }
        for (Map.Entry<String, Batch> e : byModel.entrySet()) {
            try {
                e.getValue().applyTo(tracker.model(e.getKey()));
            } catch (IllegalArgumentException ex) {
                // only a cap reached by the live windows (labels, models) can get here
                throw new ApiException(422, "limit_reached", "model '" + e.getKey() + "': " + ex.getMessage()
                        + " (records of earlier models in this batch were applied)");
            }
            taskOf.put(e.getKey(), tasks.get(e.getKey()));
            List<Score> sc = e.getValue().scores;
            observeScores(e.getKey(), sc);
        }
        cachedAt = 0;
        return a.size();
    }

    /**
     * The message of a batch the library rejected, naming the record: the library counts rows within
     * one model's part of the batch, so the model's records are replayed one at a time on a fresh
     * scratch accumulator, and the first that fails is the bad one.
     */
    private String locate(String model, Batch batch, IllegalArgumentException whole) {
        QualityRecorder scratch = dev.vitals.quality.QualityStats.create(specs.getOrDefault(model, QualitySpec.defaults()));
        for (int i = 0; i < batch.records.size(); i++) {
            Batch one = new Batch();
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

    private record Record(String model, String task, Prediction prediction, double actualValue, double predictedValue,
                          List<Score> scores, String candidate, List<String> references) {
    }

    private static final class Batch {
        final List<Prediction> predictions = new ArrayList<>();
        final List<double[]> regressions = new ArrayList<>();
        final List<Score> scores = new ArrayList<>();
        final List<String> candidates = new ArrayList<>();
        final List<List<String>> references = new ArrayList<>();
        final List<Record> records = new ArrayList<>();
        final List<Integer> indices = new ArrayList<>();

        void add(Record r, int index) {
            records.add(r);
            indices.add(index);
            switch (r.task) {
                case "classification" -> predictions.add(r.prediction);
                case "regression" -> regressions.add(new double[] {r.actualValue, r.predictedValue});
                case "llm" -> {
                    if (r.scores != null) {
                        scores.addAll(r.scores);
                    }
                    if (r.candidate != null) {
                        candidates.add(r.candidate);
                        references.add(r.references);
                    }
                }
                default -> throw new IllegalStateException(r.task);
            }
        }

        void applyTo(QualityRecorder q) {
            if (!predictions.isEmpty()) {
                q.addClassification(predictions);
            }
            if (!regressions.isEmpty()) {
                double[] act = new double[regressions.size()];
                double[] pred = new double[regressions.size()];
                for (int i = 0; i < act.length; i++) {
                    act[i] = regressions.get(i)[0];
                    pred[i] = regressions.get(i)[1];
                }
                q.addRegression(act, pred, act.length);
            }
            if (!scores.isEmpty()) {
                q.addScores(scores);
            }
            if (!candidates.isEmpty()) {
                q.addTexts(candidates, references);
            }
        }
    }

    private static final java.util.Set<String> RECORD_FIELDS = java.util.Set.of("model", "time", "predicted", "actual", "score",
            "probabilities", "scores", "candidate", "references");

    private static Record record(JsonObject r, String at) {
        for (String f : r.fieldNames()) {
            if (!RECORD_FIELDS.contains(f)) {
                throw new ApiException(400, "invalid_record", at + ": unknown field '" + cut(f) + "'; allowed: " + new java.util.TreeSet<>(RECORD_FIELDS));
            }
        }
        if (!(r.getValue("model") instanceof String model) || model.isBlank() || model.length() > 256) {
            throw new ApiException(400, "invalid_record", at + ".model must be a string of 1 to 256 characters");
        }
        if (r.containsKey("time")) {
            if (!(r.getValue("time") instanceof Number t)) {
                throw new ApiException(400, "invalid_record", at + ".time must be epoch milliseconds");
            }
            long now = System.currentTimeMillis();
            if (t.longValue() > now + 300_000 || t.longValue() < now - 30L * 86_400_000) {
                throw new ApiException(400, "invalid_time", at + ".time is more than 5 minutes in the future or 30 days in the past");
            }
        }
        Object pred = r.getValue("predicted");
        Object act = r.getValue("actual");
        if (r.containsKey("scores") || r.containsKey("candidate")) {
            List<Score> sc = null;
            if (r.containsKey("scores")) {
                if (!(r.getValue("scores") instanceof io.vertx.core.json.JsonArray a) || a.isEmpty() || a.size() > 100) {
                    throw new ApiException(400, "invalid_record", at + ".scores must be an array of 1 to 100 scores");
                }
                sc = new ArrayList<>();
                for (int i = 0; i < a.size(); i++) {
                    sc.add(score(a.getValue(i), at + ".scores[" + i + "]"));
                }
            }
            String cand = null;
            List<String> refs = null;
            if (r.containsKey("candidate")) {
                if (!(r.getValue("candidate") instanceof String c) || c.length() > 100_000) {
                    throw new ApiException(400, "invalid_record", at + ".candidate must be a string");
                }
                cand = c;
                if (!(r.getValue("references") instanceof io.vertx.core.json.JsonArray ra) || ra.isEmpty() || ra.size() > 16
                        || ra.stream().anyMatch(x -> !(x instanceof String))) {
                    throw new ApiException(400, "invalid_record", at + ".references must be an array of 1 to 16 strings");
                }
                refs = ra.stream().map(x -> (String) x).toList();
            }
            return new Record(model, "llm", null, Double.NaN, Double.NaN, sc, cand, refs);
        }
        if (pred instanceof Number p && act instanceof Number q) {
            if (!Double.isFinite(p.doubleValue()) || !Double.isFinite(q.doubleValue())) {
                throw new ApiException(400, "invalid_record", at + ": predicted and actual must be finite");
            }
            if (r.containsKey("score") || r.containsKey("probabilities")) {
                throw new ApiException(400, "invalid_record", at + ": a regression record has no score or probabilities");
            }
            return new Record(model, "regression", null, q.doubleValue(), p.doubleValue(), null, null, null);
        }
        if (pred instanceof String p && act instanceof String q && !p.isEmpty() && !q.isEmpty() && p.length() <= 256 && q.length() <= 256) {
            Prediction prediction;
            Object score = r.getValue("score");
            Object probs = r.getValue("probabilities");
            if (score != null && probs != null) {
                throw new ApiException(400, "invalid_record", at + ": give 'score' or 'probabilities', not both");
            }
            if (score != null) {
                if (!(score instanceof Number n)) {
                    throw new ApiException(400, "invalid_record", at + ".score must be a number in [0, 1]");
                }
                prediction = Prediction.of(q, p, n.doubleValue());
            } else if (probs != null) {
                if (!(probs instanceof JsonObject po) || po.isEmpty() || po.size() > 1000) {
                    throw new ApiException(400, "invalid_record", at + ".probabilities must be an object of label to probability");
                }
                Map<String, Double> m = new LinkedHashMap<>();
                for (String k : po.fieldNames()) {
                    if (!(po.getValue(k) instanceof Number n)) {
                        throw new ApiException(400, "invalid_record", at + ".probabilities." + cut(k) + " must be a number");
                    }
                    m.put(k, n.doubleValue());
                }
                prediction = Prediction.of(q, p, m);
            } else {
                prediction = Prediction.of(q, p);
            }
            return new Record(model, "classification", prediction, Double.NaN, Double.NaN, null, null, null);
        }
        throw new ApiException(400, "invalid_record", at + " needs predicted and actual (two strings: classification; two numbers: "
                + "regression), or scores, or candidate and references");
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
                if (state == null) {
                    continue;
                }
                QualityWindow w = QualityWindow.fromJson(state, Clock.systemUTC());
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
            return new JsonObject(json.writeValueAsString(merged.report())).put("model", model).put("window", window)
                    .put("task", taskOf.getOrDefault(model, "llm")).put("scope", "fleet").put("replicas", replicas);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
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
            return new JsonObject(json.writeValueAsString(r.get())).put("model", model).put("window", window)
                    .put("task", taskOf.getOrDefault(model, "llm"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public java.util.Set<String> models() {
        return tracker.models();
    }

    private Map<String, Map<String, QualityReport>> reports() {
        long now = System.currentTimeMillis();
        if (now - cachedAt > 5_000) {
            Map<String, Map<String, QualityReport>> out = new LinkedHashMap<>();
            for (String m : tracker.models()) {
                Map<String, QualityReport> per = new LinkedHashMap<>();
                windows.forEach((name, d) -> tracker.report(m, d).ifPresent(r -> per.put(name, r)));
                out.put(m, per);
            }
            cached = out;
            cachedAt = now;
        }
        return cached;
    }

    private void gauges(PrometheusRegistry registry) {
        gauge(registry, "vitals_quality_accuracy", "Classification accuracy per model and window.",
                r -> r.classification() == null ? Double.NaN : r.classification().accuracy());
        gauge(registry, "vitals_quality_precision_macro", "Macro-averaged precision.",
                r -> cls(r, c -> c.macro().precision()));
        gauge(registry, "vitals_quality_recall_macro", "Macro-averaged recall.", r -> cls(r, c -> c.macro().recall()));
        gauge(registry, "vitals_quality_f1_macro", "Macro-averaged F1.", r -> cls(r, c -> c.macro().f1()));
        gauge(registry, "vitals_quality_f1_weighted", "Support-weighted F1.", r -> cls(r, c -> c.weighted().f1()));
        gauge(registry, "vitals_quality_roc_auc", "ROC AUC (binary, or one-vs-rest macro).", r -> cls(r, ClassificationReport::rocAuc));
        gauge(registry, "vitals_quality_log_loss", "Log loss of the class probabilities.", r -> cls(r, ClassificationReport::logLoss));
        gauge(registry, "vitals_quality_rmse", "Regression RMSE.", r -> reg(r, RegressionReport::rmse));
        gauge(registry, "vitals_quality_mae", "Regression MAE.", r -> reg(r, RegressionReport::mae));
        gauge(registry, "vitals_quality_mape", "Regression MAPE (scikit-learn's definition).", r -> reg(r, RegressionReport::mape));
        gauge(registry, "vitals_quality_r2", "Regression R².", r -> reg(r, RegressionReport::r2));
        gauge(registry, "vitals_quality_hallucination_rate", "Share of hallucination=true scores.",
                r -> r.scores() == null || r.scores().hallucination() == null ? Double.NaN : r.scores().hallucination().value());
        gauge(registry, "vitals_quality_safety_flag_rate", "Share of responses flagged unsafe.",
                r -> r.scores() == null || r.scores().safetyFlag() == null ? Double.NaN : r.scores().safetyFlag().value());
        gauge(registry, "vitals_quality_perplexity", "Perplexity of the output tokens whose log-probabilities the backend returned.",
                r -> r.text() == null || r.text().tokens() == 0 ? Double.NaN : r.text().perplexity());
        gauge(registry, "vitals_quality_bleu", "Corpus BLEU of candidates against references.",
                r -> r.text() == null ? Double.NaN : r.text().bleu());
        GaugeWithCallback.builder().name("vitals_quality_score_mean")
                .help("Mean of a numeric quality score (or true-rate of a boolean one) per model, window, name and source.")
                .labelNames("model", "window", "name", "source")
                .callback(cb -> {
                    // label sets past the cap fold into one __overflow__ set: emit it once, not once per folded series
                    java.util.Set<java.util.List<String>> emitted = new java.util.HashSet<>();
                    reports().forEach((m, per) -> per.forEach((w, r) -> {
                    if (r.scores() == null) {
                        return;
                    }
                    for (ScoreSummary s : r.scores().scores()) {
                        double v = s.kind() == dev.vitals.quality.ScoreKind.NUMERIC ? s.mean()
                                : s.kind() == dev.vitals.quality.ScoreKind.BOOLEAN ? s.trueRate() : Double.NaN;
                        String[] l = scoreSeries.admit(m, s.name(), s.source().wireName());
                        if (Double.isFinite(v) && emitted.add(java.util.List.of(l[0], w, l[1], l[2]))) {
                            cb.call(v, l[0], w, l[1], l[2]);
                        }
                    }
                    }));
                }).register(registry);
    }

    private static double cls(QualityReport r, java.util.function.ToDoubleFunction<ClassificationReport> f) {
        return r.classification() == null || r.classification().count() == 0 ? Double.NaN : f.applyAsDouble(r.classification());
    }

    private static double reg(QualityReport r, java.util.function.ToDoubleFunction<RegressionReport> f) {
        return r.regression() == null || r.regression().count() == 0 ? Double.NaN : f.applyAsDouble(r.regression());
    }

    private void gauge(PrometheusRegistry registry, String name, String help, Function<QualityReport, Double> f) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("model", "window")
                .callback(cb -> reports().forEach((m, per) -> per.forEach((w, r) -> {
                    Double v = f.apply(r);
                    if (v != null && Double.isFinite(v)) {
                        cb.call(v, m, w);
                    }
                }))).register(registry);
    }

    // ---- history for the dashboard -------------------------------------------------------------

    private final HistoryRing history = new HistoryRing(1440, 200);

    /** The headline metrics of the first window: model to "quality:<metric>" to value, for the baselines. */
    public Map<String, Map<String, Double>> headline() {
        String first = windows.keySet().iterator().next();
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        reports().forEach((m, per) -> {
            QualityReport r = per.get(first);
            if (r == null) {
                return;
            }
            Map<String, Double> v = new LinkedHashMap<>();
            v.put("quality:accuracy", r.classification() == null || r.classification().count() == 0 ? Double.NaN : r.classification().accuracy());
            v.put("quality:f1_macro", cls(r, c -> c.macro().f1()));
            v.put("quality:rmse", reg(r, RegressionReport::rmse));
            if (r.scores() != null) {
                v.put("quality:hallucination_rate", r.scores().hallucination() == null ? Double.NaN : r.scores().hallucination().value());
                for (ScoreSummary sm : r.scores().scores()) {
                    if (sm.kind() == dev.vitals.quality.ScoreKind.NUMERIC) {
                        v.put("quality:" + sm.name(), sm.mean());
                    }
                }
            }
            v.values().removeIf(x -> !Double.isFinite(x));
            if (!v.isEmpty()) {
                out.put(m, v);
            }
        });
        return out;
    }

    /**
     * Takes one point of every model's headline metrics over the first (shortest) window: accuracy,
     * macro F1, ROC AUC, RMSE, R², hallucination and safety-flag rates and score means. At most
     * 200 series × 1,440 points (2.3 MB) are kept. Called every minute.
     */
    public synchronized void sampleHistory(long nowMillis) {
        String first = windows.keySet().iterator().next();
        Map<String, Double> point = new LinkedHashMap<>();
        reports().forEach((m, per) -> {
            QualityReport r = per.get(first);
            if (r == null) {
                return;
            }
            point.put(m + " accuracy", r.classification() == null ? Double.NaN : r.classification().accuracy());
            point.put(m + " f1_macro", cls(r, c -> c.macro().f1()));
            point.put(m + " roc_auc", cls(r, ClassificationReport::rocAuc));
            point.put(m + " rmse", reg(r, RegressionReport::rmse));
            point.put(m + " r2", reg(r, RegressionReport::r2));
            if (r.scores() != null) {
                point.put(m + " hallucination_rate", r.scores().hallucination() == null ? Double.NaN : r.scores().hallucination().value());
                point.put(m + " safety_flag_rate", r.scores().safetyFlag() == null ? Double.NaN : r.scores().safetyFlag().value());
                for (ScoreSummary sm : r.scores().scores()) {
                    if (sm.kind() == dev.vitals.quality.ScoreKind.NUMERIC) {
                        point.put(m + " " + sm.name() + " (" + sm.source().wireName() + ")", sm.mean());
                    }
                }
            }
        });
        history.record(nowMillis, point);
    }

    /** {@code {timestamps, series}} of the history within {@code fromMillis}, for one model or all ({@code *}). */
    public JsonObject history(String model, long fromMillis) {
        return history.json(model, fromMillis);
    }

    // ---- persistence ---------------------------------------------------------------------------

    /** Saves every model's windows and tasks; blocking. */
    public synchronized void save() {
        JsonObject all = new JsonObject();
        for (String m : tracker.models()) {
            JsonObject per = new JsonObject().put("task", taskOf.getOrDefault(m, "llm"));
            windows.forEach((name, d) -> tracker.window(m, d).ifPresent(w -> per.put(name, w.toJson())));
            all.put(m, per);
        }
        all.put("__saved_at", System.currentTimeMillis());
        store.putBlob(blob, all.encode().getBytes(StandardCharsets.UTF_8));
    }

    private void restore() {
        byte[] b = store.getBlob(blob);
        if (b == null) {
            return;
        }
        try {
            JsonObject all = new JsonObject(new String(b, StandardCharsets.UTF_8));
            all.remove("__saved_at");
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
        } catch (RuntimeException e) {
            LOG.warning("stored quality windows ignored: " + e.getMessage());
        }
    }

    /** Deletes calls and feedback past retention; blocking. */
    public int applyRetention(int days) {
        return store.deleteBefore(System.currentTimeMillis() - days * 86_400_000L);
    }
}
