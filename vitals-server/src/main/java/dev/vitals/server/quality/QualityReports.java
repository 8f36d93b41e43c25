package dev.vitals.server.quality;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.vitals.quality.ClassificationReport;
import dev.vitals.quality.QualityReport;
import dev.vitals.quality.QualityTracker;
import dev.vitals.quality.RegressionReport;
import dev.vitals.quality.ScoreSummary;
import dev.vitals.server.state.HistoryRing;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The read side of quality: every model's reports per window (cached for five seconds, dropped at once by
 * {@link #invalidate} when a write lands), the {@code vitals_quality_*} gauges bound to them (vitals-core's
 * {@code QualityMetrics}) and the dashboard's history; and the one writer of the quality API's JSON (its static
 * methods: snake_case, non-finite as null), from the service's typed results.
 */
public final class QualityReports {
    private static final ObjectMapper JSON = mapper();
    private final QualityTracker tracker;
    private final Map<String, Duration> windows;
    private volatile Map<String, Map<String, QualityReport>> cached = Map.of();
    private volatile long cachedAt;

    QualityReports(QualityTracker tracker, Map<String, Duration> windows, PrometheusRegistry registry) {
        this.tracker = tracker;
        this.windows = windows;
        // the gauges read the cached reports, so a write shows at once
        dev.vitals.quality.QualityMetrics.builder(tracker).reports(this::reports).register(registry);
    }

    private static ObjectMapper mapper() {
        SimpleModule m = new SimpleModule();
        // NaN and infinities (no data, an undefined metric) as null: JSON has no number for them
        StdSerializer<Double> finiteOrNull = new StdSerializer<>(Double.class) {
            @Override
            public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
                if (Double.isFinite(v)) {
                    g.writeNumber(v);
                } else {
                    g.writeNull();
                }
            }
        };
        m.addSerializer(Double.class, finiteOrNull);
        m.addSerializer(double.class, finiteOrNull);
        // snake_case like the rest of the HTTP API: the core records' camelCase names stop at this boundary
        return new ObjectMapper().setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
                .registerModule(m);
    }

    /** {@code POST /v1/feedback}'s answer. */
    public static JsonObject feedback(QualityService.FeedbackResult r) {
        return new JsonObject().put("status", r.status()).put("model", r.model()).put("duplicate", r.duplicate()).put("late", r.late());
    }

    /** {@code POST /v1/evaluations}' answer. */
    public static JsonObject evaluations(QualityService.EvaluationResult r) {
        return new JsonObject().put("status", "ok").put("applied", r.applied()).put("late", r.late());
    }

    /** {@code GET /v1/feedback?feedback_id=}'s answer. */
    public static JsonObject feedbackStatus(QualityResults.FeedbackStatus s) {
        JsonObject o = new JsonObject().put("feedback_id", s.feedbackId());
        if ("ok".equals(s.status())) {
            return o.put("status", s.status()).put("request_id", s.requestId()).put("model", s.model());
        }
        return o.put("request_id", s.requestId()).put("status", s.status()).put("expires_at", s.expiresAt());
    }

    /** A model's report ({@code GET /v1/quality}): the report's numbers, then its model, window, task, scope and replicas. */
    public static JsonObject report(QualityResults.Report r) {
        JsonObject o;
        try {
            o = new JsonObject(JSON.writeValueAsString(r.report()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        o.put("model", r.model()).put("window", r.window()).put("task", r.task()).put("scope", r.scope());
        if (r.replicas() != null) {
            io.vertx.core.json.JsonArray a = new io.vertx.core.json.JsonArray();
            for (QualityResults.Source s : r.replicas()) {
                a.add(s.live() ? new JsonObject().put("replica", s.replica()).put("live", true)
                        : new JsonObject().put("replica", s.replica()).put("saved_at", s.savedAt()));
            }
            o.put("replicas", a);
        }
        return o;
    }

    /** The dashboard's history ({@code GET /v1/quality?range=}): {@code {timestamps, series}}. */
    public static JsonObject history(HistoryRing.Snapshot h) {
        return h.json();
    }

    /** Drops the cached reports: the next read recomputes them. */
    void invalidate() {
        cachedAt = 0;
    }

    Map<String, Map<String, QualityReport>> reports() {
        long now = System.currentTimeMillis();
        if (now - cachedAt > 5_000) {
            cached = tracker.reports(windows);
            cachedAt = now;
        }
        return cached;
    }

    /** A score's exported mean: the mean of a numeric score, the true-rate of a boolean one, else NaN. */
    private static double scoreMean(ScoreSummary s) {
        return dev.vitals.quality.QualityMetrics.scoreMean(s);
    }

    private static double cls(QualityReport r, java.util.function.ToDoubleFunction<ClassificationReport> f) {
        return r.classification() == null || r.classification().count() == 0 ? Double.NaN : f.applyAsDouble(r.classification());
    }

    private static double reg(QualityReport r, java.util.function.ToDoubleFunction<RegressionReport> f) {
        return r.regression() == null || r.regression().count() == 0 ? Double.NaN : f.applyAsDouble(r.regression());
    }

    private final HistoryRing history = new HistoryRing(1440, 200);

    /**
     * Every exported quality metric of the first window, for the baselines: model to {@code quality:<metric>} (each
     * {@code vitals_quality_<metric>} gauge) and {@code quality:score:<name>:<source>} (each score mean) to value.
     */
    Map<String, Map<String, Double>> headline() {
        String first = windows.keySet().iterator().next();
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        reports().forEach((m, per) -> {
            QualityReport r = per.get(first);
            if (r == null) {
                return;
            }
            Map<String, Double> v = new LinkedHashMap<>();
            for (dev.vitals.quality.QualityMetrics.Metric metric : dev.vitals.quality.QualityMetrics.METRICS) {
                v.put("quality:" + metric.key(), metric.value().applyAsDouble(r));
            }
            if (r.scores() != null) {
                for (ScoreSummary sm : r.scores().scores()) {
                    // every exported score mean (numeric mean, boolean true-rate), one signal per name and source:
                    // a code score of 0-1 and a judge's 1-5 of the same name must not share a baseline
                    v.putIfAbsent("quality:score:" + sm.name() + ":" + sm.source().wireName(), scoreMean(sm));
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
    synchronized void sampleHistory(long nowMillis) {
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

    /** The history within {@code fromMillis}, for one model or all ({@code *}). */
    HistoryRing.Snapshot history(String model, long fromMillis) {
        return history.snapshot(model, fromMillis);
    }
}
