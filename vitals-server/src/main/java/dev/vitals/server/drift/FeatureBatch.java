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

    /**
     * @throws IllegalArgumentException when a value is neither a finite {@link Double}, a {@link String} nor null, or its
     *     feature's type in {@code types} is not its own: what is journaled must apply and replay as it was checked
     */
    public FeatureBatch {
        List<Map<String, Object>> copy = new ArrayList<>(rows.size());
        for (Map<String, Object> r : rows) {
            for (Map.Entry<String, Object> e : r.entrySet()) {
                Object v = e.getValue();
                FeatureType t = v instanceof Double d && Double.isFinite(d) ? FeatureType.NUMERIC : v instanceof String ? FeatureType.CATEGORICAL : null;
                if (v != null && (t == null || t != types.get(e.getKey()))) {
                    throw new IllegalArgumentException("feature '" + e.getKey() + "': " + v.getClass().getSimpleName() + " value " + v
                            + " does not fit its declared type " + types.get(e.getKey()));
                }
            }
            copy.add(Collections.unmodifiableMap(new LinkedHashMap<>(r))); // nulls are values here
        }
        rows = Collections.unmodifiableList(copy);
        types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
    }

    /** The number of records. */
    public int size() {
        return rows.size();
    }
}
