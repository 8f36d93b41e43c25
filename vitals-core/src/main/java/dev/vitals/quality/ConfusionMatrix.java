package dev.vitals.quality;

import java.util.ArrayList;
import java.util.List;

/**
 * A confusion matrix as sklearn's {@code confusion_matrix(actual, predicted, labels=labels)}:
 * {@code counts.get(i).get(j)} rows whose actual label is {@code labels.get(i)} and predicted label
 * {@code labels.get(j)}.
 *
 * @param labels the union of actual and predicted labels, in code point order
 * @param counts one row per actual label
 */
public record ConfusionMatrix(List<String> labels, List<List<Long>> counts) {

    public ConfusionMatrix {
        labels = List.copyOf(labels);
        List<List<Long>> rows = new ArrayList<>(counts.size());
        for (List<Long> row : counts) {
            rows.add(List.copyOf(row));
        }
        counts = List.copyOf(rows);
    }

    /** Rows with this actual and predicted label; 0 when either is not present. */
    public long count(String actual, String predicted) {
        int i = labels.indexOf(actual);
        int j = labels.indexOf(predicted);
        return i < 0 || j < 0 ? 0 : counts.get(i).get(j);
    }
}
