package dev.vitals.baseline;

/**
 * One anomaly of one series: a run of samples whose |z| exceeded the detector's threshold. Immutable;
 * an open anomaly is a copy of its state when it was read.
 *
 * <pre>{@code
 * // p95 latency of gpt-4o-mini jumped from ~0.8 s to 2.4 s at 10:05 and came back at 10:40
 * new Anomaly("gpt-4o-mini", "latency_p95", 1767261900000L, 1767264000000L, 9.1, 2.41, 0.80, 0.177, 7)
 * }</pre>
 *
 * @param model the model label value
 * @param signal the signal name, e.g. {@code latency_p95} or {@code error_rate}
 * @param startMillis time of the first of the samples that opened it
 * @param endMillis time of the first of the calm samples that closed it, or {@link #OPEN}
 * @param peakZ the z-score of largest magnitude (signed: negative for a drop)
 * @param peakValue the sample value at the peak
 * @param baselineMean the expected value the peak was compared with
 * @param baselineStddev the (floored) standard deviation the peak was divided by
 * @param samples judged samples from the start to the end, the closing calm ones excluded
 */
public record Anomaly(
        String model,
        String signal,
        long startMillis,
        long endMillis,
        double peakZ,
        double peakValue,
        double baselineMean,
        double baselineStddev,
        long samples) {

    /** The {@link #endMillis} of an anomaly still open. */
    public static final long OPEN = -1;

    /** Whether the anomaly is still open. */
    public boolean open() {
        return endMillis == OPEN;
    }
}
