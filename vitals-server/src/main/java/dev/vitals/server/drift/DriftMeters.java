package dev.vitals.server.drift;

import dev.vitals.drift.FeatureDrift;
import dev.vitals.drift.Verdict;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The drift gauges, read from the last evaluation's results at each scrape. */
final class DriftMeters {
    private DriftMeters() {
    }

    static void bind(PrometheusRegistry registry, Supplier<Map<String, List<FeatureDrift>>> results) {
        dev.vitals.labels.MetricFamilies families = dev.vitals.labels.MetricFamilies.of(registry);
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_drift_score")
                .help("Drift score of a feature: the test's p-value or distance, current window against the reference.")
                .labelNames("model", "feature", "test"), cb -> results.get().forEach((m, fs) -> fs.forEach(f -> {
                    if (Double.isFinite(f.score())) {
                        cb.call(f.score(), m, f.feature(), f.test());
                    }
                })));
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_drift_detected")
                .help("1 when a feature drifted, 0 when not (no series without a verdict, or with an uncertain one).")
                .labelNames("model", "feature"), cb -> results.get().forEach((m, fs) -> fs.forEach(f -> {
                    if (DriftReport.decided(f)) {
                        cb.call(f.drifted() ? 1 : 0, m, f.feature());
                    }
                })));
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_drift_uncertain")
                .help("1 when a feature's score interval straddles its threshold (sketch mode): no verdict either way.")
                .labelNames("model", "feature"), cb -> results.get().forEach((m, fs) -> fs.forEach(f -> {
                    if (f.verdict() == Verdict.UNCERTAIN) {
                        cb.call(1, m, f.feature());
                    }
                })));
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_drift_share")
                .help("Share of a model's features with a verdict that drifted.")
                .labelNames("model"), cb -> results.get().forEach((m, fs) -> {
                    double share = DriftReport.share(fs);
                    if (Double.isFinite(share)) {
                        cb.call(share, m);
                    }
                }));
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_drift_samples")
                .help("Values compared per feature in the reference and current windows.")
                .labelNames("model", "feature", "window"), cb -> results.get().forEach((m, fs) -> fs.forEach(f -> {
                    cb.call(f.referenceCount(), m, f.feature(), "reference");
                    cb.call(f.currentCount(), m, f.feature(), "current");
                })));
    }
}
