package dev.vitals.server.quality;

import static dev.vitals.server.api.ApiException.cut;

import dev.vitals.quality.QualityReport;
import dev.vitals.quality.QualitySpec;
import dev.vitals.quality.QualityTracker;
import dev.vitals.quality.QualityWindow;
import dev.vitals.server.api.ApiException;
import dev.vitals.server.store.FeedbackRow;
import dev.vitals.server.store.PendingJoin;
import dev.vitals.server.store.StateStore;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/** The quality reports: this replica's windows, or the fleet's (live windows merged with the other replicas' saved ones and journals). */
final class QualityReads {
    private static final Logger LOG = Logger.getLogger(QualityReads.class.getName());

    private final StateStore store;
    private final String replicaId;
    private final QualityTracker tracker;
    private final Map<String, Duration> windows;
    private final Map<String, QualitySpec> specs;
    private final Map<String, String> taskOf;
    private final QualityReports reports;

    QualityReads(StateStore store, String replicaId, QualityTracker tracker, Map<String, Duration> windows,
                 Map<String, QualitySpec> specs, Map<String, String> taskOf, QualityReports reports) {
        this.store = store;
        this.replicaId = replicaId;
        this.tracker = tracker;
        this.windows = windows;
        this.specs = specs;
        this.taskOf = taskOf;
        this.reports = reports;
    }

    JsonObject fleet(String model, String window) {
        window = windowName(window, model);
        Duration d = windows.get(window);
        QualityWindow merged = null;
        if (tracker.models().contains(model)) {
            merged = tracker.window(model, d).map(w -> QualityWindow.fromJson(w.toJson(), Clock.systemUTC())).orElse(null);
        }
        io.vertx.core.json.JsonArray replicas = new io.vertx.core.json.JsonArray();
        if (merged != null) {
            replicas.add(new JsonObject().put("replica", replicaId).put("live", true));
        }
        for (String name : store.blobNames(QualityService.BLOB + ".")) {
            String other = name.substring(QualityService.BLOB.length() + 1);
            if (other.equals(replicaId)) {
                continue;
            }
            byte[] b = store.getBlob(name);
            try {
                JsonObject all = new JsonObject(new String(b, StandardCharsets.UTF_8));
                JsonObject per = all.getJsonObject(model);
                String state = per == null ? null : per.getString(window);
                QualityWindow w = state == null ? null : QualityWindow.fromJson(state, Clock.systemUTC());
                // plus what it acknowledged after that checkpoint: nothing is missing if it was killed since
                w = journalSince(other, all.getLong("__journal_seq", 0L), model, window, d, w);
                if (w == null) {
                    continue;
                }
                if (merged == null) {
                    merged = w;
                } else {
                    merged.merge(w);
                }
                replicas.add(new JsonObject().put("replica", other).put("saved_at", all.getLong("__saved_at")));
            } catch (RuntimeException e) {
                LOG.warning("quality windows of replica " + other + " skipped: " + e.getMessage());
            }
        }
        if (merged == null) {
            throw new ApiException(404, "unknown_model", "no quality data for model '" + cut(model) + "' on any replica");
        }
        return json(merged.report(), model, window).put("scope", "fleet").put("replicas", replicas);
    }

    /** Another replica's journal entries for {@code model} after {@code seq}, added to {@code w} (or a fresh window). */
    private QualityWindow journalSince(String other, long seq, String model, String window, Duration d, QualityWindow w) {
        QualityWindow out = w;
        for (dev.vitals.server.store.JournalEntry e : store.journal(other, QualityService.JOURNAL_KINDS, seq, 100_000)) {
            JsonObject o = new JsonObject(e.payload());
            QualityWindow add = null;
            if (e.kind().equals("feedback") && model.equals(o.getString("model"))) {
                add = emptyWindow(model, d);
                add.addScores(QualityRequests.scores(o.getJsonObject("body")));
            } else if (e.kind().equals("evaluation") && o.getJsonObject("windows").containsKey(model)) {
                String st = o.getJsonObject("windows").getJsonObject(model).getString(window);
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
    JsonObject local(String model, String window) {
        window = windowName(window, model);
        Duration d = windows.get(window);
        Optional<QualityReport> r = tracker.models().contains(model) ? tracker.report(model, d) : Optional.empty();
        if (r.isEmpty()) {
            throw new ApiException(404, "unknown_model", "no quality data for model '" + cut(model) + "'; models: " + tracker.models());
        }
        return json(r.get(), model, window);
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

    /** A report as the API's JSON with its model, window and task. */
    private JsonObject json(QualityReport report, String model, String window) {
        try {
            return reports.json(report).put("model", model).put("window", window).put("task", taskOf.getOrDefault(model, "llm"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The state of one feedback id ({@code GET /v1/feedback?feedback_id=}): applied, pending, unknown_call, or 404. */
    JsonObject feedbackStatus(String feedbackId) {
        if (feedbackId == null || feedbackId.isEmpty() || feedbackId.length() > 128) {
            throw new ApiException(400, "invalid_feedback_id", "'feedback_id' must be a string of 1 to 128 characters");
        }
        FeedbackRow f = store.findFeedback(feedbackId);
        if (f != null) {
            return new JsonObject().put("feedback_id", feedbackId).put("status", "ok").put("request_id", f.requestId())
                    .put("model", f.model());
        }
        PendingJoin p = store.findPending("feedback", feedbackId);
        if (p == null) {
            throw new ApiException(404, "unknown_feedback_id", "no feedback with id '" + cut(feedbackId) + "'");
        }
        return new JsonObject().put("feedback_id", feedbackId).put("request_id", p.joinKey())
                .put("status", PendingJoin.EXPIRED.equals(p.state()) ? "unknown_call" : "pending")
                .put("expires_at", p.expiresAtMillis());
    }
}
