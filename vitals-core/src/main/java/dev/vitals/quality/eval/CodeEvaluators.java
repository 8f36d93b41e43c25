package dev.vitals.quality.eval;

import dev.vitals.quality.Score;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The code evaluators of one model, run together on a response: conciseness, refusal, pii,
 * json_valid (and json_schema_valid), repetition and safety. Immutable and thread-safe.
 *
 * <pre>{@code
 * CodeEvaluators ev = CodeEvaluators.builder().maxWords(200).build();
 * List<Score> scores = ev.evaluate(EvalInput.of(prompt, response));
 * }</pre>
 */
public final class CodeEvaluators {
    /** Every evaluator's name, in the order they run. */
    public static final List<String> NAMES = List.of(Conciseness.NAME, Refusal.NAME, PiiInOutput.NAME, JsonValidity.NAME,
            Repetition.NAME, SafetyLexicon.NAME);

    private final Evaluator[] evaluators;

    private CodeEvaluators(List<Evaluator> list) {
        this.evaluators = list.toArray(new Evaluator[0]);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: every evaluator, 300 words, trigrams, the default lexicon. */
    public static CodeEvaluators defaults() {
        return builder().build();
    }

    /** The scores of {@code in}; an evaluator that fails (it should not) is skipped. */
    public List<Score> evaluate(EvalInput in) {
        List<Score> out = new ArrayList<>(8);
        for (Evaluator e : evaluators) {
            e.evaluate(in, out);
        }
        return out;
    }

    /** The names of the evaluators that run. */
    public List<String> names() {
        List<String> out = new ArrayList<>();
        for (Evaluator e : evaluators) {
            out.add(e.name());
        }
        return out;
    }

    /** Settings; {@link #build()} checks them and fails with a message naming the bad one. */
    public static final class Builder {
        private Set<String> only;
        private int maxWords = 300;
        private int ngram = 3;
        private Map<String, List<String>> lexicon = SafetyLexicon.defaults();

        /** Runs only these evaluators (names from {@link #NAMES}); default all. */
        public Builder only(Set<String> names) {
            for (String n : names) {
                if (!NAMES.contains(n)) {
                    throw new IllegalArgumentException("unknown evaluator '" + n + "'; known: " + NAMES);
                }
            }
            this.only = Set.copyOf(names);
            return this;
        }

        /** The conciseness budget in words (default 300). */
        public Builder maxWords(int maxWords) {
            this.maxWords = maxWords;
            return this;
        }

        /** The repetition n-gram size (default 3). */
        public Builder ngram(int n) {
            this.ngram = n;
            return this;
        }

        /** The safety lexicon: category to regular expressions (default {@link SafetyLexicon#defaults()}). */
        public Builder lexicon(Map<String, List<String>> lexicon) {
            this.lexicon = new LinkedHashMap<>(lexicon);
            return this;
        }

        public CodeEvaluators build() {
            List<Evaluator> list = new ArrayList<>();
            add(list, new Conciseness(maxWords));
            add(list, new Refusal());
            add(list, new PiiInOutput());
            add(list, new JsonValidity());
            add(list, new Repetition(ngram));
            add(list, new SafetyLexicon(lexicon));
            return new CodeEvaluators(list);
        }

        private void add(List<Evaluator> list, Evaluator e) {
            if (only == null || only.contains(e.name())) {
                list.add(e);
            }
        }
    }
}
