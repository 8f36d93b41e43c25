package dev.vitals.quality.eval;

import dev.vitals.quality.Score;
import dev.vitals.quality.ScoreSource;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether the model declined: {@code refusal} = true when the opening of the response (its first
 * 300 characters) matches one of the usual refusal phrasings in English ("I'm sorry, but I can't",
 * "I cannot help with", "As an AI language model", ...). Apostrophes are normalized first.
 */
public final class Refusal implements Evaluator {
    public static final String NAME = "refusal";
    private static final int HEAD = 300;
    private static final Pattern PATTERN = Pattern.compile(
            "\\b(i\\s*(?:'m| am) sorry,? but i (?:can't|cannot|won't|am unable|'m unable|am not able|'m not able)"
            + "|i(?: can't| cannot| won't| will not| am unable to|'m unable to| am not able to|'m not able to) "
            + "(?:help|assist|provide|comply|do that|fulfil|fulfill|answer|share|support|create|generate|write|give)"
            + "|i must (?:decline|refuse)"
            + "|i'm not (?:allowed|permitted) to|i am not (?:allowed|permitted) to"
            + "|as an ai(?: language model)?,? i (?:can't|cannot|don't|do not|am not|won't)"
            + "|(?:this|that|your) request (?:violates|goes against)"
            + "|i (?:can't|cannot) (?:and won't )?(?:engage|participate) in)");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void evaluate(EvalInput in, List<Score> out) {
        out.add(Score.bool(NAME, ScoreSource.CODE, refuses(in.response())));
    }

    /** Whether {@code text} opens with a refusal. */
    public static boolean refuses(String text) {
        String head = text.length() > HEAD ? text.substring(0, HEAD) : text;
        head = head.replace('\u2019', '\'').toLowerCase(Locale.ROOT);
        return PATTERN.matcher(head).find();
    }
}
