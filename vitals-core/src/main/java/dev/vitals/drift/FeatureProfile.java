package dev.vitals.drift;

/**
 * A mergeable summary of one feature's values in a window: {@link NumericProfile} or {@link CategoricalProfile}.
 * Implementations are thread-safe; each guards its state with its own monitor.
 */
public sealed interface FeatureProfile permits NumericProfile, CategoricalProfile {

    /** The feature's type. */
    FeatureType type();

    /** Non-null values seen. */
    long count();

    /** Nulls seen (for numeric features, NaN and ±infinity too). */
    long nulls();
}
