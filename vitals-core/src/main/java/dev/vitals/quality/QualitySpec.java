package dev.vitals.quality;

import dev.vitals.internal.Args;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What one model's quality accumulators accept, and how much memory they may use. Immutable.
 *
 * <pre>{@code
 * QualitySpec fraud = QualitySpec.builder().binary("legit", "fraud").build();
 * QualitySpec intents = QualitySpec.builder().labels("billing", "cancel", "other").aucBins(10_000).build();
 * QualitySpec open = QualitySpec.defaults(); // multiclass, labels discovered as they come
 * }</pre>
 *
 * <p>Three kinds of classification task:
 * <ul>
 *   <li><b>binary</b> ({@link Builder#binary}): two labels; a row's score is the probability of the
 *       positive label, and ROC AUC and log loss are those of the positive label;</li>
 *   <li><b>closed multiclass</b> ({@link Builder#labels}): a row whose label (or probability key)
 *       is not declared is rejected;</li>
 *   <li><b>open multiclass</b> (neither): labels are registered as they arrive.</li>
 * </ul>
 *
 * <p>Limits, all per model and for its lifetime (a model's vocabulary only grows, so a label that
 * left a window still counts): {@code maxLabels} distinct labels (default 1,000; a batch that would
 * register one more is rejected whole); {@code aucBins} score bins for ROC AUC (default 1,000, see
 * {@link ClassificationReport#rocAucErrorBound()}); {@code maxScoreSeries} distinct (score name,
 * source) pairs (default 200; one more is rejected); {@code maxCategories} distinct values per
 * categorical score (default 100; later values are counted as {@code __overflow__}).
 */
public final class QualitySpec {
    private static final QualitySpec DEFAULTS = builder().build();

    private final String negativeLabel;
    private final String positiveLabel;
    private final List<String> labels;
    private final int maxLabels;
    private final int aucBins;
    private final int maxScoreSeries;
    private final int maxCategories;

    private QualitySpec(Builder b, List<String> labels) {
        this.negativeLabel = b.negative;
        this.positiveLabel = b.positive;
        this.labels = labels;
        this.maxLabels = b.maxLabels;
        this.aucBins = b.aucBins;
        this.maxScoreSeries = b.maxScoreSeries;
        this.maxCategories = b.maxCategories;
    }

    /** An open multiclass task with the default limits. */
    public static QualitySpec defaults() {
        return DEFAULTS;
    }

    /** A new builder: open multiclass, default limits. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether this is a binary task. */
    public boolean binary() {
        return positiveLabel != null;
    }

    /** The positive label of a binary task, otherwise {@code null}. */
    public String positiveLabel() {
        return positiveLabel;
    }

    /** The negative label of a binary task, otherwise {@code null}. */
    public String negativeLabel() {
        return negativeLabel;
    }

    /** The declared labels in code point order (both labels of a binary task); empty for an open task. */
    public List<String> labels() {
        return labels;
    }

    /** Whether the labels are declared, so unknown ones are rejected. */
    public boolean closed() {
        return !labels.isEmpty();
    }

    /** Distinct labels a model may register; default 1,000. */
    public int maxLabels() {
        return maxLabels;
    }

    /** Score bins in [0, 1] for ROC AUC; default 1,000. */
    public int aucBins() {
        return aucBins;
    }

    /** Distinct (score name, source) pairs a model may register; default 200. */
    public int maxScoreSeries() {
        return maxScoreSeries;
    }

    /** Distinct values per categorical score before later ones count as {@code __overflow__}; default 100. */
    public int maxCategories() {
        return maxCategories;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QualitySpec s
                && Objects.equals(negativeLabel, s.negativeLabel) && Objects.equals(positiveLabel, s.positiveLabel)
                && labels.equals(s.labels) && maxLabels == s.maxLabels && aucBins == s.aucBins
                && maxScoreSeries == s.maxScoreSeries && maxCategories == s.maxCategories;
    }

    @Override
    public int hashCode() {
        return Objects.hash(negativeLabel, positiveLabel, labels, maxLabels, aucBins, maxScoreSeries, maxCategories);
    }

    @Override
    public String toString() {
        String task = binary() ? "binary(" + negativeLabel + ", " + positiveLabel + ")"
                : closed() ? "labels" + labels : "open";
        return "QualitySpec[" + task + ", maxLabels=" + maxLabels + ", aucBins=" + aucBins
                + ", maxScoreSeries=" + maxScoreSeries + ", maxCategories=" + maxCategories + "]";
    }

    /** Configures a {@link QualitySpec}. */
    public static final class Builder {
        private String negative;
        private String positive;
        private List<String> declared = List.of();
        private int maxLabels = 1000;
        private int aucBins = 1000;
        private int maxScoreSeries = 200;
        private int maxCategories = 100;

        private Builder() {
        }

        /** A binary task; {@code positive} is the label whose probability a row's score gives. */
        public Builder binary(String negative, String positive) {
            if (negative == null || positive == null || negative.isEmpty() || positive.isEmpty()
                    || negative.equals(positive)) {
                throw new IllegalArgumentException("binary labels must be two different non-empty strings, got "
                        + quote(negative) + " and " + quote(positive));
            }
            this.negative = negative;
            this.positive = positive;
            return this;
        }

        /** A closed multiclass task with these labels (at least 2, distinct, non-empty). */
        public Builder labels(String... labels) {
            return labels(labels == null ? null : java.util.Arrays.asList(labels));
        }

        /** A closed multiclass task with these labels (at least 2, distinct, non-empty). */
        public Builder labels(List<String> labels) {
            if (labels == null || labels.size() < 2) {
                throw new IllegalArgumentException("labels must name at least 2 classes, got "
                        + (labels == null ? 0 : labels.size()));
            }
            Set<String> seen = new LinkedHashSet<>();
            for (String l : labels) {
                if (l == null || l.isEmpty() || !seen.add(l)) {
                    throw new IllegalArgumentException("labels must be distinct non-empty strings, got " + labels);
                }
            }
            this.declared = List.copyOf(seen);
            return this;
        }

        /** Distinct labels per model, in [2, 100,000]; default 1,000. */
        public Builder maxLabels(int maxLabels) {
            this.maxLabels = Args.inRange(maxLabels, 2, 100_000, "maxLabels");
            return this;
        }

        /** Score bins for ROC AUC, in [10, 100,000]; default 1,000. */
        public Builder aucBins(int aucBins) {
            this.aucBins = Args.inRange(aucBins, 10, 100_000, "aucBins");
            return this;
        }

        /** Distinct (score name, source) pairs per model, in [1, 10,000]; default 200. */
        public Builder maxScoreSeries(int maxScoreSeries) {
            this.maxScoreSeries = Args.inRange(maxScoreSeries, 1, 10_000, "maxScoreSeries");
            return this;
        }

        /** Distinct values per categorical score, in [1, 10,000]; default 100. */
        public Builder maxCategories(int maxCategories) {
            this.maxCategories = Args.inRange(maxCategories, 1, 10_000, "maxCategories");
            return this;
        }

        /** The spec; fails when both {@code binary} and {@code labels} were given or the labels exceed {@code maxLabels}. */
        public QualitySpec build() {
            if (positive != null && !declared.isEmpty()) {
                throw new IllegalArgumentException("a task is either binary(...) or labels(...), not both");
            }
            List<String> labels = new ArrayList<>(positive != null ? List.of(negative, positive) : declared);
            if (labels.size() > maxLabels) {
                throw new IllegalArgumentException("labels names " + labels.size() + " classes, more than maxLabels "
                        + maxLabels);
            }
            labels.sort(Labels.ORDER);
            return new QualitySpec(this, Collections.unmodifiableList(labels));
        }

        private static String quote(String s) {
            return s == null ? "null" : "\"" + s + "\"";
        }
    }
}
