package dev.vitals.baseline;

/**
 * What a {@link Detector} knows of one (model, signal) series after its last sample: the values the
 * server exports as {@code vitals_baseline}, {@code vitals_baseline_stddev},
 * {@code vitals_anomaly_zscore} and {@code vitals_anomaly_active}. Immutable.
 *
 * <pre>{@code
 * SeriesState s = detector.state("gpt-4o-mini", "latency_p95");
 * // SeriesState[model=gpt-4o-mini, signal=latency_p95, mean=0.81, stddev=0.16, lastZ=0.4, active=false,
 * //             basis=EWMA, samples=1440, skippedNaN=2, skippedLowVolume=17]
 * }</pre>
 *
 * @param model the model label value
 * @param signal the signal name
 * @param mean the expected value the last learned sample was compared with ({@code NaN} before the first)
 * @param stddev the floored standard deviation it was divided by ({@code NaN} before the first)
 * @param lastZ the z-score of the last learned sample, {@code NaN} while warming up
 * @param active whether an anomaly is open
 * @param basis which baseline judged the last learned sample
 * @param samples samples learned (finite, with enough volume)
 * @param skippedNaN samples skipped because the value was {@code NaN} or infinite
 * @param skippedLowVolume samples skipped because their volume was under the minimum
 */
public record SeriesState(
        String model,
        String signal,
        double mean,
        double stddev,
        double lastZ,
        boolean active,
        Basis basis,
        long samples,
        long skippedNaN,
        long skippedLowVolume) {

    /** The baseline a sample was compared with. */
    public enum Basis {
        /** None yet: fewer than the warm-up number of samples; no verdict. */
        WARM_UP,
        /** The EWMA mean and standard deviation. */
        EWMA,
        /** The median and 1.4826 x MAD of the trailing window. */
        ROBUST,
        /** The same time of day on earlier days. */
        DAILY,
        /** The same time of week on earlier weeks. */
        WEEKLY
    }
}
