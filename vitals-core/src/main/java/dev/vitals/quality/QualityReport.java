package dev.vitals.quality;

/**
 * An immutable snapshot of one model's quality over a window (or over everything a
 * {@link QualityStats} holds), ready for a JSON API: every part is present, with a count of 0 and
 * {@code NaN} metrics when the window holds no data of that kind. Jackson writes {@code NaN} as the
 * string {@code "NaN"} unless told otherwise.
 *
 * @param fromMillis start of the oldest bucket in the window (epoch millis); 0 for a {@link QualityStats}
 * @param toMillis the clock's time of the snapshot (epoch millis); 0 for a {@link QualityStats}
 * @param classification classification metrics
 * @param regression regression metrics
 * @param scores summaries of named LLM quality scores
 * @param text BLEU, ROUGE and perplexity
 */
public record QualityReport(
        long fromMillis,
        long toMillis,
        ClassificationReport classification,
        RegressionReport regression,
        ScoresReport scores,
        TextReport text) {
}
