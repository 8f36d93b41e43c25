package dev.vitals.drift;

/**
 * A point-in-time summary of a {@link NumericProfile}.
 *
 * @param count finite values seen
 * @param nulls nulls, NaN and ±infinity seen
 * @param mean mean of the finite values (NaN when none)
 * @param variance population variance (divisor {@code count}, as {@code numpy.var}); NaN when none
 * @param min smallest value (NaN when none)
 * @param max largest value (NaN when none)
 * @param k the KLL sketch's {@code k}
 * @param rankError normalized rank error of the sketch's quantiles at 99% confidence; 0 while exact
 */
public record NumericSummary(long count, long nulls, double mean, double variance, double min, double max,
                             int k, double rankError) {

    /** Population standard deviation. */
    public double std() {
        return Math.sqrt(variance);
    }
}
