package dev.vitals.drift;

import java.util.Locale;

/** The kind of a feature's values, which decides its profile and the tests that accept it. */
public enum FeatureType {
    /** Finite doubles; NaN and ±infinity count as nulls. */
    NUMERIC,
    /** Strings compared for equality; {@code null} is a null, the empty string a value. */
    CATEGORICAL;

    /** {@code numeric} or {@code categorical}, as in messages and serialized forms. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
