package dev.vitals.quality;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The ways to add quality data, shared by {@link QualityStats} (all time), {@link QualityWindow}
 * (sliding window) and {@link QualityTracker#model} (every window of a model).
 *
 * <p>Every method checks its whole batch first and throws {@link IllegalArgumentException} naming
 * the first bad row (0-based) before anything is applied: a rejected batch leaves the accumulator
 * unchanged. All methods are thread-safe. The array methods are the bulk path (a CLI evaluating
 * millions of rows in chunks): they allocate per batch, never per row, and {@code count} lets a
 * caller reuse its arrays.
 */
public abstract class QualityRecorder {

    QualityRecorder() {
    }

    /** A recorder that checks batches against {@code vocab} and hands each valid one to {@code sink}. */
    static QualityRecorder of(Vocabulary vocab, Consumer<QualityBatch> sink) {
        return new QualityRecorder() {
            @Override
            Vocabulary vocabulary() {
                return vocab;
            }

            @Override
            void accept(QualityBatch batch) {
                sink.accept(batch);
            }
        };
    }

    abstract Vocabulary vocabulary();

    /** Applies a validated batch; must not fail. */
    abstract void accept(QualityBatch batch);

    /**
     * A recorder whose data happened at {@code epochMillis}: windows put it in the bucket of that time (a
     * time after the clock counts as now, one older than a window is left out of it); all-time statistics
     * ignore the time. Validation is the same as this recorder's.
     */
    public QualityRecorder at(long epochMillis) {
        return this;
    }

    /** One classified row. */
    public final void addClassification(Prediction row) {
        addClassification(Collections.singletonList(row));
    }

    /** Classified rows, all or none. */
    public final void addClassification(List<Prediction> rows) {
        Objects.requireNonNull(rows, "rows must not be null");
        accept(ClassificationBatch.prepare(vocabulary(), rows));
    }

    /**
     * The first {@code count} rows of columns: labels, and for a binary task optionally the positive
     * label's probability per row ({@code scores} null: no ROC AUC or log loss from these rows).
     */
    public final void addClassification(String[] actual, String[] predicted, double[] scores, int count) {
        accept(ClassificationBatch.prepare(vocabulary(), actual, predicted, scores, count));
    }

    /**
     * The first {@code count} rows of columns with a row-major probability matrix:
     * {@code probabilities[row * classes.length + j]} is the probability of {@code classes[j]};
     * labels not in {@code classes} have probability 0.
     */
    public final void addClassification(String[] actual, String[] predicted, String[] classes, double[] probabilities,
                                        int count) {
        accept(ClassificationBatch.prepare(vocabulary(), actual, predicted, classes, probabilities, count));
    }

    /** One regression row; both values must be finite. */
    public final void addRegression(double actual, double predicted) {
        addRegression(new double[] {actual}, new double[] {predicted}, 1);
    }

    /** The first {@code count} regression rows; all values must be finite. */
    public final void addRegression(double[] actual, double[] predicted, int count) {
        accept(RegressionAcc.prepare(actual, predicted, count));
    }

    /** One named score. */
    public final void addScore(Score score) {
        addScores(Collections.singletonList(score));
    }

    /** Named scores, all or none. */
    public final void addScores(List<Score> scores) {
        accept(ScoresAcc.prepare(vocabulary(), scores));
    }

    /** A candidate text and its reference, for BLEU and ROUGE. */
    public final void addText(String candidate, String reference) {
        addText(candidate, Collections.singletonList(reference));
    }

    /** A candidate text and its references (at least one), for BLEU and ROUGE. */
    public final void addText(String candidate, List<String> references) {
        addTexts(Collections.singletonList(candidate), Collections.singletonList(references));
    }

    /** Candidates with their references, all or none. */
    public final void addTexts(List<String> candidates, List<List<String>> references) {
        accept(TextAcc.prepareTexts(candidates, references));
    }

    /** Natural-log probabilities of one output's tokens, for perplexity; each finite and &lt;= 0. */
    public final void addTokenLogProbs(double[] tokenLogProbs) {
        accept(TextAcc.prepareLogProbs(tokenLogProbs));
    }
}
