package dev.vitals.bench;

import dev.vitals.quality.Score;
import dev.vitals.quality.eval.CodeEvaluators;
import dev.vitals.quality.eval.EvalInput;
import dev.vitals.quality.eval.Refusal;
import dev.vitals.quality.eval.SafetyLexicon;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The code evaluators on one answer: all of them at their defaults, and the two searches that cost the most, the
 * safety lexicon and the refusal phrasings; the lexicon also as the plain java.util.regex search it answers as (its
 * expressions joined into one under one pair of word boundaries, case-insensitive with Unicode case, {@code find()}
 * on the answer). Answers: the gateway benchmark's 20 tokens (110 characters), an English answer of 1,148
 * characters (a paragraph four times: three quarters of its word trigrams repeat) and the same in Russian (1,092
 * characters), none of which either search flags. Before and after a change: the same benchmark with the older
 * {@code vitals-core} first on the class path.
 *
 * <pre>{@code
 * java -cp ... org.openjdk.jmh.Main EvaluatorsBenchmark
 * }</pre>
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EvaluatorsBenchmark extends JmhSettings {
    private static final String PARAGRAPH = "The quarterly report shows revenue grew 12% while costs were flat. To configure "
            + "the service, set the timeout to 30 seconds and restart the pod; if the build fails, check the logs for missing "
            + "dependencies. Here is a summary of the key points you asked about, with examples for each case. ";

    private static final String RUSSIAN = "\u041a\u0432\u0430\u0440\u0442\u0430\u043b\u044c\u043d\u044b\u0439 \u043e\u0442\u0447\u0451\u0442 "
            + "\u043f\u043e\u043a\u0430\u0437\u044b\u0432\u0430\u0435\u0442, \u0447\u0442\u043e \u0432\u044b\u0440\u0443\u0447\u043a\u0430 "
            + "\u0432\u044b\u0440\u043e\u0441\u043b\u0430 \u043d\u0430 12%, \u0430 \u0440\u0430\u0441\u0445\u043e\u0434\u044b \u043d\u0435 "
            + "\u0438\u0437\u043c\u0435\u043d\u0438\u043b\u0438\u0441\u044c. \u0427\u0442\u043e\u0431\u044b \u043d\u0430\u0441\u0442\u0440\u043e\u0438\u0442\u044c "
            + "\u0441\u0435\u0440\u0432\u0438\u0441, \u0443\u0441\u0442\u0430\u043d\u043e\u0432\u0438\u0442\u0435 \u0442\u0430\u0439\u043c-\u0430\u0443\u0442 "
            + "30 \u0441\u0435\u043a\u0443\u043d\u0434 \u0438 \u043f\u0435\u0440\u0435\u0437\u0430\u043f\u0443\u0441\u0442\u0438\u0442\u0435 \u043f\u043e\u0434; "
            + "\u0435\u0441\u043b\u0438 \u0441\u0431\u043e\u0440\u043a\u0430 \u043d\u0435 \u0443\u0434\u0430\u043b\u0430\u0441\u044c, "
            + "\u043f\u0440\u043e\u0432\u0435\u0440\u044c\u0442\u0435 \u0436\u0443\u0440\u043d\u0430\u043b\u044b. \u0412\u043e\u0442 "
            + "\u043a\u0440\u0430\u0442\u043a\u043e\u0435 \u0438\u0437\u043b\u043e\u0436\u0435\u043d\u0438\u0435 \u043a\u043b\u044e\u0447\u0435\u0432\u044b\u0445 "
            + "\u043c\u043e\u043c\u0435\u043d\u0442\u043e\u0432 \u0441 \u043f\u0440\u0438\u043c\u0435\u0440\u0430\u043c\u0438 \u0434\u043b\u044f "
            + "\u043a\u0430\u0436\u0434\u043e\u0433\u043e \u0441\u043b\u0443\u0447\u0430\u044f. ";

    @Param({"tokens", "english", "russian"})
    public String answer;

    private String text;
    private EvalInput input;
    private CodeEvaluators evaluators;
    private SafetyLexicon lexicon;
    private Pattern joinedLexicon;

    @Setup
    public void setUp() {
        StringBuilder tokens = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            tokens.append(" tok").append(i);
        }
        text = switch (answer) {
            case "tokens" -> tokens.toString();
            case "english" -> PARAGRAPH.repeat(4);
            default -> RUSSIAN.repeat(4);
        };
        input = EvalInput.of("What changed this quarter?", text);
        evaluators = CodeEvaluators.defaults();
        lexicon = new SafetyLexicon(SafetyLexicon.defaults());
        List<String> all = SafetyLexicon.defaults().values().stream().flatMap(List::stream).map(w -> "(?:" + w + ")").toList();
        joinedLexicon = Pattern.compile("\\b(?:" + String.join("|", all) + ")\\b", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    @Benchmark
    public List<Score> codeEvaluators() {
        return evaluators.evaluate(input);
    }

    @Benchmark
    public String safetyLexicon() {
        return lexicon.match(text);
    }

    @Benchmark
    public boolean safetyJoinedFind() {
        return joinedLexicon.matcher(text).find();
    }

    @Benchmark
    public boolean refusal() {
        return Refusal.refuses(text);
    }
}
