package dev.vitals.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Worked examples computed by hand. */
class TextMetricsTest {

    @Test
    void tokenizers() {
        assertThat(TextMetrics.bleuTokens("  The cat,\tsat\u00a0on\n")).containsExactly("The", "cat,", "sat", "on");
        assertThat(TextMetrics.bleuTokens("")).isEmpty();
        assertThat(TextMetrics.rougeTokens("The quick-brown FOX, 2x!")).containsExactly("the", "quick", "brown", "fox", "2x");
        assertThat(TextMetrics.rougeTokens("Ça va? Très bien")).containsExactly("ça", "va", "très", "bien");
        assertThat(TextMetrics.rougeTokens("...")).isEmpty();
    }

    @Test
    void rougeOfEqualLengthSentences() {
        // candidate  the cat sat on the mat  (6 tokens, bigrams: the cat, cat sat, sat on, on the, the mat)
        // reference  the cat is on the mat   (6 tokens, bigrams: the cat, cat is, is on, on the, the mat)
        // ROUGE-1: overlap the x2, cat, on, mat = 5 -> P = R = 5/6 -> F = 5/6
        // ROUGE-2: overlap the cat, on the, the mat = 3 of 5 each -> F = 3/5
        // ROUGE-L: LCS the cat on the mat = 5 -> P = R = 5/6 -> F = 5/6
        RougeScores r = TextMetrics.rouge("the cat sat on the mat", List.of("the cat is on the mat"));
        assertThat(r.rouge1()).isCloseTo(5.0 / 6, within(1e-15));
        assertThat(r.rouge2()).isCloseTo(3.0 / 5, within(1e-15));
        assertThat(r.rougeL()).isCloseTo(5.0 / 6, within(1e-15));
    }

    @Test
    void rougeOfDifferentLengthsWithCaseAndPunctuation() {
        // candidate  the quick brown fox        (4 tokens; "The" and "." normalized away)
        // reference  the fast brown fox jumps   (5 tokens)
        // ROUGE-1: overlap the, brown, fox = 3 -> P = 3/4, R = 3/5 -> F = 2 * 0.45 / 1.35 = 2/3
        // ROUGE-2: cand {the quick, quick brown, brown fox}, ref {the fast, fast brown, brown fox, fox jumps}
        //          overlap 1 -> P = 1/3, R = 1/4 -> F = 2 * (1/12) / (7/12) = 2/7
        // ROUGE-L: LCS the brown fox = 3 -> as ROUGE-1 = 2/3
        RougeScores r = TextMetrics.rouge("The quick brown fox.", List.of("the fast brown fox jumps"));
        assertThat(r.rouge1()).isCloseTo(2.0 / 3, within(1e-15));
        assertThat(r.rouge2()).isCloseTo(2.0 / 7, within(1e-15));
        assertThat(r.rougeL()).isCloseTo(2.0 / 3, within(1e-15));
    }

    @Test
    void rougeLUsesSubsequencesNotSubstrings() {
        // candidate a b c d e, reference a x c y e: LCS a c e = 3 -> F = 3/5; no bigram in common
        RougeScores r = TextMetrics.rouge("a b c d e", List.of("a x c y e"));
        assertThat(r.rougeL()).isCloseTo(0.6, within(1e-15));
        assertThat(r.rouge2()).isZero();
        assertThat(r.rouge1()).isCloseTo(0.6, within(1e-15));
    }

    @Test
    void rougeTakesEachMeasuresBestReferenceAndZeroForEmpty() {
        RougeScores r = TextMetrics.rouge("the cat sat", List.of("a dog", "the cat sat"));
        assertThat(r).isEqualTo(new RougeScores(1.0, 1.0, 1.0));
        assertThat(TextMetrics.rouge("", List.of("the cat"))).isEqualTo(new RougeScores(0, 0, 0));
        // one token each: no bigrams on either side -> ROUGE-2 = 0
        assertThat(TextMetrics.rouge("cat", List.of("cat")).rouge2()).isZero();
    }

