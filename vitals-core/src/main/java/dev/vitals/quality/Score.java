package dev.vitals.quality;

/**
 * One named quality score of an LLM response, e.g. {@code helpfulness} 4 from a human,
 * {@code hallucination} false from an LLM judge, {@code tone} "formal" from code. Values are
 * checked when the score is added to an accumulator.
 *
 * <pre>{@code
 * recorder.addScores(List.of(
 *     Score.numeric("helpfulness", ScoreSource.HUMAN, 4),
 *     Score.bool("hallucination", ScoreSource.LLM_JUDGE, false),
 *     Score.category("tone", ScoreSource.CODE, "formal")));
 * }</pre>
 *
 * @param name the score's name; any non-empty string (see {@link ScoresReport} for the names rates use)
 * @param source who produced it
 * @param kind the value's type
 * @param number the value of a numeric score, otherwise {@code NaN}
 * @param flag the value of a boolean score, otherwise {@code false}
 * @param category the value of a categorical score, otherwise {@code null}
 */
public record Score(String name, ScoreSource source, ScoreKind kind, double number, boolean flag, String category) {

    /** A numeric score; the value must be finite. */
    public static Score numeric(String name, ScoreSource source, double value) {
        return new Score(name, source, ScoreKind.NUMERIC, value, false, null);
    }

    /** A boolean score. */
    public static Score bool(String name, ScoreSource source, boolean value) {
        return new Score(name, source, ScoreKind.BOOLEAN, Double.NaN, value, null);
    }

    /** A categorical score; the value must be a non-empty string. */
    public static Score category(String name, ScoreSource source, String value) {
        return new Score(name, source, ScoreKind.CATEGORICAL, Double.NaN, false, value);
    }
}
