package dev.vitals.server.drift;

import dev.vitals.drift.FeatureDrift;
import dev.vitals.server.state.HistoryRing;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Drift scores over time ({@code GET /v1/drift?range=R}), written as JSON by {@link DriftReports#history}.
 *
 * @param model a model, or null / {@code *} for all
 * @param points the scores of each evaluation in the range, one series per model, feature and test
 * @param latest the last evaluation's result of each series shown, by the series' name
 */
public record DriftHistory(String model, HistoryRing.Snapshot points, Map<String, FeatureDrift> latest) {

    public DriftHistory {
        latest = Collections.unmodifiableMap(new LinkedHashMap<>(latest));
    }
}
