package dev.vitals.server.drift;

import dev.vitals.drift.FeatureType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checked batch of feature records for one model ({@code POST /v1/features}, or the features of a predictions
 * batch), made by {@link DriftRequests#features}. Each row maps a feature name, in the order sent, to its value:
 * a {@link Double} (numeric), a {@link String} (categorical; a boolean is its text) or null.
 *
 * @param types each feature's type, from its first non-null value (features seen only as null are absent)
 */
public record FeatureBatch(String model, List<Map<String, Object>> rows, Map<String, FeatureType> types) {

    public FeatureBatch {
        List<Map<String, Object>> copy = new ArrayList<>(rows.size());
        rows.forEach(r -> copy.add(Collections.unmodifiableMap(new LinkedHashMap<>(r)))); // nulls are values here
        rows = Collections.unmodifiableList(copy);
        types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
    }

    /** The number of records. */
    public int size() {
        return rows.size();
    }
}
