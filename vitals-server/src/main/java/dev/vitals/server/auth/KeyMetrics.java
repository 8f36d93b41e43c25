package dev.vitals.server.auth;

import dev.vitals.labels.MetricFamilies;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;

/** The gauges of the gateway API keys: spend and remaining budget, one series per key (bounded by auth.maxKeys). */
public final class KeyMetrics {
    private KeyMetrics() {
    }

    public static void bind(MetricFamilies families, ApiKeys apiKeys) {
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_api_key_spent_usd")
                .help("USD spent through each gateway API key (bounded by auth.maxKeys).")
                .labelNames("key"), cb -> apiKeys.list().forEach(k -> cb.call(k.spentUsd(), k.name())));
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_api_key_budget_remaining_usd")
                .help("USD left in the budget of each gateway API key that has one.")
                .labelNames("key"), cb -> apiKeys.list().forEach(k -> {
                    if (!Double.isNaN(k.remainingUsd())) {
                        cb.call(k.remainingUsd(), k.name());
                    }
                }));
    }
}
