package dev.vitals.server.quality;

import dev.vitals.quality.Score;
import dev.vitals.server.store.JournalEntry;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The quality journal's entries and the pending feedback's payload, as stored: JSON text. A feedback entry is
 * {@code {"model", "body"}} (the feedback's body as received), an evaluation entry is {@code {"records", "late",
 * "tasks": {model: task}, "windows": {model: {window: state}}}} (what the batch adds, never its texts). The
 * format is the one written since journaling began (the first version wrote no {@code records} and {@code late}: read
 * as 0), so older journals replay unchanged.
 */
final class QualityJournal {
    static final String FEEDBACK = "feedback";
    static final String EVALUATION = "evaluation";
    /** The kinds this feature writes and replays. */
    static final List<String> KINDS = List.of(FEEDBACK, EVALUATION);

    private QualityJournal() {
    }

    /** A journaled entry, typed. */
    sealed interface Entry permits FeedbackEntry, EvaluationEntry {
    }

    /** A feedback's scores, applied to its call's model. */
    record FeedbackEntry(String model, List<Score> scores) implements Entry {
        FeedbackEntry {
            scores = List.copyOf(scores);
        }
    }

    /**
     * What an evaluation batch added: its record count, how many were late (counted nowhere), each model's task
     * and each model's serialized windows ({@code window name -> state}).
     */
    record EvaluationEntry(int records, int late, Map<String, String> tasks, Map<String, Map<String, String>> windows)
            implements Entry {
        EvaluationEntry {
            tasks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
            Map<String, Map<String, String>> w = new LinkedHashMap<>();
            windows.forEach((m, ws) -> w.put(m, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ws))));
            windows = java.util.Collections.unmodifiableMap(w);
        }
    }

    /** A feedback's entry: its call's model and the body's JSON text. */
    static String feedback(String model, String body) {
        return new JsonObject().put("model", model).put("body", new JsonObject(body)).encode();
    }

    static String evaluation(EvaluationEntry e) {
        JsonObject per = new JsonObject();
        e.windows().forEach((m, ws) -> per.put(m, new JsonObject(new LinkedHashMap<>(ws))));
        return new JsonObject().put("records", e.records()).put("late", e.late())
                .put("tasks", new JsonObject(new LinkedHashMap<>(e.tasks()))).put("windows", per).encode();
    }

    /** Reads a journaled entry of one of {@link #KINDS}. */
    static Entry decode(JournalEntry e) {
        JsonObject o = new JsonObject(e.payload());
        if (e.kind().equals(FEEDBACK)) {
            return new FeedbackEntry(o.getString("model"), QualityRequests.scores(o.getJsonObject("body")));
        }
        Map<String, String> tasks = new LinkedHashMap<>();
        JsonObject t = o.getJsonObject("tasks");
        JsonObject per = o.getJsonObject("windows");
        Map<String, Map<String, String>> windows = new LinkedHashMap<>();
        for (String m : per.fieldNames()) {
            tasks.put(m, t.getString(m, "llm"));
            windows.put(m, states(per.getJsonObject(m)));
        }
        // the first journaling version wrote neither count (replay never needed them): 0
        return new EvaluationEntry(o.getInteger("records", 0), o.getInteger("late", 0), tasks, windows);
    }

    /** A {@code {window: state}} object as a map. */
    static Map<String, String> states(JsonObject ws) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : ws.fieldNames()) {
            out.put(name, ws.getString(name));
        }
        return out;
    }

    /** A pending feedback's scores, from its stored payload (the body's JSON text, validated when it was accepted). */
    static List<Score> pendingScores(String payload) {
        return QualityRequests.scores(new JsonObject(payload));
    }
}
