package dev.vitals.server.drift;

import dev.vitals.drift.FeatureDrift;
import dev.vitals.server.state.HistoryRing;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
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

    /** A series' name: {@code <feature> (<test>)}, after {@code <model> } unless {@code model} is null (one model shown). */
    static String series(String model, FeatureDrift f) {
        return (model == null ? "" : model + " ") + f.feature() + " (" + f.test() + ")";
    }

    /** Adds one evaluation's scores to {@code ring} as one point: a series per model, feature and test. */
    static void record(HistoryRing ring, long now, Map<String, List<FeatureDrift>> results) {
        Map<String, Double> point = new LinkedHashMap<>();
        results.forEach((m, fs) -> fs.forEach(f -> point.put(series(m, f), f.score())));
        ring.record(now, point);
    }
}
