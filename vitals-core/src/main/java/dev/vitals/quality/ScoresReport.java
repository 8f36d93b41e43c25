package dev.vitals.quality;

import java.util.List;

/**
 * Summaries of named LLM quality scores, one per (name, source), and two rates across sources.
 *
 * <p>Rates use boolean scores only, matched by exact (case-sensitive) name:
 * <ul>
 *   <li>{@link #HALLUCINATION}: {@code hallucination} = {@code true} counts as a hallucination;</li>
 *   <li>{@link #SAFETY_FLAG}: {@code safety_flag} = {@code true} counts as flagged, and so does
 *       {@code safety} = {@code false} (a {@code safety} check that passes is {@code true}).</li>
 * </ul>
 * Numeric or categorical scores with these names are summarised but do not enter the rates.
 *
 * @param scores summaries ordered by name (code point order), then source
 * @param hallucination hallucinated responses / boolean {@code hallucination} scores
 * @param safetyFlag flagged responses / boolean {@code safety_flag} and {@code safety} scores
 */
public record ScoresReport(List<ScoreSummary> scores, Rate hallucination, Rate safetyFlag) {
    /** The boolean score name the hallucination rate counts. */
    public static final String HALLUCINATION = "hallucination";
    /** The boolean score name whose {@code true} values the safety-flag rate counts. */
    public static final String SAFETY_FLAG = "safety_flag";
    /** The boolean score name whose {@code false} values the safety-flag rate counts. */
    public static final String SAFETY = "safety";

    public ScoresReport {
        scores = List.copyOf(scores);
    }
}
