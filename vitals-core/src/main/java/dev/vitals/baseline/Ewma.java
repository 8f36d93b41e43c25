package dev.vitals.baseline;

/**
 * Exponentially weighted mean and variance of one series (West 1979 / Finch 2009 incremental form).
 * Not thread-safe: owned by a {@link Series} under the detector's lock.
 *
 * <p>The n-th sample is weighted {@code max(alpha, 1/n)}: the first {@code 1/alpha} samples give the
 * exact running mean and population variance, later ones decay exponentially. A plain EWMA started at
 * the first sample would report a variance far too small for about a half-life (after 30 samples at a
 * half-life of 60 it reports ~30% of the true one) and alarm right after warm-up.
 */
final class Ewma {
    long n;
    double mean;
    double var;

    /** Adds {@code x} with weight {@code max(alpha, 1/n)}. */
    void update(double x, double alpha) {
        n++;
        double a = Math.max(alpha, 1.0 / n);
        double diff = x - mean;
        double incr = a * diff;
        mean += incr;
        var = (1 - a) * (var + diff * incr);
    }

    double stddev() {
        return Math.sqrt(var);
    }

    void copyFrom(Ewma o) {
        n = o.n;
        mean = o.mean;
        var = o.var;
    }
}
