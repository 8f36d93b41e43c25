package dev.vitals.quality;

/**
 * A ratio with its counts, so that rates from several windows or replicas can be combined.
 *
 * @param count the events counted
 * @param total the opportunities
 * @param value {@code count / total}; {@code NaN} when {@code total} is 0
 */
public record Rate(long count, long total, double value) {

    /** The rate {@code count / total}. */
    public static Rate of(long count, long total) {
        return new Rate(count, total, total == 0 ? Double.NaN : (double) count / total);
    }
}
