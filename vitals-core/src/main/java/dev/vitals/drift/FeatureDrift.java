package dev.vitals.drift;

/**
 * The drift result of one feature.
 *
 * <p>In exact mode {@code scoreLower == score == scoreUpper}. In sketch mode the true exact-mode score lies in
 * [{@code scoreLower}, {@code scoreUpper}] whenever each sketch is within its stated error (99% confidence per
 * KLL sketch; see the package documentation); both bounds are NaN where no bound is stated (a categorical window
 * with more distinct values than its profile tracks).
 *
 * @param feature the feature's name
 * @param type the feature's type
 * @param test the test's name ({@link StatTest#testName()}); null when no verdict and no test was configured
 * @param score p-value or distance; NaN when {@code verdict} is {@link Verdict#NO_VERDICT}
 * @param scoreLower lower bound of the exact-mode score (see above)
 * @param scoreUpper upper bound of the exact-mode score
 * @param threshold the threshold the score was compared with; NaN when no test applies
 * @param verdict drift, no drift, or no verdict
 * @param referenceCount non-null values in the reference window
 * @param currentCount non-null values in the current window
 * @param referenceNulls nulls (numeric: also NaN and ±infinity) in the reference window
 * @param currentNulls nulls in the current window
 * @param reason why there is no verdict; empty otherwise
 */
public record FeatureDrift(String feature, FeatureType type, String test, double score, double scoreLower,
                           double scoreUpper, double threshold, Verdict verdict, long referenceCount,
                           long currentCount, long referenceNulls, long currentNulls, String reason) {

    /** Whether the feature drifted. */
    public boolean drifted() {
        return verdict == Verdict.DRIFT;
    }
}
