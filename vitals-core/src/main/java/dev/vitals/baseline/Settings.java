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
        int seasonalMinHistory) {

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
}
