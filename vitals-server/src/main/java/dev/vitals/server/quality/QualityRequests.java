package dev.vitals.server.quality;

import static dev.vitals.server.api.ApiException.cut;

import dev.vitals.quality.Prediction;
import dev.vitals.quality.Score;
import dev.vitals.server.api.ApiException;
import dev.vitals.server.api.Batch;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The quality API's request bodies, parsed into typed values: {@code POST /v1/feedback} into a
 * {@link Feedback}, {@code POST /v1/evaluations} into {@link Record}s. Every 400/413 message of those bodies
 * is here (the 404/409/422 ones need state and stay in {@link QualityService}); no server, no state.
 */
public final class QualityRequests {
    private QualityRequests() {
    }

    private static final List<String> FEEDBACK_FIELDS = List.of("request_id", "feedback_id", "score", "scores");

    /**
     * A feedback body, checked: its ids, its scores, and the body's JSON text (stored and journaled as it is,
     * and compared as JSON to recognise a re-send).
     */
    public record Feedback(String requestId, String feedbackId, List<Score> scores, String body) {
        public Feedback {
            scores = List.copyOf(scores);
        }
    }

    /** Parses a feedback body; throws the first problem as a 400 naming the field. */
    public static Feedback feedback(JsonObject body) {
        for (String f : body.fieldNames()) {
            if (!FEEDBACK_FIELDS.contains(f)) {
                throw new ApiException(400, "unknown_field", "unknown field '" + cut(f) + "'; allowed: request_id, feedback_id, score, scores");
            }
        }
        String requestId = string(body, "request_id", true);
        String feedbackId = string(body, "feedback_id", true);
        return new Feedback(requestId, feedbackId, scores(body), body.encode());
    }

    /** The {@code score} and {@code scores} of a feedback body: at least one. */
    static List<Score> scores(JsonObject body) {
        List<Score> list = new ArrayList<>();
        if (body.containsKey("score")) {
            list.add(score(body.getValue("score"), "score"));
        }
        if (body.containsKey("scores")) {
            if (!(body.getValue("scores") instanceof JsonArray a) || a.isEmpty() || a.size() > 100) {
                throw new ApiException(400, "invalid_scores", "'scores' must be an array of 1 to 100 scores");
            }
            for (int i = 0; i < a.size(); i++) {
                list.add(score(a.getValue(i), "scores[" + i + "]"));
            }
        }
        if (list.isEmpty()) {
            throw new ApiException(400, "missing_score", "feedback needs 'score' or 'scores'");
        }
        return list;
    }

