package dev.vitals.baseline;

/**
 * The validated configuration of a {@link Detector}, shared by its series. See {@link Detector.Builder}
 * for the meaning and defaults of each field.
 */
record Settings(
        double alpha,
        int warmUp,
        double threshold,
        double closeThreshold,
        int openAfter,
        int closeAfter,
        long minVolume,
        double minStddev,
        double minStddevRatio,
        int robustWindow,
        int dailySlots,
        int weeklySlots,
        int seasonalMinHistory,
        java.util.Set<String> binomialSignals,
        java.util.Map<String, Double> relativeFloors) {

    static final long DAY_MILLIS = 86_400_000L;
    static final long WEEK_MILLIS = 7 * DAY_MILLIS;

    /**
     * The scale a z-score divides by: {@code max(stddev, minStddev, minStddevRatio x |level|)}. A series
     * that has been constant (or, robustly, mostly constant) has a spread of ~0, and without a floor
     * the first tiny wobble would score a z of millions.
     */
    double floor(double stddev, double level) {
        return Math.max(stddev, Math.max(minStddev, minStddevRatio * Math.abs(level)));
    }

    /**
     * The floor of one signal's sample summarizing {@code volume} events. A ratio signal (errors over
     * requests) cannot be known better than its binomial sampling error for this interval's volume,
     * {@code √(p̃(1−p̃)/n)} with p̃ the baseline clamped to [1/(4n), 1−1/(4n)]: it stays positive after an
     * error-free warm-up, so one error in an interval scores z ≤ 2 (not 10^7) and is never an anomaly by
     * itself, while two score z ≈ 4. A clamp at 1/n would need four errors in a hundred requests to
     * reach z = 3 and let a 5% burst pass three intervals in a row more often than not. A signal with a
     * relative floor (latencies, costs) is not judged finer than that fraction of its level.
     */
    double floor(String signal, double stddev, double level, long volume) {
        double f = floor(stddev, level);
        if (volume > 0 && volume < Long.MAX_VALUE && binomialSignals.contains(signal)) {
            double n = volume;
            double p = Math.max(0.25 / n, Math.min(Double.isFinite(level) ? level : 0, 1 - 0.25 / n));
            f = Math.max(f, Math.sqrt(p * (1 - p) / n));
        }
        Double rel = relativeFloors.get(signal);
        if (rel != null) {
            f = Math.max(f, rel * Math.abs(level));
        }
        return f;
    }
}
