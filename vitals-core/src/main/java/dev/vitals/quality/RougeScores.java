package dev.vitals.quality;

/**
 * ROUGE F-measures (Lin, 2004) of one candidate, or their mean over pairs.
 *
 * @param rouge1 unigram-overlap F1
 * @param rouge2 bigram-overlap F1
 * @param rougeL longest-common-subsequence F1 (sentence level)
 */
public record RougeScores(double rouge1, double rouge2, double rougeL) {
}
