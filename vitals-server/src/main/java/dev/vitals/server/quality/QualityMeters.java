package dev.vitals.server.quality;

import dev.vitals.labels.Family;
import dev.vitals.quality.Score;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The metrics of feedback and evaluation ingestion (the windows' gauges are {@link QualityReports}'). */
final class QualityMeters {
    final Family<CounterDataPoint> feedback;
    final Counter evaluationsLate;
    private final Family<DistributionDataPoint> scores;

    QualityMeters(PrometheusRegistry registry, Supplier<Map<String, Long>> pendingCounts) {
        dev.vitals.labels.MetricFamilies families = dev.vitals.labels.MetricFamilies.of(registry);
        this.feedback = families.counter(Counter.builder().name("vitals_feedback_total")
                .help("Feedback received, by outcome: joined (applied to its call), late (joined a call older than quality.lateAfterHours), "
                        + "pending (stored, waiting for its call's row), unknown_call (its call never arrived), "
                        + "duplicate (same feedback id again, not applied twice), rejected (invalid).")
                .labelNames("outcome"), 8);
        this.evaluationsLate = Counter.builder().name("vitals_quality_evaluations_late_total")
                .help("Evaluation records whose time is older than the longest quality window: validated, counted in no window.")
                .register(registry);
        this.scores = families.histogram(Histogram.builder().name("vitals_quality_score")
                .help("Numeric quality scores as they arrive (feedback and evaluations).")
                .classicOnly().classicUpperBounds(0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 2, 3, 4, 5, 7, 10)
                .labelNames("model", "name", "source"), 2000);
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_feedback_pending")
                .help("Feedback stored but not joined, by state: pending (waiting for its call's row), expired (counted as unknown_call).")
                .labelNames("state"), cb -> pendingCounts.get().forEach((st, v) -> cb.call(v, st)));
    }

    void observeScores(String model, List<Score> list) {
        for (Score s : list) {
            if (s.kind() == dev.vitals.quality.ScoreKind.NUMERIC) {
                scores.labels(model, s.name(), s.source().wireName()).observe(s.number());
            }
        }
    }
}
