package dev.vitals.quality;

import java.util.List;

/** Mergeable text sums: BLEU counts, ROUGE F-measure sums, perplexity sums. Not thread-safe. */
final class TextAcc {
    final TextMetrics.BleuCounts bleu = new TextMetrics.BleuCounts();
    long pairs;
    double rouge1;
    double rouge2;
    double rougeL;
    long tokens;
    double nll;

    /** Pairs scored outside any lock, or token log-probabilities summed. */
    record Batch(TextMetrics.BleuCounts bleu, long pairs, double rouge1, double rouge2, double rougeL,
                 long tokens, double nll) implements QualityBatch {
    }

    static Batch prepareTexts(List<String> candidates, List<List<String>> references) {
        if (candidates == null || references == null || candidates.size() != references.size()) {
            throw new IllegalArgumentException("candidates and references must be lists of the same size");
        }
        for (int i = 0; i < candidates.size(); i++) {
            TextMetrics.checkText(i, candidates.get(i), references.get(i));
        }
        TextMetrics.BleuCounts counts = new TextMetrics.BleuCounts();
        double r1 = 0;
        double r2 = 0;
        double rl = 0;
        for (int i = 0; i < candidates.size(); i++) {
            counts.add(TextMetrics.bleuTokens(candidates.get(i)), TextMetrics.tokenize(references.get(i)));
            RougeScores r = TextMetrics.rougeOf(candidates.get(i), references.get(i));
            r1 += r.rouge1();
            r2 += r.rouge2();
            rl += r.rougeL();
        }
        return new Batch(counts, candidates.size(), r1, r2, rl, 0, 0);
    }

    static Batch prepareLogProbs(double[] logProbs) {
        double nll = TextMetrics.negativeLogLikelihood(logProbs);
        return new Batch(new TextMetrics.BleuCounts(), 0, 0, 0, 0, logProbs.length, nll);
    }

    void apply(Batch b) {
        bleu.merge(b.bleu());
        pairs += b.pairs();
        rouge1 += b.rouge1();
        rouge2 += b.rouge2();
        rougeL += b.rougeL();
        tokens += b.tokens();
        nll += b.nll();
    }

    void merge(TextAcc o) {
        apply(new Batch(o.bleu, o.pairs, o.rouge1, o.rouge2, o.rougeL, o.tokens, o.nll));
    }

    void clear() {
        bleu.clear();
        pairs = tokens = 0;
        rouge1 = rouge2 = rougeL = nll = 0;
    }

    TextAcc copy() {
        TextAcc c = new TextAcc();
        c.merge(this);
        return c;
    }

    TextReport report() {
        double nan = Double.NaN;
        boolean any = pairs > 0;
        List<Double> precisions = new java.util.ArrayList<>(TextMetrics.MAX_N);
        for (int i = 0; i < TextMetrics.MAX_N; i++) {
            precisions.add(any ? (double) bleu.matches[i] / bleu.totals[i] : nan);
        }
        return new TextReport(pairs,
                any ? bleu.score(BleuSmoothing.NONE) : nan,
                any ? bleu.score(BleuSmoothing.METHOD1) : nan,
                any ? bleu.brevityPenalty() : nan,
                precisions, bleu.hypLength, bleu.refLength,
                new RougeScores(any ? rouge1 / pairs : nan, any ? rouge2 / pairs : nan, any ? rougeL / pairs : nan),
                tokens, tokens == 0 ? nan : Math.exp(nll / tokens));
    }
}
