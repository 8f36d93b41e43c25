package dev.vitals.server.component;

import dev.vitals.server.anomaly.Baselines;
import dev.vitals.server.auth.ApiKeys;
import dev.vitals.server.drift.DriftService;
import dev.vitals.server.http.DashboardHandler;
import dev.vitals.server.quality.QualityService;
import dev.vitals.server.slo.SloTracker;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/** What the dashboard reads beyond the short history, from the features that hold it. */
public record DashboardSources(Baselines baselines, QualityService quality, DriftService drift, SloTracker slo,
                               ApiKeys apiKeys) implements DashboardHandler.Data {
    @Override
    public double[][] band(String model, String signal, long[] timestamps, long bucketMillis) {
        return baselines.bands().query(model, timestamps, bucketMillis);
    }

    @Override
    public Collection<String> models() {
        Set<String> all = new TreeSet<>(quality.models());
        all.addAll(drift.models());
        return all;
    }

    @Override
    public JsonObject slo(String model) {
        return slo.report(model);
    }

    @Override
    public JsonObject baselines(String model) {
        return baselines.current(model);
    }

    @Override
    public JsonArray spendByKey() {
        JsonArray a = new JsonArray();
        for (var k : apiKeys.list()) {
            a.add(new JsonObject().put("name", k.name()).put("spent_usd", k.spentUsd())
                    .put("budget_usd", Double.isNaN(k.budgetUsd()) ? null : k.budgetUsd())
                    .put("remaining_usd", Double.isNaN(k.remainingUsd()) ? null : k.remainingUsd()));
        }
        return a;
    }
}
