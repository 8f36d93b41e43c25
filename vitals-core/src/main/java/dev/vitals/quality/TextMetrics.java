package dev.vitals.quality;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Reference-based text metrics and perplexity, as pure functions; {@link QualityRecorder#addText}
 * accumulates the same quantities in a window.
 *
 * <pre>{@code
 * double bleu = TextMetrics.corpusBleu(List.of("the cat sat on the mat"),
 *     List.of(List.of("the cat is on the mat")), BleuSmoothing.METHOD1);
 * RougeScores r = TextMetrics.rouge("the cat sat on the mat", List.of("the cat is on the mat"));
 * double ppl = TextMetrics.perplexity(new double[] {Math.log(0.5), Math.log(0.25)}); // sqrt(8)
 * }</pre>
 *
 * <p><b>BLEU</b> equals NLTK 3.8's {@code corpus_bleu(list_of_references, hypotheses)} with the
 * default weights (0.25, 0.25, 0.25, 0.25) on texts tokenized by {@link #bleuTokens} (Python's
 * {@code str.split()}, as NLTK's examples do): clipped n-gram matches and n-gram counts are summed
 * over the corpus (a hypothesis shorter than n adds 1 to that order's count, NLTK's
 * {@code max(1, ...)}); the brevity penalty uses, per hypothesis, the reference length closest to
 * its length (the shorter on a tie). No unigram match at all gives 0.0. Smoothing: see
 * {@link BleuSmoothing}.
 *
 * <p><b>ROUGE</b> (Lin, 2004) on {@link #rougeTokens}: ROUGE-N is n-gram overlap with precision =
 * overlap / candidate n-grams and recall = overlap / reference n-grams; ROUGE-L uses the longest
 * common subsequence of the two token sequences (sentence level, the text as one sequence);
 * each is reported as F1 = 2PR / (P + R), 0 when P + R = 0 or a side has no tokens. With several
 * references, each measure takes its best reference. For ASCII text this equals Google's
 * {@code rouge-score} without stemming.
 *
 * <p><b>Perplexity</b> is {@code exp(-mean(log p))} over natural-log token probabilities; across
 * several sequences the tokens are pooled (a token-weighted mean), not the sequences' perplexities
 * averaged.
 */
public final class TextMetrics {
    static final int MAX_N = 4;
    private static final double METHOD1_EPSILON = 0.1;

    private TextMetrics() {
    }

    /**
     * Splits on runs of whitespace as Python's {@code str.split()} does: the whitespace is
     * {@link Character#isWhitespace} plus U+0085, U+00A0, U+2007 and U+202F.
     */
    public static List<String> bleuTokens(String text) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < text.length(); i++) {
            if (isPythonWhitespace(text.charAt(i))) {
                if (start >= 0) {
                    out.add(text.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            out.add(text.substring(start));
        }
        return out;
    }

    static boolean isPythonWhitespace(char c) {
        return Character.isWhitespace(c) || c == '\u0085' || c == '\u00a0' || c == '\u2007' || c == '\u202f';
    }

    /** Lower-cases ({@link Locale#ROOT}) and splits on every code point that is not a letter or digit. */
    public static List<String> rougeTokens(String text) {
        String s = text.toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (Character.isLetterOrDigit(cp)) {
                if (start < 0) {
                    start = i;
                }
            } else if (start >= 0) {
                out.add(s.substring(start, i));
                start = -1;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) {
            out.add(s.substring(start));
        }
        return out;
    }

    /**
     * Corpus BLEU-4 of {@code hypotheses}, each with its references (at least one).
     *
     * @throws IllegalArgumentException when the lists differ in size or a hypothesis has no reference
     */
    public static double corpusBleu(List<String> hypotheses, List<List<String>> references, BleuSmoothing smoothing) {
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException("hypotheses and references differ in size: " + hypotheses.size()
                    + " and " + references.size());
        }
        BleuCounts c = new BleuCounts();
        for (int i = 0; i < hypotheses.size(); i++) {
            checkText(i, hypotheses.get(i), references.get(i));
            c.add(bleuTokens(hypotheses.get(i)), tokenize(references.get(i)));
        }
        return c.score(smoothing);
    }

    /** ROUGE-1, ROUGE-2 and ROUGE-L F-measures of {@code candidate} against its best references. */
    public static RougeScores rouge(String candidate, List<String> references) {
        checkText(0, candidate, references);
        return rougeOf(candidate, references);
    }

    /** exp(-mean(logProbs)); {@code NaN} for no tokens. Log-probabilities must be finite and &lt;= 0. */
    public static double perplexity(double[] tokenLogProbs) {
        double nll = negativeLogLikelihood(tokenLogProbs);
        return tokenLogProbs.length == 0 ? Double.NaN : Math.exp(nll / tokenLogProbs.length);
    }

    static double negativeLogLikelihood(double[] logProbs) {
        Objects.requireNonNull(logProbs, "tokenLogProbs must not be null");
        double sum = 0;
        for (int i = 0; i < logProbs.length; i++) {
            if (!(logProbs[i] <= 0) || Double.isInfinite(logProbs[i])) {
                throw new IllegalArgumentException("token " + i + ": log-probability must be a finite number <= 0, got "
                        + logProbs[i]);
            }
            sum -= logProbs[i];
        }
        return sum;
    }

    static void checkText(int row, String candidate, List<String> references) {
        if (candidate == null) {
            throw new IllegalArgumentException("text " + row + ": candidate must not be null");
        }
        if (references == null || references.isEmpty()) {
            throw new IllegalArgumentException("text " + row + ": needs at least one reference");
        }
        for (int j = 0; j < references.size(); j++) {
            if (references.get(j) == null) {
                throw new IllegalArgumentException("text " + row + ": reference " + j + " must not be null");
            }
        }
    }

    static List<List<String>> tokenize(List<String> texts) {
        List<List<String>> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(bleuTokens(t));
        }
        return out;
    }

    static RougeScores rougeOf(String candidate, List<String> references) {
        List<String> c = rougeTokens(candidate);
        double r1 = 0;
        double r2 = 0;
        double rl = 0;
        for (String ref : references) {
            List<String> r = rougeTokens(ref);
            r1 = Math.max(r1, rougeN(c, r, 1));
            r2 = Math.max(r2, rougeN(c, r, 2));
            rl = Math.max(rl, rougeL(c, r));
        }
        return new RougeScores(r1, r2, rl);
    }

    static double rougeN(List<String> candidate, List<String> reference, int n) {
        Map<String, Integer> cand = ngrams(candidate, n);
        Map<String, Integer> ref = ngrams(reference, n);
        long overlap = 0;
        for (Map.Entry<String, Integer> e : cand.entrySet()) {
            overlap += Math.min(e.getValue(), ref.getOrDefault(e.getKey(), 0));
        }
        double p = (double) overlap / Math.max(1, Math.max(0, candidate.size() - n + 1));
        double r = (double) overlap / Math.max(1, Math.max(0, reference.size() - n + 1));
        return f1(p, r);
    }

    static double rougeL(List<String> candidate, List<String> reference) {
        if (candidate.isEmpty() || reference.isEmpty()) {
            return 0;
        }
        int lcs = lcs(candidate, reference);
        return f1((double) lcs / candidate.size(), (double) lcs / reference.size());
    }

    private static double f1(double p, double r) {
        return p + r > 0 ? 2 * p * r / (p + r) : 0;
    }

    /** Length of the longest common subsequence, in two rows of memory. */
    static int lcs(List<String> a, List<String> b) {
        int[] prev = new int[b.size() + 1];
        int[] cur = new int[b.size() + 1];
        for (String x : a) {
            for (int j = 1; j <= b.size(); j++) {
                cur[j] = x.equals(b.get(j - 1)) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.size()];
    }

    /** n-gram counts; tokens hold no whitespace, so a space joins them unambiguously. */
    static Map<String, Integer> ngrams(List<String> tokens, int n) {
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) {
            String g = n == 1 ? tokens.get(i) : String.join(" ", tokens.subList(i, i + n));
            out.merge(g, 1, Integer::sum);
        }
        return out;
    }

    /** Corpus-level BLEU sums: exactly additive, so windows and replicas merge them by adding. */
    static final class BleuCounts {
        final long[] matches = new long[MAX_N];
        final long[] totals = new long[MAX_N];
        long hypLength;
        long refLength;

        /** NLTK's {@code modified_precision} numerators and denominators and {@code closest_ref_length}. */
        void add(List<String> hypothesis, List<List<String>> references) {
            for (int n = 1; n <= MAX_N; n++) {
                Map<String, Integer> counts = ngrams(hypothesis, n);
                Map<String, Integer> maxRef = new HashMap<>();
                for (List<String> ref : references) {
                    Map<String, Integer> rc = ngrams(ref, n);
                    for (String g : counts.keySet()) {
                        maxRef.merge(g, rc.getOrDefault(g, 0), Math::max);
                    }
                }
                long num = 0;
                long den = 0;
                for (Map.Entry<String, Integer> e : counts.entrySet()) {
                    num += Math.min(e.getValue(), maxRef.get(e.getKey()));
                    den += e.getValue();
                }
                matches[n - 1] += num;
                totals[n - 1] += Math.max(1, den);
            }
            int h = hypothesis.size();
            int best = -1;
            for (List<String> ref : references) {
                int r = ref.size();
                if (best < 0 || Math.abs(r - h) < Math.abs(best - h) || (Math.abs(r - h) == Math.abs(best - h) && r < best)) {
                    best = r;
                }
            }
            hypLength += h;
            refLength += best;
        }

        void merge(BleuCounts o) {
            for (int i = 0; i < MAX_N; i++) {
                matches[i] += o.matches[i];
                totals[i] += o.totals[i];
            }
            hypLength += o.hypLength;
            refLength += o.refLength;
        }

        void clear() {
            Arrays.fill(matches, 0);
            Arrays.fill(totals, 0);
            hypLength = 0;
            refLength = 0;
        }

        double brevityPenalty() {
            if (hypLength > refLength) {
                return 1;
            }
            return hypLength == 0 ? 0 : Math.exp(1 - (double) refLength / hypLength);
        }

        /** NLTK's {@code corpus_bleu} from the sums. */
        double score(BleuSmoothing smoothing) {
            if (matches[0] == 0) {
                return 0.0;
            }
            double[] terms = new double[MAX_N];
            for (int i = 0; i < MAX_N; i++) {
                double p;
                if (matches[i] != 0) {
                    p = (double) matches[i] / totals[i];
                } else if (smoothing == BleuSmoothing.METHOD1) {
                    p = (0 + METHOD1_EPSILON) / totals[i];
                } else {
                    p = Double.MIN_NORMAL; // sys.float_info.min
                }
                terms[i] = 0.25 * Math.log(p);
            }
            return brevityPenalty() * Math.exp(fsum(terms));
        }
    }

    /** Python's {@code math.fsum}: the correctly rounded sum (Shewchuk's partials, CPython's final rounding). */
    static double fsum(double[] xs) {
        double[] p = new double[xs.length + 1];
        int n = 0;
        for (double v : xs) {
            double x = v;
            int i = 0;
            for (int j = 0; j < n; j++) {
                double y = p[j];
                if (Math.abs(x) < Math.abs(y)) {
                    double t = x;
                    x = y;
                    y = t;
                }
                double hi = x + y;
                double lo = y - (hi - x);
                if (lo != 0.0) {
                    p[i++] = lo;
                }
                x = hi;
            }
            n = i;
            p[n++] = x;
        }
        if (n == 0) {
            return 0.0;
        }
        double hi = p[--n];
        double lo = 0;
        while (n > 0) {
            double x = hi;
            double y = p[--n];
            hi = x + y;
            double yr = hi - x;
            lo = y - yr;
            if (lo != 0.0) {
                break;
            }
        }
        if (n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0))) {
            double y = lo * 2.0;
            double x = hi + y;
            double yr = x - hi;
            if (y == yr) {
                hi = x;
            }
        }
        return hi;
    }
}
