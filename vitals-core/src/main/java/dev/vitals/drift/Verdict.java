package dev.vitals.drift;

/** The outcome of a drift test on one feature or on a whole dataset. */
public enum Verdict {
    /** The test's score crossed its threshold. */
    DRIFT,
    /** The test ran and its score did not cross the threshold. */
    NO_DRIFT,
    /**
     * No test could run: an empty window or an all-null column (for a feature), no feature with a verdict (for a
     * dataset). The score is NaN; none is made up.
     */
    NO_VERDICT,
    /**
     * Sketch mode only: the test ran, but the interval that holds the exact score straddles the threshold (or the sketch
     * cannot bound the score), so either verdict could be wrong. Counted like {@link #NO_VERDICT} in the drift share;
     * a dataset is uncertain when its undecided features could tip its verdict.
     */
    UNCERTAIN
}
