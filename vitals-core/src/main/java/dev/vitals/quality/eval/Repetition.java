package dev.vitals.quality.eval;

import dev.vitals.quality.Score;
import dev.vitals.quality.ScoreSource;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A coherence proxy: {@code repetition} is the share of the response's word n-grams (lower-cased,
 * default n = 3) that repeat an earlier one, 0 for text with no repeats and close to 1 for a model
 * stuck in a loop. Responses with fewer than n + 1 words score 0.
 */
public final class Repetition implements Evaluator {
    public static final String NAME = "repetition";
    private final int n;

    public Repetition(int n) {
        if (n < 1 || n > 10) {
            throw new IllegalArgumentException("repetition n-gram size must be 1..10, got " + n);
        }
        this.n = n;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void evaluate(EvalInput in, List<Score> out) {
        out.add(Score.numeric(NAME, ScoreSource.CODE, share(in.response(), n)));
    }

    /** The share of repeated word n-grams of {@code text}. */
    public static double share(String text, int n) {
        String[] w = text.toLowerCase(Locale.ROOT).trim().split("[\\s\\p{Punct}]+");
        int total = w.length - n + 1;
        if (w.length == 0 || w[0].isEmpty() && w.length == 1 || total < 2) {
            return 0;
        }
        Set<String> seen = new HashSet<>(total * 2);
        int repeated = 0;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < total; i++) {
            sb.setLength(0);
            for (int j = i; j < i + n; j++) {
                sb.append(w[j]).append(' ');
            }
            if (!seen.add(sb.toString())) {
                repeated++;
            }
        }
        return (double) repeated / total;
    }
}