    /** One score object ({@code {"name", "value", "source"}}); {@code at} names it in messages. */
    static Score score(Object v, String at) {
        if (!(v instanceof JsonObject o)) {
            throw new ApiException(400, "invalid_score", at + " must be an object {\"name\", \"value\", \"source\"}");
        }
        for (String f : o.fieldNames()) {
            if (!List.of("name", "value", "source").contains(f)) {
                throw new ApiException(400, "invalid_score", at + ": unknown field '" + cut(f) + "'; allowed: name, value, source");
            }
        }
        if (!(o.getValue("name") instanceof String name) || name.isBlank() || name.length() > 64) {
            throw new ApiException(400, "invalid_score", at + ".name must be a string of 1 to 64 characters");
        }
        String src = o.getValue("source") instanceof String s ? s : null;
        dev.vitals.quality.ScoreSource source;
        try {
            source = dev.vitals.quality.ScoreSource.parse(src == null ? "" : src);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_score", at + ".source must be one of human, llm_judge, code");
        }
        Object value = o.getValue("value");
        if (value instanceof Boolean b) {
            return Score.bool(name, source, b);
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) {
                throw new ApiException(400, "invalid_score", at + ".value must be finite");
            }
            return Score.numeric(name, source, d);
        }
        if (value instanceof String s && !s.isEmpty() && s.length() <= 64) {
            if (nonFiniteSpelling(s)) {
                throw new ApiException(400, "invalid_score", at + ".value must be a finite number, a boolean or a category, got '" + s + "'");
            }
            return Score.category(name, source, s);
        }
        throw new ApiException(400, "invalid_score", at + ".value must be a number, a boolean or a string of 1 to 64 characters");
    }

    /**
     * A string that spells a non-finite number, which JSON cannot carry as one: NaN and Infinity as
     * JavaScript and Java write them, nan and inf as Python and numpy do, with or without a sign.
     */
    static boolean nonFiniteSpelling(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.startsWith("+") || t.startsWith("-")) {
            t = t.substring(1);
        }
        return t.equals("nan") || t.equals("inf") || t.contains("infinity");
    }

    static String string(JsonObject o, String field, boolean required) {
        Object v = o.getValue(field);
        if (v == null && !required) {
            return null;
        }
        if (!(v instanceof String s) || s.isEmpty() || s.length() > 128) {
            throw new ApiException(400, "invalid_" + field, "'" + field + "' must be a string of 1 to 128 characters");
        }
        return s;
    }

    /**
     * The records array of an evaluations body, checked for shape and size ({@code records[i]} are parsed one
     * at a time by {@link #record}, in order, so that the first bad record is the one reported).
     */
    static JsonArray evaluationRecords(JsonObject body) {
        JsonArray a = Batch.records(body, "a non-empty array");
        if (body.size() != 1) {
            throw new ApiException(400, "invalid_records", "the body has only the field 'records'");
        }
        return a;
    }

    /**
     * An evaluations body's records, each parsed in order (the first bad one is the one reported); a record's
     * task against its model's earlier records needs state and is checked by the service.
     */
    public static List<Record> evaluations(JsonObject body) {
        JsonArray a = evaluationRecords(body);
        List<Record> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            String at = "records[" + i + "]";
            if (!(a.getValue(i) instanceof JsonObject r)) {
                throw new ApiException(400, "invalid_record", at + " must be an object");
            }
            out.add(record(r, at));
        }
        return List.copyOf(out);
    }

    static final long NO_TIME = Long.MIN_VALUE;

    /**
     * One evaluation record of a task ({@code classification}, {@code regression} or {@code llm}).
     *
     * @param time the record's own epoch milliseconds, or {@link #NO_TIME} (now)
     */
    public record Record(String model, String task, Prediction prediction, double actualValue, double predictedValue,
                          List<Score> scores, String candidate, List<String> references, long time) {
        public Record {
            scores = scores == null ? null : List.copyOf(scores);
            references = references == null ? null : List.copyOf(references);
        }

        /** A classification record at {@code time} (epoch milliseconds, or {@link #NO_TIME}: now). */
        static Record classification(String model, Prediction prediction, long time) {
            return new Record(model, "classification", prediction, Double.NaN, Double.NaN, null, null, null, time);
        }

        /** A regression record at {@code time} (epoch milliseconds, or {@link #NO_TIME}: now). */
        static Record regression(String model, double actual, double predicted, long time) {
            return new Record(model, "regression", null, actual, predicted, null, null, null, time);
        }
    }


    private static final java.util.Set<String> RECORD_FIELDS = java.util.Set.of("model", "time", "predicted", "actual", "score",
            "probabilities", "scores", "candidate", "references");

    /** One evaluation record; {@code at} ({@code records[i]}) names it in messages. */
    static Record record(JsonObject r, String at) {
        for (String f : r.fieldNames()) {
            if (!RECORD_FIELDS.contains(f)) {
                throw new ApiException(400, "invalid_record", at + ": unknown field '" + cut(f) + "'; allowed: " + new java.util.TreeSet<>(RECORD_FIELDS));
            }
        }
        if (!(r.getValue("model") instanceof String model) || model.isBlank() || model.length() > 256) {
            throw new ApiException(400, "invalid_record", at + ".model must be a string of 1 to 256 characters");
        }
        long time = NO_TIME;
        if (r.containsKey("time")) {
            if (!(r.getValue("time") instanceof Number t)) {
                throw new ApiException(400, "invalid_record", at + ".time must be epoch milliseconds");
            }
            long now = System.currentTimeMillis();
            if (t.longValue() > now + 300_000 || t.longValue() < now - 30L * 86_400_000) {
                throw new ApiException(400, "invalid_time", at + ".time is more than 5 minutes in the future or 30 days in the past");
            }
            time = t.longValue();
        }
        Object pred = r.getValue("predicted");
        Object act = r.getValue("actual");
        if (r.containsKey("scores") || r.containsKey("candidate")) {
            List<Score> sc = null;
            if (r.containsKey("scores")) {
                if (!(r.getValue("scores") instanceof JsonArray a) || a.isEmpty() || a.size() > 100) {
                    throw new ApiException(400, "invalid_record", at + ".scores must be an array of 1 to 100 scores");
                }
                sc = new ArrayList<>();
                for (int i = 0; i < a.size(); i++) {
                    sc.add(score(a.getValue(i), at + ".scores[" + i + "]"));
                }
            }
            String cand = null;
            List<String> refs = null;
            if (r.containsKey("candidate")) {
                if (!(r.getValue("candidate") instanceof String c) || c.length() > 100_000) {
                    throw new ApiException(400, "invalid_record", at + ".candidate must be a string");
                }
                cand = c;
                if (!(r.getValue("references") instanceof JsonArray ra) || ra.isEmpty() || ra.size() > 16
                        || ra.stream().anyMatch(x -> !(x instanceof String))) {
                    throw new ApiException(400, "invalid_record", at + ".references must be an array of 1 to 16 strings");
                }
                refs = ra.stream().map(x -> (String) x).toList();
            }
            return new Record(model, "llm", null, Double.NaN, Double.NaN, sc, cand, refs, time);
        }
        if (pred instanceof Number p && act instanceof Number q) {
            if (!Double.isFinite(p.doubleValue()) || !Double.isFinite(q.doubleValue())) {
                throw new ApiException(400, "invalid_record", at + ": predicted and actual must be finite");
            }
            if (r.containsKey("score") || r.containsKey("probabilities")) {
                throw new ApiException(400, "invalid_record", at + ": a regression record has no score or probabilities");
            }
            return Record.regression(model, q.doubleValue(), p.doubleValue(), time);
        }
        if (pred instanceof String p && act instanceof String q && !p.isEmpty() && !q.isEmpty() && p.length() <= 256 && q.length() <= 256) {
            Prediction prediction;
            Object score = r.getValue("score");
            Object probs = r.getValue("probabilities");
            if (score != null && probs != null) {
                throw new ApiException(400, "invalid_record", at + ": give 'score' or 'probabilities', not both");
            }
            if (score != null) {
                if (!(score instanceof Number n)) {
                    throw new ApiException(400, "invalid_record", at + ".score must be a number in [0, 1]");
                }
                prediction = Prediction.of(q, p, n.doubleValue());
            } else if (probs != null) {
                if (!(probs instanceof JsonObject po) || po.isEmpty() || po.size() > 1000) {
                    throw new ApiException(400, "invalid_record", at + ".probabilities must be an object of label to probability");
                }
                Map<String, Double> m = new LinkedHashMap<>();
                for (String k : po.fieldNames()) {
                    if (!(po.getValue(k) instanceof Number n)) {
                        throw new ApiException(400, "invalid_record", at + ".probabilities." + cut(k) + " must be a number");
                    }
                    m.put(k, n.doubleValue());
                }
                prediction = Prediction.of(q, p, m);
            } else {
                prediction = Prediction.of(q, p);
            }
            return Record.classification(model, prediction, time);
        }
        throw new ApiException(400, "invalid_record", at + " needs predicted and actual (two strings: classification; two numbers: "
                + "regression), or scores, or candidate and references");
    }

    /** Whether a stored body is the same JSON as {@code body}, however either was written (field order, spacing). */
    static boolean sameJson(String stored, String body) {
        try {
            return new JsonObject(stored).equals(new JsonObject(body));
        } catch (RuntimeException e) {
            return stored.equals(body); // not JSON: only the same text is the same body
        }
    }
}
