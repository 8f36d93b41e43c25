package dev.vitals.quality;

/**
 * Averaged precision, recall and F1 ({@code NaN} when there are no rows).
 *
 * @param precision averaged precision
 * @param recall averaged recall
 * @param f1 averaged F1 (for macro and weighted: the average of per-label F1, as sklearn does)
 */
public record AverageMetrics(double precision, double recall, double f1) {
    static final AverageMetrics NAN = new AverageMetrics(Double.NaN, Double.NaN, Double.NaN);
}
