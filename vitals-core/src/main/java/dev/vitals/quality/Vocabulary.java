package dev.vitals.quality;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One model's append-only, capped names: labels (mapped to dense ids that accumulators count
 * with), score series with their kinds, and categories per categorical series. Shared by all
 * buckets and windows of a model, so a label has one id everywhere and a score name one kind;
 * a window forgetting old data never lets a later batch redefine them.
 *
 * <p>Registration is all-or-nothing and happens after a batch was validated, so a rejected batch
 * leaves no trace. Lookups take no lock.
 */
final class Vocabulary {
    final QualitySpec spec;
    private final ConcurrentHashMap<String, Integer> labelIds = new ConcurrentHashMap<>();
    private volatile String[] labels = new String[0];
    private final ConcurrentHashMap<SeriesKey, Series> series = new ConcurrentHashMap<>();

    record SeriesKey(String name, ScoreSource source) {
    }

    /** A registered score series: its kind and its categories (categorical only). */
    static final class Series {
        final SeriesKey key;
        final ScoreKind kind;
        private final ConcurrentHashMap<String, Boolean> categories = new ConcurrentHashMap<>();

        Series(SeriesKey key, ScoreKind kind) {
            this.key = key;
            this.kind = kind;
        }
    }

    Vocabulary(QualitySpec spec) {
        this.spec = spec;
        String[] declared = spec.labels().toArray(new String[0]);
        for (int i = 0; i < declared.length; i++) {
            labelIds.put(declared[i], i);
        }
        labels = declared;
    }

    /** A vocabulary whose label ids are the positions in {@code labels}, as a serialized state recorded them. */
    static Vocabulary restore(QualitySpec spec, List<String> labels) {
        Vocabulary v = new Vocabulary(spec);
        List<String> declared = spec.labels();
        if (labels.size() < declared.size() || !labels.subList(0, declared.size()).equals(declared)) {
            throw new IllegalArgumentException("invalid quality state: labels must start with the spec's labels "
                    + declared);
        }
        Map<String, Integer> fresh = new LinkedHashMap<>();
        for (String l : labels.subList(declared.size(), labels.size())) {
            if (l == null || l.isEmpty() || v.labelId(l) >= 0 || fresh.putIfAbsent(l, -1) != null || spec.closed()) {
                throw new IllegalArgumentException("invalid quality state: labels must be distinct non-empty strings"
                        + (spec.closed() ? " of the spec" : "") + ", got \"" + l + "\"");
            }
        }
        v.registerLabels(fresh);
        return v;
    }

    /** The id of {@code label}, or -1. */
    int labelId(String label) {
        Integer id = labelIds.get(label);
        return id == null ? -1 : id;
    }

    /** All labels by id; ids never change. */
    String[] labels() {
        return labels;
    }

    int labelCount() {
        return labels.length;
    }

    /**
     * Registers the labels not yet known, all or none.
     *
     * @param fresh candidate labels in first-seen order, each with the row it came from (-1 for a merge)
     */
    synchronized void registerLabels(Map<String, Integer> fresh) {
        if (fresh.isEmpty()) {
            return;
        }
        List<String> add = new ArrayList<>();
        for (Map.Entry<String, Integer> e : fresh.entrySet()) {
            if (!labelIds.containsKey(e.getKey())) {
                if (labels.length + add.size() >= spec.maxLabels()) {
                    String where = e.getValue() < 0 ? "merging: " : "row " + e.getValue() + ": ";
                    throw new IllegalArgumentException(where + "label \"" + e.getKey() + "\" would exceed the limit of "
                            + spec.maxLabels() + " distinct labels");
                }
                add.add(e.getKey());
            }
        }
        String[] next = Arrays.copyOf(labels, labels.length + add.size());
        for (int i = 0; i < add.size(); i++) {
            next[labels.length + i] = add.get(i);
            labelIds.put(add.get(i), labels.length + i);
        }
        labels = next;
    }

    /** The ids in this vocabulary of {@code names} (another vocabulary's labels), registering them all or none. */
    int[] adoptLabels(String[] names) {
        Map<String, Integer> fresh = new LinkedHashMap<>();
        for (String n : names) {
            if (labelId(n) < 0) {
                if (spec.closed()) {
                    throw new IllegalArgumentException("merging: unknown label \"" + n + "\"; "
                            + Labels.describe(spec.labels()));
                }
                fresh.put(n, -1);
            }
        }
        registerLabels(fresh);
        int[] map = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            map[i] = labelId(names[i]);
        }
        return map;
    }

    Series series(SeriesKey key) {
        return series.get(key);
    }

    /** Registers new series with their kinds, all or none; fails on a kind that differs from a registered one. */
    synchronized void registerSeries(Map<SeriesKey, ScoreKind> fresh, boolean merging) {
        int added = 0;
        for (Map.Entry<SeriesKey, ScoreKind> e : fresh.entrySet()) {
            Series s = series.get(e.getKey());
            if (s != null) {
                if (s.kind != e.getValue()) {
                    throw kindConflict(e.getKey(), s.kind, e.getValue(), merging);
                }
            } else if (series.size() + ++added > spec.maxScoreSeries()) {
                throw new IllegalArgumentException((merging ? "merging: " : "") + "score \"" + e.getKey().name()
                        + "\" from " + e.getKey().source().wireName() + " would exceed the limit of "
                        + spec.maxScoreSeries() + " score series");
            }
        }
        for (Map.Entry<SeriesKey, ScoreKind> e : fresh.entrySet()) {
            series.putIfAbsent(e.getKey(), new Series(e.getKey(), e.getValue()));
        }
    }

    static IllegalArgumentException kindConflict(SeriesKey key, ScoreKind was, ScoreKind got, boolean merging) {
        return new IllegalArgumentException((merging ? "merging: " : "") + "score \"" + key.name() + "\" from "
                + key.source().wireName() + " is " + was.wireName() + ", got " + got.wireName());
    }

    /**
     * The category a value is counted under: itself while the series has fewer than
     * {@code maxCategories} values (registering it), otherwise {@code __overflow__}.
     */
    String category(Series s, String value) {
        if (s.categories.containsKey(value)) {
            return value;
        }
        synchronized (s) {
            if (s.categories.containsKey(value)) {
                return value;
            }
            if (s.categories.size() >= spec.maxCategories()) {
                return dev.vitals.labels.LabelValues.OVERFLOW;
            }
            s.categories.put(value, Boolean.TRUE);
            return value;
        }
    }
}
