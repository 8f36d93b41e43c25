package dev.vitals.internal;

/**
 * Merging two groups' running mean and M2 (sum of squared deviations from the mean), as Chan et al.'s
 * parallel form of Welford's algorithm: what a mergeable summary needs to combine two partial ones
 * exactly. Both groups must be non-empty. Not part of the public API.
 */
public final class Moments {
    private Moments() {
    }

    /** The mean of the union of a group of {@code n1} values with mean {@code mean1} and one of {@code n2} with {@code mean2}. */
    public static double mergedMean(long n1, double mean1, long n2, double mean2) {
        return mean1 + (mean2 - mean1) * n2 / (n1 + n2);
    }

    /** The M2 of the union of the two groups. */
    public static double mergedM2(long n1, double mean1, double m2a, long n2, double mean2, double m2b) {
        double delta = mean2 - mean1;
        return m2a + (m2b + delta * delta * ((double) n1 * n2 / (n1 + n2)));
    }
}
