package dev.vitals.server.component;

import dev.vitals.business.BusinessMetrics;
import dev.vitals.server.auth.ApiKeys;
import dev.vitals.server.drift.DriftService;
import dev.vitals.server.gateway.Gateway;
import dev.vitals.server.metrics.CustomLabels;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The features that observe every finished call, as gateway listeners. */
public final class CallObservers {
    private CallObservers() {
    }

    /** The observers of every call made through the HTTP API, registered once; each guarded and its failures counted. */
    public static void register(Gateway gateway, PrometheusRegistry registry, ApiKeys apiKeys, CustomLabels customLabels,
                                DriftService drift, BusinessMetrics business) {
        gateway.countFailures(registry);
        gateway.listen("api_key_spend", f -> {
            if (f.caller().apiKey() != null) {
                apiKeys.spend(f.caller().apiKey(), f.call().costUsd());
            }
        });
        gateway.listen("custom_labels", f -> {
            if (f.caller().customLabels() != null) {
                customLabels.record(f.call(), f.caller().customLabels());
            }
        });
        gateway.listen("drift", f -> drift.observe(f.call(), f.promptText(), f.messageCount(), f.finishReason()));
        // recorded when the call ends, but time to value counts from its start (the README says so)
        gateway.listen("business", f -> business.recordRequest(dev.vitals.business.BusinessRequest.builder(f.call().requestId())
                .user(f.caller().user()).session(f.caller().session()).model(f.model()).variant(f.caller().variant())
                .startedAt(f.startNanos()).build()));
    }

}
