package dev.vitals.quality.eval;

import dev.vitals.labels.PiiDetector;
import dev.vitals.quality.Score;
import dev.vitals.quality.ScoreSource;
import java.util.List;

/**
 * Personal data in the response, found by the label policy's {@link PiiDetector} (e-mails, phones,
 * Luhn-checked cards, IP addresses, UUIDs, long digit runs): {@code pii} = true when any is found.
 * The text is only scanned; what was found is not kept.
 */
public final class PiiInOutput implements Evaluator {
    public static final String NAME = "pii";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void evaluate(EvalInput in, List<Score> out) {
        out.add(Score.bool(NAME, ScoreSource.CODE, PiiDetector.get().containsPii(in.response())));
    }
}
