package dev.vitals.quality;

import dev.vitals.internal.Args;
import dev.vitals.labels.MetricFamilies;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Exports a {@link QualityTracker}'s windows as Prometheus gauges read at scrape time:
 * {@code vitals_quality_<metric>{model,window}} for each of {@link #METRICS} and
 * {@code vitals_quality_score_mean{model,window,name,source}}, the same families as the Vitals server's.
 * A value Vitals cannot know (no data of that task in the window, a metric undefined for it) is absent,
 * never NaN.
 *
 * <pre>{@code
 * QualityTracker tracker = QualityTracker.builder().windows(Duration.ofMinutes(5), Duration.ofHours(1)).build();
 * QualityMetrics.builder(tracker).register(registry);
 * tracker.model("fraud-v3").addClassification(Prediction.of("fraud", "legit", 0.42));
 * }</pre>
 */
public final class QualityMetrics {

    /** One per-window gauge: {@code vitals_quality_<key>}. */
    public record Metric(String key, String help, ToDoubleFunction<QualityReport> value) {
    }

    /** Every per-window quality gauge. */
    public static final List<Metric> METRICS = List.of(
            new Metric("accuracy", "Classification accuracy per model and window.", r -> cls(r, ClassificationReport::accuracy)),
            new Metric("precision_macro", "Macro-averaged precision.", r -> cls(r, c -> c.macro().precision())),
            new Metric("recall_macro", "Macro-averaged recall.", r -> cls(r, c -> c.macro().recall())),
            new Metric("f1_macro", "Macro-averaged F1.", r -> cls(r, c -> c.macro().f1())),
            new Metric("f1_weighted", "Support-weighted F1.", r -> cls(r, c -> c.weighted().f1())),
            new Metric("roc_auc", "ROC AUC (binary, or one-vs-rest macro).", r -> cls(r, ClassificationReport::rocAuc)),
            new Metric("log_loss", "Log loss of the class probabilities.", r -> cls(r, ClassificationReport::logLoss)),
            new Metric("rmse", "Regression RMSE.", r -> reg(r, RegressionReport::rmse)),
            new Metric("mae", "Regression MAE.", r -> reg(r, RegressionReport::mae)),
            new Metric("mape", "Regression MAPE (scikit-learn's definition).", r -> reg(r, RegressionReport::mape)),
            new Metric("r2", "Regression R².", r -> reg(r, RegressionReport::r2)),
            new Metric("hallucination_rate", "Share of hallucination=true scores.",
                    r -> r.scores() == null || r.scores().hallucination() == null ? Double.NaN : r.scores().hallucination().value()),
            new Metric("safety_flag_rate", "Share of responses flagged unsafe.",
                    r -> r.scores() == null || r.scores().safetyFlag() == null ? Double.NaN : r.scores().safetyFlag().value()),
            new Metric("perplexity", "Perplexity of the output tokens whose log-probabilities the backend returned.",
                    r -> r.text() == null || r.text().tokens() == 0 ? Double.NaN : r.text().perplexity()),
            new Metric("bleu", "Corpus BLEU of candidates against references.", r -> r.text() == null ? Double.NaN : r.text().bleu()));

    private final QualityTracker tracker;
    private final Map<String, Duration> windows;
    private final long cacheMillis;
    private final Supplier<Map<String, Map<String, QualityReport>>> source;
    private volatile Map<String, Map<String, QualityReport>> cached = Map.of();
    private volatile long cachedAt = Long.MIN_VALUE;

    private QualityMetrics(Builder b) {
        this.tracker = b.tracker;
        this.windows = b.windows;
        this.cacheMillis = b.cache.toMillis();
        this.source = b.source != null ? b.source : this::reports;
    }

    public static Builder builder(QualityTracker tracker) {
        return new Builder(tracker);
    }

    /** A score's exported mean: the mean of a numeric score, the true-rate of a boolean one, else NaN. */
    public static double scoreMean(ScoreSummary s) {
        return s.kind() == ScoreKind.NUMERIC ? s.mean() : s.kind() == ScoreKind.BOOLEAN ? s.trueRate() : Double.NaN;
    }

    /** A window's label value: {@code 5m}, {@code 1h}, {@code 1d}, {@code 30s} or {@code 250ms}, as the server's config spells it. */
    public static String windowLabel(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** Every model's report per window label, computed at most once per cache period (one scrape reads all families). */
    private Map<String, Map<String, QualityReport>> reports() {
        long now = System.nanoTime() / 1_000_000L;
        if (cachedAt == Long.MIN_VALUE || now - cachedAt >= cacheMillis) {
            cached = tracker.reports(windows);
            cachedAt = now;
        }
        return cached;
    }

    private void register(PrometheusRegistry registry) {
        MetricFamilies families = MetricFamilies.of(registry);
        for (Metric metric : METRICS) {
            families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_quality_" + metric.key()).help(metric.help())
                    .labelNames("model", "window"), cb -> source.get().forEach((m, per) -> per.forEach((w, r) -> {
                        double v = metric.value().applyAsDouble(r);
                        if (Double.isFinite(v)) {
                            cb.call(v, m, w);
                        }
                    })));
        }
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_quality_score_mean")
                .help("Mean of a numeric quality score (or true-rate of a boolean one) per model, window, name and source.")
                .labelNames("model", "window", "name", "source"), cb -> source.get().forEach((m, per) -> per.forEach((w, r) -> {
                    if (r.scores() == null) {
                        return;
                    }
                    for (ScoreSummary s : r.scores().scores()) {
                        double v = scoreMean(s);
                        if (Double.isFinite(v)) {
                            cb.call(v, m, w, s.name(), s.source().wireName());
                        }
                    }
                })));
    }

    private static double cls(QualityReport r, ToDoubleFunction<ClassificationReport> f) {
        return r.classification() == null || r.classification().count() == 0 ? Double.NaN : f.applyAsDouble(r.classification());
    }

    private static double reg(QualityReport r, ToDoubleFunction<RegressionReport> f) {
        return r.regression() == null || r.regression().count() == 0 ? Double.NaN : f.applyAsDouble(r.regression());
    }

    /** Configures {@link QualityMetrics}. */
    public static final class Builder {
        private final QualityTracker tracker;
        private Map<String, Duration> windows;
        private Duration cache = Duration.ofSeconds(1);
        private Supplier<Map<String, Map<String, QualityReport>>> source;

        private Builder(QualityTracker tracker) {
            this.tracker = Objects.requireNonNull(tracker, "tracker must not be null");
        }

        /**
         * The exported windows by label value (default: every window of the tracker, labelled by
         * {@link #windowLabel}); each must be one of the tracker's.
         */
        public Builder windows(Map<String, Duration> windows) {
            if (windows == null || windows.isEmpty()) {
                throw new IllegalArgumentException("windows must name at least one window of the tracker");
            }
            windows.forEach((name, d) -> {
                if (name == null || name.isEmpty() || !tracker.windows().contains(d)) {
                    throw new IllegalArgumentException("window '" + name + "' = " + d + " is not one of the tracker's windows "
                            + tracker.windows());
                }
            });
            this.windows = new LinkedHashMap<>(windows);
            return this;
        }

        /** How long a scrape's reports are reused (default 1 s; zero computes them for every family read). */
        public Builder cache(Duration cache) {
            this.cache = Args.nonNegative(cache, "cache");
            return this;
        }

        /**
         * Where a scrape reads the reports, model to window label to report, for a caller that already
         * computes and caches them (the Vitals server); default: the tracker's, per {@link #cache}.
         */
        public Builder reports(Supplier<Map<String, Map<String, QualityReport>>> source) {
            this.source = Objects.requireNonNull(source, "reports must not be null");
            return this;
        }

        /** Registers the gauges in {@code registry}; a second registration of the same names there fails. */
        public QualityMetrics register(PrometheusRegistry registry) {
            if (windows == null) {
                windows = new LinkedHashMap<>();
                for (Duration d : tracker.windows()) {
                    windows.put(windowLabel(d), d);
                }
            }
            QualityMetrics q = new QualityMetrics(this);
            q.register(registry);
            return q;
        }
    }
}
