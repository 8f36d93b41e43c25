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
 * {@code QualityMetrics}), their JSON for the API (snake_case, non-finite as null), and the dashboard's history.
 */
final class QualityReports {
    private final QualityTracker tracker;
    private final Map<String, Duration> windows;
    private final ObjectMapper json;
    private volatile Map<String, Map<String, QualityReport>> cached = Map.of();
    private volatile long cachedAt;

    QualityReports(QualityTracker tracker, Map<String, Duration> windows, PrometheusRegistry registry) {
        this.tracker = tracker;
        this.windows = windows;
        // the gauges read the cached reports, so a write shows at once
        dev.vitals.quality.QualityMetrics.builder(tracker).reports(this::reports).register(registry);
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
        this.json = new ObjectMapper().setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
                .registerModule(m);
    }

    /** Drops the cached reports: the next read recomputes them. */
    void invalidate() {
        cachedAt = 0;
    }

    /** A report (or a fleet-merged one) as the API's JSON. */
    JsonObject json(Object report) throws IOException {
        return new JsonObject(json.writeValueAsString(report));
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

    /** {@code {timestamps, series}} of the history within {@code fromMillis}, for one model or all ({@code *}). */
    JsonObject history(String model, long fromMillis) {
        return history.json(model, fromMillis);
    }
}
