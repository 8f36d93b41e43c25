package dev.vitals.server.quality;

import dev.vitals.labels.MetricFamilies;
import dev.vitals.server.store.LabelCoverageRow;
import dev.vitals.server.store.StateStore;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Label coverage: per model, the share of the predictions of the last {@code quality.labelCoverageHours} that have their
 * actual, and the label delay of those. Read from the store (the predictions in the calls table, the joined actuals'
 * marks in the feedback table), so it is the fleet's and survives a restart. The query scans the window's calls rows:
 * its answer is kept for {@link #MAX_AGE_NANOS} and read again sooner only after this replica stored predictions or
 * joined actuals (other replicas' within that age). Exported as {@code vitals_label_coverage_ratio{model}} and
 * {@code vitals_label_coverage_predictions{model}}; a model with no prediction in the window has neither.
 */
final class LabelCoverage {
    static final String PREDICTION_PREFIX = "prediction:";
    static final String ACTUAL_PREFIX = "actual:";
    /** Most models read (most predictions first); the families' caps bound the series too. */
    static final int MAX_MODELS = 1000;
    private static final long MAX_AGE_NANOS = 15_000_000_000L;

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(LabelCoverage.class.getName());

    private final StateStore store;
    private final long windowMillis;
    private final LongSupplier clock;
    private Map<String, LabelCoverageRow> cached = Map.of();
    private long readAt;
    private boolean read;
    private boolean changed;

    LabelCoverage(StateStore store, long windowMillis, LongSupplier clock, PrometheusRegistry registry) {
        this.store = store;
        this.windowMillis = windowMillis;
        this.clock = clock;
        MetricFamilies families = MetricFamilies.of(registry);
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_label_coverage_ratio")
                .help("Label coverage: the share of a model's predictions of the last quality.labelCoverageHours that have "
                        + "their actual (ground truth) so far, from the state store (the fleet's).")
                .labelNames("model"), cb -> scraped().forEach(r -> cb.call((double) r.withActual() / r.predictions(), r.model())));
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_label_coverage_predictions")
                .help("Predictions of the last quality.labelCoverageHours in the state store, the denominator of "
                        + "vitals_label_coverage_ratio.")
                .labelNames("model"), cb -> scraped().forEach(r -> cb.call(r.predictions(), r.model())));
    }

    /** For a scrape: what the store says, or nothing when it cannot be read (no number rather than a stale one). */
    private java.util.Collection<LabelCoverageRow> scraped() {
        try {
            return get().values();
        } catch (RuntimeException e) {
            LOG.log(java.util.logging.Level.FINE, "label coverage unreadable", e);
            return java.util.List.of();
        }
    }

    /** This replica stored predictions or joined actuals: the next read asks the store again. */
    synchronized void changed() {
        changed = true;
    }

    /** Per model, by name; blocking (a store read when the kept answer is stale). */
    synchronized Map<String, LabelCoverageRow> get() {
        long t = System.nanoTime();
        long age = t - readAt;
        if (!read || age >= MAX_AGE_NANOS || changed) {
            Map<String, LabelCoverageRow> m = new LinkedHashMap<>();
            for (LabelCoverageRow r : store.labelCoverage(PREDICTION_PREFIX, ACTUAL_PREFIX, clock.getAsLong() - windowMillis, MAX_MODELS)) {
                m.put(r.model(), r);
            }
            cached = Collections.unmodifiableMap(m);
            readAt = t;
            read = true;
            changed = false;
        }
        return cached;
    }

    long windowMillis() {
        return windowMillis;
    }
}
