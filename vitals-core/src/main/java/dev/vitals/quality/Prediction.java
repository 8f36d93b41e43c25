package dev.vitals.quality;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One classified row: the actual label, the predicted label, and optionally the positive-class
 * score (binary tasks) or the class probabilities (any task). Values are checked when the row is
 * added to an accumulator, which names the row in its error message.
 *
 * <pre>{@code
 * Prediction.of("fraud", "legit", 0.31);                          // binary, P(positive) = 0.31
 * Prediction.of("cat", "dog", Map.of("cat", 0.4, "dog", 0.6));    // multiclass
 * Prediction.of("cat", "cat");                                    // no scores: no ROC AUC or log loss from this row
 * }</pre>
 *
 * @param actual the true label
 * @param predicted the predicted label
 * @param score the probability of the task's positive label, or {@code null}
 * @param probabilities probability per label (absent labels count as 0), or {@code null}
 */
public record Prediction(String actual, String predicted, Double score, Map<String, Double> probabilities) {

    public Prediction {
        if (probabilities != null) {
            probabilities = Collections.unmodifiableMap(new LinkedHashMap<>(probabilities));
        }
    }

    /** A row without scores. */
    public static Prediction of(String actual, String predicted) {
        return new Prediction(actual, predicted, null, null);
    }

    /** A binary row with the positive label's probability. */
    public static Prediction of(String actual, String predicted, double score) {
        return new Prediction(actual, predicted, score, null);
    }

    /** A row with class probabilities. */
    public static Prediction of(String actual, String predicted, Map<String, Double> probabilities) {
        return new Prediction(actual, predicted, null, probabilities);
    }
}
