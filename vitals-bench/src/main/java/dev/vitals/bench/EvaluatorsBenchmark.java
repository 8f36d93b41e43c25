package dev.vitals.bench;

import dev.vitals.quality.Score;
import dev.vitals.quality.eval.CodeEvaluators;
import dev.vitals.quality.eval.EvalInput;
import dev.vitals.quality.eval.Refusal;
import dev.vitals.quality.eval.SafetyLexicon;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The code evaluators on one answer: all of them at their defaults, and the two searches that cost the most, the
 * safety lexicon and the refusal phrasings, against the plain java.util.regex search they answer as (the
 * lexicon's expressions joined into one, case-insensitive with Unicode case, {@code find()} on the answer; the
 * refusal expression's {@code find()} on the lower-cased head). Answers: the gateway benchmark's 20 tokens (110
 * characters) and an English answer of 1,148 characters (a paragraph four times: three quarters of its word trigrams
 * repeat) that neither search flags.
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

    @Param({"tokens", "english"})
    public String answer;

    private String text;
    private EvalInput input;
    private CodeEvaluators evaluators;
    private SafetyLexicon lexicon;
    private Pattern joinedLexicon;
    private Pattern refusal;

    @Setup
    public void setUp() throws Exception {
        StringBuilder tokens = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            tokens.append(" tok").append(i);
        }
        text = answer.equals("tokens") ? tokens.toString() : PARAGRAPH.repeat(4);
        input = EvalInput.of("What changed this quarter?", text);
        evaluators = CodeEvaluators.defaults();
        lexicon = new SafetyLexicon(SafetyLexicon.defaults());
        List<String> all = SafetyLexicon.defaults().values().stream().flatMap(List::stream).map(w -> "(?:" + w + ")").toList();
        joinedLexicon = Pattern.compile("\\b(?:" + String.join("|", all) + ")\\b", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        var field = Refusal.class.getDeclaredField("PATTERN");
        field.setAccessible(true);
        refusal = (Pattern) field.get(null);
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

    @Benchmark
    public boolean refusalFind() {
        String head = text.length() > 300 ? text.substring(0, 300) : text;
        return refusal.matcher(head.replace('\u2019', '\'').toLowerCase(Locale.ROOT)).find();
    }
}
