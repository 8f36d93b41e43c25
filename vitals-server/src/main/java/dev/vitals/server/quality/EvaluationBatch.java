package dev.vitals.server.quality;

import dev.vitals.quality.Prediction;
import dev.vitals.quality.QualityRecorder;
import dev.vitals.quality.Score;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One model's part of an evaluations batch, grouped for the library's bulk adds. */
final class EvaluationBatch {
    final List<Prediction> predictions = new ArrayList<>();
    final List<double[]> regressions = new ArrayList<>();
    final List<Score> scores = new ArrayList<>();
    final List<String> candidates = new ArrayList<>();
    final List<List<String>> references = new ArrayList<>();
    final List<QualityRequests.Record> records = new ArrayList<>();
    final List<Integer> indices = new ArrayList<>();

    void add(QualityRequests.Record r, int index) {
        records.add(r);
        indices.add(index);
        switch (r.task()) {
            case "classification" -> predictions.add(r.prediction());
            case "regression" -> regressions.add(new double[] {r.actualValue(), r.predictedValue()});
            case "llm" -> {
                if (r.scores() != null) {
                    scores.addAll(r.scores());
                }
                if (r.candidate() != null) {
                    candidates.add(r.candidate());
                    references.add(r.references());
                }
            }
            default -> throw new IllegalStateException(r.task());
        }
    }

    /**
     * Applies the records to {@code q}, each group of one {@code time} in the windows of that time: a
     * batch usually holds a few distinct times, so this stays a few bulk adds.
     */
    void applyTo(QualityRecorder q) {
        Map<Long, EvaluationBatch> byTime = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            byTime.computeIfAbsent(records.get(i).time(), t -> new EvaluationBatch()).addOnly(records.get(i), indices.get(i));
        }
        for (Map.Entry<Long, EvaluationBatch> e : byTime.entrySet()) {
            e.getValue().applyNow(e.getKey() == QualityRequests.NO_TIME ? q : q.at(e.getKey()));
        }
    }

    private void addOnly(QualityRequests.Record r, int index) {
        add(r, index);
    }

    private void applyNow(QualityRecorder q) {
        if (!predictions.isEmpty()) {
            q.addClassification(predictions);
        }
        if (!regressions.isEmpty()) {
            double[] act = new double[regressions.size()];
            double[] pred = new double[regressions.size()];
            for (int i = 0; i < act.length; i++) {
                act[i] = regressions.get(i)[0];
                pred[i] = regressions.get(i)[1];
            }
            q.addRegression(act, pred, act.length);
        }
        if (!scores.isEmpty()) {
            q.addScores(scores);
        }
        if (!candidates.isEmpty()) {
            q.addTexts(candidates, references);
        }
    }
}
