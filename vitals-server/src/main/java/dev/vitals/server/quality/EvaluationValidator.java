package dev.vitals.server.quality;

import static dev.vitals.server.api.ApiException.cut;

import dev.vitals.quality.QualityRecorder;
import dev.vitals.quality.QualitySpec;
import dev.vitals.quality.QualityTracker;
import dev.vitals.quality.Score;
import dev.vitals.server.api.ApiException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates an evaluation batch whole and computes what it adds to each model's windows, on scratch
 * windows of the live ones' shape, so that nothing is applied unless all of it can be.
 */
final class EvaluationValidator {
    private final QualityTracker tracker;
    private final Map<String, Duration> windows;
    private final Map<String, QualitySpec> specs;
    private final Map<String, String> taskOf;

    EvaluationValidator(QualityTracker tracker, Map<String, Duration> windows, Map<String, QualitySpec> specs,
                        Map<String, String> taskOf) {
        this.tracker = tracker;
        this.windows = windows;
        this.specs = specs;
        this.taskOf = taskOf;
    }

    /**
     * Validates a batch against the models' tasks and earlier scores, and computes what it adds to each model's windows,
     * on scratch windows of the same shape; {@code scored} gets each model's scores.
     */
    QualityJournal.EvaluationEntry entry(List<QualityRequests.Record> records, Map<String, List<Score>> scored) {
        Map<String, EvaluationBatch> byModel = new LinkedHashMap<>();
        Map<String, String> tasks = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        long oldest = now - windows.values().stream().mapToLong(Duration::toMillis).max().orElse(0);
        int late = 0;
        for (int i = 0; i < records.size(); i++) {
            String at = "records[" + i + "]";
            QualityRequests.Record rec = records.get(i);
            String known = tasks.computeIfAbsent(rec.model(), m -> taskOf.getOrDefault(m, rec.task()));
            if (!known.equals(rec.task())) {
                throw new ApiException(422, "wrong_task", at + ": model '" + rec.model() + "' is a " + known + " model, this record is " + rec.task());
            }
            tasks.put(rec.model(), rec.task());
            if (rec.scores() != null) {
                // a conflict with the model's earlier scores only shows on the live windows: check it here,
                // or the batches of the models before this one would already be applied
                for (int j = 0; j < rec.scores().size(); j++) {
                    Score s = rec.scores().get(j);
                    dev.vitals.quality.ScoreKind was = tracker.scoreKind(rec.model(), s.name(), s.source());
                    if (was != null && was != s.kind()) {
                        throw new ApiException(400, "invalid_values", at + ".scores[" + j + "] (model '" + rec.model() + "'): score \""
                                + cut(s.name()) + "\" from " + s.source().wireName() + " is " + was.wireName() + ", got "
                                + s.kind().wireName());
                    }
                }
            }
            if (rec.time() != QualityRequests.NO_TIME && rec.time() < oldest) {
                late++; // validated like the others, but no window holds that time
                continue;
            }
            byModel.computeIfAbsent(rec.model(), m -> new EvaluationBatch()).add(rec, i);
        }
        // dry run on scratch accumulators, so a value the library rejects rejects the batch
        for (Map.Entry<String, EvaluationBatch> e : byModel.entrySet()) {
            QualityRecorder scratch = dev.vitals.quality.QualityStats.create(specs.getOrDefault(e.getKey(), QualitySpec.defaults()));
            try {
                e.getValue().applyTo(scratch);
            } catch (IllegalArgumentException ex) {
                throw new ApiException(400, "invalid_values", locate(e.getKey(), e.getValue(), ex));
            }
        }
        QualityTracker.Builder tb = QualityTracker.builder().windows(windows.values().toArray(new Duration[0]));
        specs.forEach(tb::spec);
        QualityTracker scratch = tb.build();
        Map<String, Map<String, String>> per = new LinkedHashMap<>();
        long fresh = byModel.keySet().stream().filter(m -> !tracker.models().contains(m)).count();
        if (tracker.models().size() + fresh > QualityService.MAX_MODELS) {
            throw new ApiException(422, "limit_reached", "quality is tracked for at most " + QualityService.MAX_MODELS + " models; this batch adds "
                    + fresh + " to " + tracker.models().size());
        }
        for (Map.Entry<String, EvaluationBatch> e : byModel.entrySet()) {
            e.getValue().applyTo(scratch.model(e.getKey()));
            Map<String, String> ws = new LinkedHashMap<>();
            windows.forEach((name, d) -> scratch.window(e.getKey(), d).ifPresent(w -> ws.put(name, w.toJson())));
            per.put(e.getKey(), ws);
            scored.put(e.getKey(), e.getValue().scores);
        }
        return new QualityJournal.EvaluationEntry(records.size(), late, tasks, per);
    }

    /**
     * The message of a batch the library rejected, naming the record: the library counts rows within
     * one model's part of the batch, so the model's records are replayed one at a time on a fresh
     * scratch accumulator, and the first that fails is the bad one.
     */
    private String locate(String model, EvaluationBatch batch, IllegalArgumentException whole) {
        QualityRecorder scratch = dev.vitals.quality.QualityStats.create(specs.getOrDefault(model, QualitySpec.defaults()));
        for (int i = 0; i < batch.records.size(); i++) {
            EvaluationBatch one = new EvaluationBatch();
            one.add(batch.records.get(i), batch.indices.get(i));
            try {
                one.applyTo(scratch);
            } catch (IllegalArgumentException ex) {
                return "records[" + batch.indices.get(i) + "] (model '" + model + "'): "
                        + ex.getMessage().replaceFirst("^(row|score) 0: ", "");
            }
        }
        return "model '" + model + "': " + whole.getMessage();
    }

    /** Checks scores against the model's spec and its earlier score kinds, before anything is stored. */
    void check(String model, List<Score> list, Object applyLock) {
        QualityRecorder scratch = dev.vitals.quality.QualityStats.create(specs.getOrDefault(model, QualitySpec.defaults()));
        try {
            scratch.addScores(list);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_values", e.getMessage());
        }
        synchronized (applyLock) {
            for (Score sc : list) {
                dev.vitals.quality.ScoreKind was = tracker.models().contains(model) ? tracker.scoreKind(model, sc.name(), sc.source()) : null;
                if (was != null && was != sc.kind()) {
                    throw new ApiException(400, "invalid_values", "score \"" + cut(sc.name()) + "\" from " + sc.source().wireName()
                            + " is " + was.wireName() + ", got " + sc.kind().wireName());
                }
            }
        }
    }
}
