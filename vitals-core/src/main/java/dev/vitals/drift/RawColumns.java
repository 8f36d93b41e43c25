package dev.vitals.drift;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Raw values of named columns, the input of {@link DriftDetector}'s exact mode (a CSV file, a test set).
 * Columns may differ in length. The arrays are copied at {@link Builder#numeric}/{@link Builder#categorical}.
 *
 * <pre>{@code
 * RawColumns data = RawColumns.builder()
 *     .numeric("latency_ms", new double[] {812, 640, Double.NaN})   // NaN, ±infinity: nulls
 *     .categorical("model", new String[] {"gpt-4o", null, "gpt-4o"}) // null: a null
 *     .build();
 * }</pre>
 */
public final class RawColumns {
    private final Map<String, Object> columns;

    private RawColumns(Map<String, Object> columns) {
        this.columns = Collections.unmodifiableMap(columns);
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The columns' names and types, in definition order. */
    public Map<String, FeatureType> types() {
        Map<String, FeatureType> out = new LinkedHashMap<>();
        columns.forEach((k, v) -> out.put(k, v instanceof double[] ? FeatureType.NUMERIC : FeatureType.CATEGORICAL));
        return out;
    }

    /** A profile of these values (sketch form), e.g. to store a reference set. */
    public DatasetProfile profile() {
        DatasetProfile.Builder b = DatasetProfile.builder();
        types().forEach(b::feature);
        DatasetProfile p = b.build();
        columns.forEach((name, values) -> {
            if (values instanceof double[] d) {
                NumericProfile n = p.numeric(name);
                for (double v : d) {
                    n.update(v);
                }
            } else {
                CategoricalProfile c = p.categorical(name);
                for (String s : (String[]) values) {
                    c.update(s);
                }
            }
        });
        return p;
    }

    Object column(String name) {
        return columns.get(name);
    }

    /** Collects columns. */
    public static final class Builder {
        private final Map<String, Object> columns = new LinkedHashMap<>();

        private Builder() {
        }

        /** A numeric column; NaN and ±infinity are nulls. */
        public Builder numeric(String name, double[] values) {
            if (values == null) {
                throw new IllegalArgumentException("values of column \"" + name + "\" must not be null");
            }
            return add(name, values.clone());
        }

        /** A categorical column; {@code null} elements are nulls. */
        public Builder categorical(String name, String[] values) {
            if (values == null) {
                throw new IllegalArgumentException("values of column \"" + name + "\" must not be null");
            }
            return add(name, values.clone());
        }

        private Builder add(String name, Object values) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("feature name must not be blank");
            }
            if (columns.putIfAbsent(name, values) != null) {
                throw new IllegalArgumentException("feature \"" + name + "\" is already defined");
            }
            return this;
        }

        /** The columns. */
        public RawColumns build() {
            if (columns.isEmpty()) {
                throw new IllegalArgumentException("a dataset needs at least one column");
            }
            return new RawColumns(new LinkedHashMap<>(columns));
        }
    }
}
