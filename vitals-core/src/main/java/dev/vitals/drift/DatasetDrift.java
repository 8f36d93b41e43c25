package dev.vitals.drift;

import java.util.List;

/**
 * The drift result of a dataset: its features' results and the share of drifted ones.
 *
 * @param features per-feature results, in the reference's feature order
 * @param driftedFeatures features with {@link Verdict#DRIFT}
 * @param evaluatedFeatures features with a verdict (drift or no drift); the share's denominator
 * @param driftShare {@code driftedFeatures / evaluatedFeatures}; NaN when no feature has a verdict
 * @param shareThreshold the dataset drifts when {@code driftShare >= shareThreshold} (default 0.5)
 * @param verdict drift, no drift, or no verdict when no feature has one
 */
public record DatasetDrift(List<FeatureDrift> features, int driftedFeatures, int evaluatedFeatures,
                           double driftShare, double shareThreshold, Verdict verdict) {

    public DatasetDrift {
        features = List.copyOf(features);
    }

    /** Whether the dataset drifted. */
    public boolean drifted() {
        return verdict == Verdict.DRIFT;
    }

    /** The result of a feature. */
    public FeatureDrift feature(String name) {
        for (FeatureDrift f : features) {
            if (f.feature().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown feature \"" + name + "\"");
    }
}