    @Test
    void perplexityIsExpOfMeanNegativeLogProbability() {
        // probabilities 0.5 and 0.25: exp(-(ln 0.5 + ln 0.25) / 2) = (0.5 * 0.25)^(-1/2) = sqrt(8)
        assertThat(TextMetrics.perplexity(new double[] {Math.log(0.5), Math.log(0.25)})).isCloseTo(Math.sqrt(8), within(1e-12));
        assertThat(TextMetrics.perplexity(new double[] {0, 0})).isEqualTo(1.0);
        assertThat(TextMetrics.perplexity(new double[0])).isNaN();
        assertThatThrownBy(() -> TextMetrics.perplexity(new double[] {-1, 0.5}))
                .hasMessage("token 1: log-probability must be a finite number <= 0, got 0.5");
        assertThatThrownBy(() -> TextMetrics.perplexity(new double[] {Double.NEGATIVE_INFINITY}))
                .hasMessage("token 0: log-probability must be a finite number <= 0, got -Infinity");
        assertThatThrownBy(() -> TextMetrics.perplexity(new double[] {Double.NaN}))
                .hasMessage("token 0: log-probability must be a finite number <= 0, got NaN");
    }

    @Test
    void perplexityPoolsTokensAcrossSequences() {
        QualityStats s = QualityStats.create();
        s.addTokenLogProbs(new double[] {Math.log(0.5)});
        s.addTokenLogProbs(new double[] {Math.log(0.25), Math.log(0.125)});
        TextReport t = s.report().text();
        assertThat(t.tokens()).isEqualTo(3);
        // exp(-(ln 1/2 + ln 1/4 + ln 1/8) / 3) = exp(2 ln 2) = 4
        assertThat(t.perplexity()).isCloseTo(4.0, within(1e-12));
        assertThat(t.pairs()).isZero();
        assertThat(t.bleu()).isNaN();
        assertThat(t.rouge().rouge1()).isNaN();
    }

    @Test
    void textReportAveragesRougeOverPairs() {
        QualityStats s = QualityStats.create();
        s.addTexts(List.of("the cat sat on the mat", "The quick brown fox."),
                List.of(List.of("the cat is on the mat"), List.of("the fast brown fox jumps")));
        RougeScores r = s.report().text().rouge();
        assertThat(r.rouge1()).isCloseTo((5.0 / 6 + 2.0 / 3) / 2, within(1e-15));
        assertThat(r.rouge2()).isCloseTo((3.0 / 5 + 2.0 / 7) / 2, within(1e-15));
        assertThat(r.rougeL()).isCloseTo((5.0 / 6 + 2.0 / 3) / 2, within(1e-15));
    }

    @Test
    void badTextInput() {
        QualityStats s = QualityStats.create();
        assertThatThrownBy(() -> s.addText("a", List.of())).hasMessage("text 0: needs at least one reference");
        assertThatThrownBy(() -> s.addTexts(java.util.Arrays.asList("a", null), List.of(List.of("a"), List.of("b"))))
                .hasMessage("text 1: candidate must not be null");
        assertThatThrownBy(() -> s.addTexts(List.of("a"), List.of()))
                .hasMessage("candidates and references must be lists of the same size");
        assertThatThrownBy(() -> TextMetrics.corpusBleu(List.of("a"), List.of(), BleuSmoothing.NONE))
                .hasMessage("hypotheses and references differ in size: 1 and 0");
        assertThat(s.report().text().pairs()).isZero();
        assertThat(TextMetrics.corpusBleu(List.of(), List.of(), BleuSmoothing.NONE)).isZero(); // NLTK returns 0
    }

    @Test
    void fsumIsCorrectlyRounded() {
        assertThat(TextMetrics.fsum(new double[] {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1})).isEqualTo(1.0);
        assertThat(TextMetrics.fsum(new double[] {1e100, 1.0, -1e100, 1e-100})).isEqualTo(1.0);
        assertThat(TextMetrics.fsum(new double[0])).isZero();
    }
}
