package dev.vitals.quality;

import java.util.List;

/**
 * Reference-based text metrics and perplexity; see {@link TextMetrics} for the definitions and
 * tokenization. Metrics are {@code NaN} when no pair (or no token) was added.
 *
 * @param pairs candidate/reference pairs added
 * @param bleu corpus BLEU-4 without smoothing (NLTK {@code corpus_bleu}, {@code method0})
 * @param bleuMethod1 corpus BLEU-4 with NLTK's {@code SmoothingFunction().method1}
 * @param brevityPenalty the corpus brevity penalty
 * @param precisions modified 1- to 4-gram precisions (matches / n-grams), unsmoothed
 * @param hypothesisLength candidate tokens
 * @param referenceLength closest-reference tokens
 * @param rouge mean ROUGE-1, ROUGE-2 and ROUGE-L F-measures over pairs
 * @param tokens tokens whose log-probabilities were added
 * @param perplexity exp(-mean natural-log probability) over all tokens
 */
public record TextReport(
        long pairs,
        double bleu,
        double bleuMethod1,
        double brevityPenalty,
        List<Double> precisions,
        long hypothesisLength,
        long referenceLength,
        RougeScores rouge,
        long tokens,
        double perplexity) {

    public TextReport {
        precisions = List.copyOf(precisions);
    }
}
