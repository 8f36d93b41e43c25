package dev.vitals.quality.eval;

import dev.vitals.internal.Words;
import dev.vitals.quality.Score;
import dev.vitals.quality.ScoreSource;
import java.util.List;

/**
 * Response length against a budget of words: {@code conciseness} is 1 within the budget and
 * {@code budget / words} beyond it, so a response twice too long scores 0.5.
 */
public final class Conciseness implements Evaluator {
    public static final String NAME = "conciseness";
    private final int maxWords;

    public Conciseness(int maxWords) {
        if (maxWords < 1) {
            throw new IllegalArgumentException("conciseness budget must be >= 1 word, got " + maxWords);
        }
        this.maxWords = maxWords;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void evaluate(EvalInput in, List<Score> out) {
        int words = Words.count(in.response());
        out.add(Score.numeric(NAME, ScoreSource.CODE, words <= maxWords ? 1.0 : (double) maxWords / words));
    }
}
