package dev.vitals.quality;

import java.util.Map;

/**
 * The summary of one (name, source) score series. Fields that do not apply to the kind are
 * {@code NaN}, 0 or empty.
 *
 * @param name score name
 * @param source who scored
 * @param kind value type
 * @param count values
 * @param mean numeric: mean
 * @param min numeric: minimum
 * @param max numeric: maximum
 * @param trueCount boolean: values that were {@code true}
 * @param trueRate boolean: {@code trueCount / count}
 * @param categories categorical: count per value, in code point order; values past the model's
 *        {@code maxCategories} are counted under {@code __overflow__}
 */
public record ScoreSummary(
        String name,
        ScoreSource source,
        ScoreKind kind,
        long count,
        double mean,
        double min,
        double max,
        long trueCount,
        double trueRate,
        Map<String, Long> categories) {

    public ScoreSummary {
        // a copy in the caller's (code point) order; TreeMap would re-sort by UTF-16 units
        categories = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(categories));
    }
}
