package dev.vitals.drift;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Raw values of named columns, the input of {@link DriftDetector}'s exact mode (a CSV file, a test set).
 * Columns may differ in length. The arrays are copied at {@link Builder#numeric}/{@link Builder#categorical};
 * {@link Builder#sortedNumeric} takes a sorted array over without a copy (a large column, held once).
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
        columns.forEach((k, v) -> out.put(k, v instanceof String[] ? FeatureType.CATEGORICAL : FeatureType.NUMERIC));
        return out;
    }

    /** A numeric column given as its finite values in ascending order and a count of nulls. */
    record Sorted(double[] values, int length, long nulls) {
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
            } else if (values instanceof Sorted sorted) {
                NumericProfile n = p.numeric(name);
                for (int i = 0; i < sorted.length(); i++) {
                    n.update(sorted.values()[i]);
                }
                for (long i = 0; i < sorted.nulls(); i++) {
                    n.update(Double.NaN);
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

        /**
         * A numeric column as its finite values in ascending order, the first {@code length} elements of
         * {@code ascending}, and the number of nulls it also had (NaN, ±infinity). The array is taken over, not
         * copied (the caller must not change it afterwards); -0.0 in it becomes 0.0. The same comparison as
         * {@link #numeric} with those values in any order, without its copy and sort.
         *
         * @throws IllegalArgumentException when a value is not finite or not in ascending order, the length is
         *     outside the array, or {@code nulls} is negative
         */
        public Builder sortedNumeric(String name, double[] ascending, int length, long nulls) {
            if (ascending == null) {
                throw new IllegalArgumentException("values of column \"" + name + "\" must not be null");
            }
            if (length < 0 || length > ascending.length || nulls < 0) {
                throw new IllegalArgumentException("column \"" + name + "\": length " + length + " and nulls "
                        + nulls + " must be >= 0, the length at most the array's " + ascending.length);
            }
            for (int i = 0; i < length; i++) {
                double v = ascending[i];
                if (!Double.isFinite(v) || i > 0 && v < ascending[i - 1]) {
                    throw new IllegalArgumentException("column \"" + name + "\": value " + i + " (" + v + ") is "
                            + (Double.isFinite(v) ? "below the one before it; the values must be ascending"
                                    : "not finite; pass nulls as a count"));
                }
                if (v == 0) {
                    ascending[i] = 0.0;
                }
            }
            return add(name, new Sorted(ascending, length, nulls));
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
