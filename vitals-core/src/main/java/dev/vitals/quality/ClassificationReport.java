package dev.vitals.quality;

import java.util.List;

/**
 * Classification metrics with scikit-learn's definitions (checked against sklearn 1.2.1).
 *
 * <p>Labels are the union of actual and predicted labels present, in code point order (numpy's
 * order for strings). Precision, recall and F1 follow {@code precision_recall_fscore_support} with
 * {@code zero_division=0}: a label never predicted has precision 0.0, a label that never occurs has
 * recall 0.0, and F1 is 0.0 when precision and recall are both 0. The macro average includes such
 * labels; the weighted average weighs by support; micro precision, recall and F1 all equal the
 * accuracy for single-label rows.
 *
 * <p>ROC AUC and log loss use only the rows that carried a score or probabilities
 * ({@code scoredCount}). Binary tasks: AUC of the positive label's score, as
 * {@code roc_auc_score(actual == positive, score)}. Multiclass: one-vs-rest macro average over the
 * labels that occur among scored rows with both positives and negatives, which equals
 * {@code roc_auc_score(multi_class='ovr', average='macro')} whenever sklearn defines it (every
 * task label occurs). ROC AUC is {@code NaN} when no label has both positives and negatives (e.g.
 * one class only in the window). Log loss is {@code log_loss} with sklearn's {@code eps="auto"}
 * clipping (probabilities clipped to [2.22e-16, 1 - 2.22e-16], then each row renormalized) and
 * {@code labels} = the task's labels; {@code NaN} without scored rows.
 *
 * @param count rows
 * @param accuracy share of rows whose prediction equals the actual label; {@code NaN} when empty
 * @param classes per-label metrics in label order
 * @param macro unweighted mean over labels
 * @param micro from summed counts
 * @param weighted mean weighted by each label's support
 * @param confusion rows are actual labels, columns predicted labels
 * @param positiveLabel the positive label of a binary task, otherwise {@code null}
 * @param scoredCount rows with a score or probabilities
 * @param rocAuc ROC AUC from binned scores; {@code NaN} when undefined
 * @param rocAucErrorBound a bound on |binned AUC - exact AUC|: half the share of (positive, negative)
 *        pairs whose scores fell into the same bin, averaged like the AUC. With B bins and scores
 *        spread over [0, 1] it is about 1/(2B) (5e-4 for the default 1,000 bins); it is 0 when no
 *        bin mixes positives and negatives, and the AUC is exact when all scores are multiples of
 *        1/B (each bin then holds one distinct score, whose ties sklearn also counts as halves)
 * @param logLoss mean log loss; {@code NaN} without scored rows
 */
public record ClassificationReport(
        long count,
        double accuracy,
        List<ClassMetrics> classes,
        AverageMetrics macro,
        AverageMetrics micro,
        AverageMetrics weighted,
        ConfusionMatrix confusion,
        String positiveLabel,
        long scoredCount,
        double rocAuc,
        double rocAucErrorBound,
        double logLoss) {

    public ClassificationReport {
        classes = List.copyOf(classes);
    }

    /** The metrics of {@code label}, or {@code null} when it is not among the labels present. */
    public ClassMetrics metricsOf(String label) {
        for (ClassMetrics c : classes) {
            if (c.label().equals(label)) {
                return c;
            }
        }
        return null;
    }
}
