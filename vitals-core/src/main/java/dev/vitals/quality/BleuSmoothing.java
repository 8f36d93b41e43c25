package dev.vitals.quality;

/**
 * How corpus BLEU treats an n-gram order without a single match, as NLTK's
 * {@code SmoothingFunction} does.
 */
public enum BleuSmoothing {
    /**
     * NLTK's {@code method0} (its default, "no smoothing"): a zero precision becomes
     * {@code sys.float_info.min} ({@link Double#MIN_NORMAL}), so the score collapses to about 1e-77 or less.
     */
    NONE,
    /** NLTK's {@code method1}: a zero precision becomes {@code 0.1 / (n-grams of that order)}. */
    METHOD1
}
