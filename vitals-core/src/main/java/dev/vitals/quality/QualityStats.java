package dev.vitals.quality;

import dev.vitals.quality.Vocabulary.SeriesKey;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Mergeable quality sums of one model without time: classification, regression, named scores and
 * text metrics. The bulk path of a CLI, and the content of each {@link QualityWindow} bucket.
 *
 * <pre>{@code
 * QualityStats stats = QualityStats.create(QualitySpec.builder().binary("legit", "fraud").build());
 * stats.addClassification(actual, predicted, scores, n);   // columns, e.g. 100,000 rows per chunk
 * QualityReport report = stats.report();
 * byte[] state = stats.toBytes();                          // and QualityStats.fromBytes(state)
 * }</pre>
 *
 * <p>Memory does not grow with rows: confusion counts (at most labels squared entries), the ROC
 * AUC histogram (at most labels x (aucBins + 1) x 2 entries), per-score sums and categories, and a
 * few sums. Thread-safe: one lock per instance; validation and text scoring happen outside it.
 */
public final class QualityStats extends QualityRecorder {
    static final String FORMAT = "vitals.quality.stats";

    private final Vocabulary vocab;
    final ClassificationAcc classification = new ClassificationAcc();
    final RegressionAcc regression = new RegressionAcc();
    final ScoresAcc scores = new ScoresAcc();
    final TextAcc text = new TextAcc();

    QualityStats(Vocabulary vocab) {
        this.vocab = vocab;
    }

    /** Empty stats for an open multiclass task with default limits. */
    public static QualityStats create() {
        return create(QualitySpec.defaults());
    }

    /** Empty stats for {@code spec}. */
    public static QualityStats create(QualitySpec spec) {
        Objects.requireNonNull(spec, "spec must not be null");
        return new QualityStats(new Vocabulary(spec));
    }

    /** The task and limits. */
    public QualitySpec spec() {
        return vocab.spec;
    }

    @Override
    Vocabulary vocabulary() {
        return vocab;
    }

    @Override
    void accept(QualityBatch batch) {
        synchronized (this) {
            applyLocked(batch);
        }
    }

    /** Caller holds this instance's lock. */
    void applyLocked(QualityBatch b) {
        if (b instanceof ClassificationBatch c) {
            classification.apply(c, vocab.spec.aucBins());
        } else if (b instanceof RegressionAcc.Batch r) {
            regression.apply(r);
        } else if (b instanceof ScoresAcc.Batch s) {
            scores.apply(s);
        } else if (b instanceof TextAcc.Batch t) {
            text.apply(t);
        } else {
            throw new IllegalStateException("unknown batch " + b.getClass());
        }
    }

    /** Caller holds this instance's lock. */
    void clearLocked() {
        classification.clear();
        regression.clear();
        scores.clear();
        text.clear();
    }

    /** Caller holds this instance's lock. */
    boolean isEmptyLocked() {
        return classification.count == 0 && regression.count == 0 && scores.stats.isEmpty() && text.pairs == 0
                && text.tokens == 0;
    }

    /** A deep copy in the same vocabulary; caller holds this instance's lock. */
    QualityStats copyLocked() {
        QualityStats c = new QualityStats(vocab);
        c.mergeLocked(this);
        return c;
    }

    /** Adds {@code o}'s sums (same vocabulary); caller holds this instance's lock, {@code o} is private or locked. */
    void mergeLocked(QualityStats o) {
        classification.merge(o.classification, null, vocab.spec.aucBins());
        regression.merge(o.regression);
        scores.merge(o.scores);
        text.merge(o.text);
    }

    /** A report of everything added. */
    public QualityReport report() {
        synchronized (this) {
            return reportLocked(0, 0);
        }
    }

    QualityReport reportLocked(long fromMillis, long toMillis) {
        return new QualityReport(fromMillis, toMillis, classification.report(vocab), regression.report(),
                scores.report(), text.report());
    }

    /**
     * Adds {@code other}'s sums to these, e.g. from another replica or a restored state. Both must
     * have equal specs. {@code other}'s labels and score series are registered here first, all or
     * none: a merge that would pass a limit fails and changes nothing.
     */
    public void merge(QualityStats other) {
        if (other == this) {
            throw new IllegalArgumentException("cannot merge quality stats into themselves");
        }
        checkSameSpec(vocab.spec, other.vocab.spec);
        QualityStats copy;
        synchronized (other) {
            copy = other.copyLocked();
        }
        QualityStats adopted = adopt(List.of(copy), other.vocab, vocab).get(0);
        synchronized (this) {
            mergeLocked(adopted);
        }
    }

    static void checkSameSpec(QualitySpec a, QualitySpec b) {
        if (!a.equals(b)) {
            throw new IllegalArgumentException("cannot merge quality state with a different spec: " + a + " vs " + b);
        }
    }

    /**
     * Private copies in vocabulary {@code from} translated into {@code to}: labels, then score
     * series are registered in {@code to} (each all or none), categories folded by {@code to}'s cap.
     */
    static List<QualityStats> adopt(List<QualityStats> sources, Vocabulary from, Vocabulary to) {
        if (from == to) {
            return sources;
        }
        int[] map = to.adoptLabels(from.labels());
        Map<SeriesKey, ScoreKind> kinds = new LinkedHashMap<>();
        for (QualityStats s : sources) {
            for (Map.Entry<SeriesKey, ScoresAcc.Stat> e : s.scores.stats.entrySet()) {
                ScoreKind was = kinds.putIfAbsent(e.getKey(), e.getValue().kind);
                if (was != null && was != e.getValue().kind) {
                    throw Vocabulary.kindConflict(e.getKey(), was, e.getValue().kind, true);
                }
            }
        }
        to.registerSeries(kinds, true);
        List<QualityStats> out = new java.util.ArrayList<>(sources.size());
        for (QualityStats s : sources) {
            QualityStats t = new QualityStats(to);
            t.classification.merge(s.classification, map, to.spec.aucBins());
            t.regression.merge(s.regression);
            t.text.merge(s.text);
            for (Map.Entry<SeriesKey, ScoresAcc.Stat> e : s.scores.stats.entrySet()) {
                ScoresAcc.Stat src = e.getValue();
                ScoresAcc.Stat dst = new ScoresAcc.Stat(src.kind);
                dst.count = src.count;
                dst.sum = src.sum;
                dst.min = src.min;
                dst.max = src.max;
                dst.trueCount = src.trueCount;
                Vocabulary.Series series = to.series(e.getKey());
                src.categories.forEach((c, n) -> dst.categories.merge(to.category(series, c), n, Long::sum));
                t.scores.stats.put(e.getKey(), dst);
            }
            out.add(t);
        }
        return out;
    }

    /** The state as versioned JSON (format {@code vitals.quality.stats}, version 1). */
    public String toJson() {
        QualityStats copy;
        synchronized (this) {
            copy = copyLocked();
        }
        return QualityCodec.writeStats(copy);
    }

    /** {@link #toJson()} as UTF-8. */
    public byte[] toBytes() {
        return toJson().getBytes(StandardCharsets.UTF_8);
    }

    /** Stats from {@link #toJson()}; fails with {@link IllegalArgumentException} on anything else. */
    public static QualityStats fromJson(String json) {
        return QualityCodec.readStats(json);
    }

    /** Stats from {@link #toBytes()}. */
    public static QualityStats fromBytes(byte[] state) {
        return fromJson(new String(state, StandardCharsets.UTF_8));
    }
}
