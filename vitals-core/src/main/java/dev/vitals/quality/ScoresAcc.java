package dev.vitals.quality;

import dev.vitals.quality.Vocabulary.SeriesKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Mergeable sums per (score name, source). Not thread-safe; {@link QualityStats} locks. */
final class ScoresAcc {
    final Map<SeriesKey, Stat> stats = new HashMap<>();

    static final class Stat {
        final ScoreKind kind;
        long count;
        double sum;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        long trueCount;
        final Map<String, Long> categories = new HashMap<>();

        Stat(ScoreKind kind) {
            this.kind = kind;
        }

        void merge(Stat o) {
            count += o.count;
            sum += o.sum;
            min = Math.min(min, o.min);
            max = Math.max(max, o.max);
            trueCount += o.trueCount;
            o.categories.forEach((c, n) -> categories.merge(c, n, Long::sum));
        }
    }

    /** Validated scores with their series registered and categories already folded. */
    record Batch(List<SeriesKey> keys, List<Score> scores, List<String> categories) implements QualityBatch {
    }

    static Batch prepare(Vocabulary v, List<Score> scores) {
        Objects.requireNonNull(scores, "scores must not be null");
        Map<SeriesKey, ScoreKind> fresh = new LinkedHashMap<>();
        List<SeriesKey> keys = new ArrayList<>(scores.size());
        for (int i = 0; i < scores.size(); i++) {
            Score s = scores.get(i);
            if (s == null) {
                throw new IllegalArgumentException("score " + i + ": must not be null");
            }
            if (s.name() == null || s.name().isEmpty()) {
                throw new IllegalArgumentException("score " + i + ": name must be a non-empty string");
            }
            if (s.source() == null || s.kind() == null) {
                throw new IllegalArgumentException("score " + i + ": source and kind must not be null");
            }
            if (s.kind() == ScoreKind.NUMERIC && !Double.isFinite(s.number())) {
                throw new IllegalArgumentException("score " + i + ": \"" + s.name() + "\" must be a finite number, got "
                        + s.number());
            }
            if (s.kind() == ScoreKind.CATEGORICAL && (s.category() == null || s.category().isEmpty())) {
                throw new IllegalArgumentException("score " + i + ": \"" + s.name()
                        + "\" must have a non-empty category");
            }
            SeriesKey key = new SeriesKey(s.name(), s.source());
            Vocabulary.Series known = v.series(key);
            ScoreKind was = known != null ? known.kind : fresh.get(key);
            if (was != null && was != s.kind()) {
                throw Vocabulary.kindConflict(key, was, s.kind(), false);
            }
            if (known == null) {
                fresh.put(key, s.kind());
            }
            keys.add(key);
        }
        v.registerSeries(fresh, false);
        List<String> categories = new ArrayList<>(scores.size());
        for (int i = 0; i < scores.size(); i++) {
            Score s = scores.get(i);
            categories.add(s.kind() == ScoreKind.CATEGORICAL ? v.category(v.series(keys.get(i)), s.category()) : null);
        }
        return new Batch(keys, List.copyOf(scores), categories);
    }

    void apply(Batch b) {
        for (int i = 0; i < b.keys().size(); i++) {
            Score s = b.scores().get(i);
            Stat st = stats.computeIfAbsent(b.keys().get(i), k -> new Stat(s.kind()));
            st.count++;
            switch (s.kind()) {
                case NUMERIC -> {
                    st.sum += s.number();
                    st.min = Math.min(st.min, s.number());
                    st.max = Math.max(st.max, s.number());
                }
                case BOOLEAN -> st.trueCount += s.flag() ? 1 : 0;
                case CATEGORICAL -> st.categories.merge(b.categories().get(i), 1L, Long::sum);
                default -> throw new IllegalStateException();
            }
        }
    }

    void merge(ScoresAcc o) {
        o.stats.forEach((k, st) -> stats.computeIfAbsent(k, x -> new Stat(st.kind)).merge(st));
    }

    void clear() {
        stats.clear();
    }

    ScoresAcc copy() {
        ScoresAcc c = new ScoresAcc();
        c.merge(this);
        return c;
    }

    ScoresReport report() {
        List<Map.Entry<SeriesKey, Stat>> entries = new ArrayList<>(stats.entrySet());
        entries.sort((a, b) -> {
            int c = Labels.compareCodePoints(a.getKey().name(), b.getKey().name());
            return c != 0 ? c : a.getKey().source().compareTo(b.getKey().source());
        });
        List<ScoreSummary> out = new ArrayList<>(entries.size());
        long hallucinated = 0;
        long hallucinationTotal = 0;
        long flagged = 0;
        long flagTotal = 0;
        for (Map.Entry<SeriesKey, Stat> e : entries) {
            Stat st = e.getValue();
            String name = e.getKey().name();
            boolean numeric = st.kind == ScoreKind.NUMERIC;
            boolean bool = st.kind == ScoreKind.BOOLEAN;
            Map<String, Long> cats = new LinkedHashMap<>();
            st.categories.keySet().stream().sorted(Labels.ORDER).forEach(c -> cats.put(c, st.categories.get(c)));
            out.add(new ScoreSummary(name, e.getKey().source(), st.kind, st.count,
                    numeric ? st.sum / st.count : Double.NaN, numeric ? st.min : Double.NaN, numeric ? st.max : Double.NaN,
                    st.trueCount, bool ? (double) st.trueCount / st.count : Double.NaN, cats));
            if (bool) {
                if (name.equals(ScoresReport.HALLUCINATION)) {
                    hallucinated += st.trueCount;
                    hallucinationTotal += st.count;
                } else if (name.equals(ScoresReport.SAFETY_FLAG)) {
                    flagged += st.trueCount;
                    flagTotal += st.count;
                } else if (name.equals(ScoresReport.SAFETY)) {
                    flagged += st.count - st.trueCount;
                    flagTotal += st.count;
                }
            }
        }
        return new ScoresReport(out, Rate.of(hallucinated, hallucinationTotal), Rate.of(flagged, flagTotal));
    }
}
