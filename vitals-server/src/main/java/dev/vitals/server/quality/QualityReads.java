package dev.vitals.server.quality;

import static dev.vitals.server.api.ApiException.cut;

import dev.vitals.internal.ThrottledLogger;
import dev.vitals.quality.QualityReport;
import dev.vitals.quality.QualitySpec;
import dev.vitals.quality.QualityTracker;
import dev.vitals.quality.QualityWindow;
import dev.vitals.server.api.ApiException;
import dev.vitals.server.store.FeedbackRow;
import dev.vitals.server.store.PendingJoin;
import dev.vitals.server.store.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/** The quality reports: this replica's windows, or the fleet's (live windows merged with the other replicas' saved ones and journals). */
final class QualityReads {
    private static final Logger LOG = Logger.getLogger(QualityReads.class.getName());
    /** A bad entry would be met again on every fleet report. */
    private static final ThrottledLogger BAD_ENTRY_LOG = new ThrottledLogger(LOG, Duration.ofMinutes(1));

    private final StateStore store;
    private final String replicaId;
    private final QualityTracker tracker;
    private final Map<String, Duration> windows;
    private final Map<String, QualitySpec> specs;
    private final Map<String, String> taskOf;

    QualityReads(StateStore store, String replicaId, QualityTracker tracker, Map<String, Duration> windows,
                 Map<String, QualitySpec> specs, Map<String, String> taskOf) {
        this.store = store;
        this.replicaId = replicaId;
        this.tracker = tracker;
        this.windows = windows;
        this.specs = specs;
        this.taskOf = taskOf;
    }

    QualityResults.Report fleet(String model, String window) {
        window = windowName(window, model);
        Duration d = windows.get(window);
        QualityWindow merged = null;
        if (tracker.models().contains(model)) {
            merged = tracker.window(model, d).map(w -> QualityWindow.fromJson(w.toJson(), Clock.systemUTC())).orElse(null);
        }
        List<QualityResults.Source> replicas = new ArrayList<>();
        if (merged != null) {
            replicas.add(new QualityResults.Source(replicaId, true, null));
        }
        for (String name : store.blobNames(QualityService.BLOB + ".")) {
            String other = name.substring(QualityService.BLOB.length() + 1);
            if (other.equals(replicaId)) {
                continue;
            }
            byte[] b = store.getBlob(name);
            try {
                QualityCheckpoint.Saved saved = QualityCheckpoint.read(b, model, window);
                QualityWindow w = saved.state() == null ? null : QualityWindow.fromJson(saved.state(), Clock.systemUTC());
                // plus what it acknowledged after that checkpoint: nothing is missing if it was killed since
                w = journalSince(other, saved.journalSeq(), model, window, d, w);
                if (w == null) {
                    continue;
                }
                if (merged == null) {
                    merged = w;
                } else {
                    merged.merge(w);
                }
                replicas.add(new QualityResults.Source(other, false, saved.savedAt()));
            } catch (RuntimeException e) {
                LOG.warning("quality windows of replica " + other + " skipped: " + e.getMessage());
            }
        }
        if (merged == null) {
            throw new ApiException(404, "unknown_model", "no quality data for model '" + cut(model) + "' on any replica");
        }
        return new QualityResults.Report(merged.report(), model, window, task(model), "fleet", replicas);
    }

    /** Another replica's journal entries for {@code model} after {@code seq}, added to {@code w} (or a fresh window). */
    private QualityWindow journalSince(String other, long seq, String model, String window, Duration d, QualityWindow w) {
        QualityWindow out = w;
        for (dev.vitals.server.store.JournalEntry e : store.journal(other, QualityJournal.KINDS, seq, 100_000)) {
            QualityWindow add = null;
            QualityJournal.Entry entry;
            try {
                entry = QualityJournal.decode(e);
            } catch (RuntimeException bad) { // one unreadable entry costs that entry, not the replica's whole report
                BAD_ENTRY_LOG.warning("journal entry " + e.seq() + " of replica " + other + " skipped (further ones in the next"
                        + " minute are not logged)", bad);
                continue;
            }
            if (entry instanceof QualityJournal.FeedbackEntry f && model.equals(f.model())) {
                add = emptyWindow(model, d);
                add.addScores(f.scores());
            } else if (entry instanceof QualityJournal.EvaluationEntry ev && ev.windows().containsKey(model)) {
                String st = ev.windows().get(model).get(window);
                add = st == null ? null : QualityWindow.fromJson(st, Clock.systemUTC());
            }
            if (add != null) {
                if (out == null) {
                    out = add;
                } else {
                    out.merge(add);
                }
            }
        }
        return out;
    }

    private QualityWindow emptyWindow(String model, Duration d) {
        QualityTracker.Builder tb = QualityTracker.builder().windows(windows.values().toArray(new Duration[0]));
        specs.forEach(tb::spec);
        QualityTracker t = tb.build();
        t.model(model);
        return t.window(model, d).orElseThrow();
    }

    /** The report of a model over a window ({@code GET /v1/quality}). */
    QualityResults.Report local(String model, String window) {
        window = windowName(window, model);
        Duration d = windows.get(window);
        Optional<QualityReport> r = tracker.models().contains(model) ? tracker.report(model, d) : Optional.empty();
        if (r.isEmpty()) {
            throw new ApiException(404, "unknown_model", "no quality data for model '" + cut(model) + "'; models: " + tracker.models());
        }
        return new QualityResults.Report(r.get(), model, window, task(model), "replica", null);
    }

    /** The window's name ({@code null}: the first window), after checking it and that {@code model} is given. */
    private String windowName(String window, String model) {
        String name = window == null ? windows.keySet().iterator().next() : window;
        if (!windows.containsKey(name)) {
            throw new ApiException(400, "invalid_window", "'window' must be one of " + windows.keySet() + ", got '" + cut(name) + "'");
        }
        if (model == null) {
            throw new ApiException(400, "missing_model", "'model' is required; models with quality data: " + tracker.models());
        }
        return name;
    }

    private String task(String model) {
        return taskOf.getOrDefault(model, "llm");
    }

    /** The state of one feedback id ({@code GET /v1/feedback?feedback_id=}): applied, pending, unknown_call, or 404. */
    QualityResults.FeedbackStatus feedbackStatus(String feedbackId) {
        if (feedbackId == null || feedbackId.isEmpty() || feedbackId.length() > 128) {
            throw new ApiException(400, "invalid_feedback_id", "'feedback_id' must be a string of 1 to 128 characters");
        }
        FeedbackRow f = store.findFeedback(feedbackId);
        if (f != null) {
            return new QualityResults.FeedbackStatus(feedbackId, "ok", f.requestId(), f.model(), null);
        }
        PendingJoin p = store.findPending("feedback", feedbackId);
        if (p == null) {
            throw new ApiException(404, "unknown_feedback_id", "no feedback with id '" + cut(feedbackId) + "'");
        }
        return new QualityResults.FeedbackStatus(feedbackId, PendingJoin.EXPIRED.equals(p.state()) ? "unknown_call" : "pending",
                p.joinKey(), null, p.expiresAtMillis());
    }
}
