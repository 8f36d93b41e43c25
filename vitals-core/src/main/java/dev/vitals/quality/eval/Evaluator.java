package dev.vitals.quality.eval;

import dev.vitals.quality.Score;
import java.util.List;

/**
 * A deterministic check of one response producing named scores with source {@code code}. Implementations
 * are stateless after construction, thread-safe and linear in the text; they add nothing when they do
 * not apply (e.g. JSON validity when no JSON was asked for).
 */
public interface Evaluator {
    /** The evaluator's name, also the name of its main score. */
    String name();

    /** Adds this evaluator's scores for {@code in} to {@code out}. */
    void evaluate(EvalInput in, List<Score> out);
}
