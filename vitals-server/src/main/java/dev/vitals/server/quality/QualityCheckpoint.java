package dev.vitals.server.quality;

import dev.vitals.quality.QualityTracker;
import dev.vitals.quality.QualityWindow;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Logger;

/** The quality checkpoint's format: every model's task and windows, as JSON. */
final class QualityCheckpoint {
    private static final Logger LOG = Logger.getLogger(QualityCheckpoint.class.getName());

    private QualityCheckpoint() {
    }

    /**
     * Every model's task and windows, saved at {@code savedAt} and including the journal up to {@code seq} (the
     * caller holds the apply lock).
     */
    static byte[] encode(QualityTracker tracker, Map<String, Duration> windows, Map<String, String> taskOf, long savedAt, long seq) {
        JsonObject all = new JsonObject();
        for (String m : tracker.models()) {
            JsonObject per = new JsonObject().put("task", taskOf.getOrDefault(m, "llm"));
            windows.forEach((name, d) -> tracker.window(m, d).ifPresent(w -> per.put(name, w.toJson())));
            all.put(m, per);
        }
        return all.put("__saved_at", savedAt).put("__journal_seq", seq).encode().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * One model's window in another replica's checkpoint.
     *
     * @param savedAt when it was saved ({@code null} when the checkpoint does not say)
     * @param journalSeq the last journal entry it includes
     * @param state the window's serialized state, or {@code null} when it holds none for the model
     */
    record Saved(Long savedAt, long journalSeq, String state) {
    }

    /** Reads {@code model}'s {@code window} from a checkpoint; throws when the checkpoint cannot be read. */
    static Saved read(byte[] b, String model, String window) {
        JsonObject all = new JsonObject(new String(b, StandardCharsets.UTF_8));
        JsonObject per = all.getJsonObject(model);
        return new Saved(all.getLong("__saved_at"), all.getLong("__journal_seq", 0L), per == null ? null : per.getString(window));
    }

    /** Restores a checkpoint; returns the last journal entry it includes. */
    static long decode(byte[] b, QualityTracker tracker, Map<String, Duration> windows, Map<String, String> taskOf) {
        try {
            JsonObject all = new JsonObject(new String(b, StandardCharsets.UTF_8));
            all.remove("__saved_at");
            Object seq = all.remove("__journal_seq");
            for (String m : all.fieldNames()) {
                JsonObject per = all.getJsonObject(m);
                taskOf.put(m, per.getString("task", "llm"));
                tracker.model(m);
                Map<String, String> ws = new java.util.LinkedHashMap<>();
                for (String name : windows.keySet()) {
                    ws.put(name, per.getString(name));
                }
                merge(tracker, windows, m, ws);
            }
            LOG.info("quality windows restored for " + all.size() + " models");
            return seq instanceof Number n ? n.longValue() : 0;
        } catch (RuntimeException e) {
            LOG.warning("stored quality windows ignored: " + e.getMessage());
            return 0;
        }
    }

    /** Merges serialized windows ({@code window name -> state}) into model {@code m}'s live ones. */
    static void merge(QualityTracker tracker, Map<String, Duration> windows, String m, Map<String, String> ws) {
        windows.forEach((name, d) -> {
            String state = ws.get(name);
            if (state != null) {
                tracker.window(m, d).ifPresent(w -> w.merge(QualityWindow.fromJson(state, Clock.systemUTC())));
            }
        });
    }
}
