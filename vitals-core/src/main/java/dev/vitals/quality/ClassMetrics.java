package dev.vitals.quality;

/**
 * Precision, recall and F1 of one label, with {@code zero_division=0}.
 *
 * @param label the label
 * @param precision true positives / predicted as this label; 0.0 when never predicted
 * @param recall true positives / actually this label; 0.0 when it never occurs
 * @param f1 2PR / (P + R); 0.0 when P + R = 0
 * @param support rows whose actual label is this one
 */
public record ClassMetrics(String label, double precision, double recall, double f1, long support) {
}
