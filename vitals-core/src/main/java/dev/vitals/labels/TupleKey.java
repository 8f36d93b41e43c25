package dev.vitals.labels;

import java.util.Arrays;

/**
 * The map key of a label-value tuple, shared by {@link SeriesLimiter} and {@link Admission}: the value
 * itself for one label (no allocation on the hot path), else a private copy of the array with its hash.
 */
final class TupleKey {
    private final String[] values;
    private final int hash;

    private TupleKey(String[] values) {
        this.values = values;
        this.hash = Arrays.hashCode(values);
    }

    /** The key of {@code values}, or null when one of them is null. */
    static Object of(String[] values) {
        for (String v : values) {
            if (v == null) {
                return null;
            }
        }
        return values.length == 1 ? values[0] : new TupleKey(values.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TupleKey t && hash == t.hash && Arrays.equals(values, t.values);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
