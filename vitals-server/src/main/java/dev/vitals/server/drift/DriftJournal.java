package dev.vitals.server.drift;

import dev.vitals.server.state.JournalReplay;
import dev.vitals.server.store.GroupCommitter;
import dev.vitals.server.store.StateStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Uploaded drift features made durable (issue #16): each accepted {@code POST /v1/features} batch is a
 * journal entry committed before the 2xx and applied to the running window after the commit; every
 * minute the windows are checkpointed ({@code drift.window.<replica>}) with the last entry they include
 * and the journal is pruned up to it. Start-up restores the checkpoint and replays the entries after it,
 * so a crash loses no acknowledged batch. What the gateway's own calls add to the windows is not
 * journaled: a crash loses it since the last checkpoint (at most a minute), like the other metrics.
 *
 * <p>An entry is the batch as the API's body, {@code {"model": M, "records": [{"feature": value, ...}]}}, read
 * back through {@link DriftRequests#features}: entries written before the batch was typed replay alike.
 */
final class DriftJournal {
    private static final Logger LOG = Logger.getLogger(DriftJournal.class.getName());
    /** The journal kind of an uploaded batch. */
    static final String KIND = "features";
    private static final List<String> KINDS = List.of(KIND);
    static final String BLOB_PREFIX = "drift.window.";

    /** What the drift service gives the journal: its windows, under its lock. */
    interface Windows {
        /** The running windows, serialized; called under the lock. */
        byte[] snapshot();

        /** Restores what {@link #snapshot} gave; at start-up. */
        void restore(byte[] bytes);

        /** Adds a checked batch to the running window; called under the lock, in commit order. */
        void apply(FeatureBatch batch);
    }

    private final StateStore store;
    private final GroupCommitter writer;
    private final String replica;
    private final Windows windows;
    private final Object lock;
    /** The last journal entry in the windows. Guarded by lock. */
    private long appliedSeq;

    /**
     * @param replica this replica's name in the journal ({@code local} when alone)
     * @param lock the lock that guards the windows (the drift service)
     */
    public DriftJournal(StateStore store, GroupCommitter writer, String replica, Windows windows, Object lock) {
        this.store = store;
        this.writer = writer;
        this.replica = replica;
        this.windows = windows;
        this.lock = lock;
    }

    /** Stores a checked batch and applies it after the commit; blocking (worker threads). */
    public void store(FeatureBatch batch) {
        String payload = encode(batch);
        writer.write(tx -> tx.journal(replica, KIND, payload), seq -> apply(seq, batch));
    }

    /**
     * A batch as an entry. A number that is not finite is written as null: the profile counts it as a null, and
     * JSON has no such number (Vert.x would write it as a string, which the entry's feature type refuses).
     */
    static String encode(FeatureBatch batch) {
        JsonArray records = new JsonArray();
        for (Map<String, Object> row : batch.rows()) {
            JsonObject r = new JsonObject();
            row.forEach((k, v) -> r.put(k, v instanceof Double d && !Double.isFinite(d) ? null : v));
            records.add(r);
        }
        return new JsonObject().put("model", batch.model()).put("records", records).encode();
    }

    /** An entry as a batch, checked like the body it was (types are the entry's own). */
    static FeatureBatch decode(String payload) {
        return DriftRequests.features(new JsonObject(payload), (model, feature) -> null);
    }

    private void apply(long seq, FeatureBatch batch) {
        synchronized (lock) {
            try {
                windows.apply(batch);
            } finally {
                appliedSeq = Math.max(appliedSeq, seq);
            }
        }
    }

    /** Saves the windows with the last entry they include, then prunes the journal up to it; blocking. */
    public void checkpoint() {
        byte[] w;
        long seq;
        synchronized (lock) {
            w = windows.snapshot();
            seq = appliedSeq;
        }
        store.putBlob(BLOB_PREFIX + replica, ByteBuffer.allocate(8 + w.length).putLong(seq).put(w).array());
        if (seq > 0) {
            store.pruneJournal(replica, KINDS, seq);
        }
    }

    /** Restores the last checkpoint and replays the batches stored after it; blocking, at start-up. */
    public void restore() {
        long after = 0;
        byte[] b = store.getBlob(BLOB_PREFIX + replica);
        if (b != null && b.length >= 8) {
            try {
                after = ByteBuffer.wrap(b).getLong();
                byte[] w = Arrays.copyOfRange(b, 8, b.length);
                synchronized (lock) {
                    windows.restore(w);
                }
            } catch (RuntimeException e) {
                LOG.warning("stored drift windows ignored (replaying the journal): " + e.getMessage());
            }
        }
        long last = JournalReplay.replay(store, replica, KINDS, after, e -> apply(e.seq(), decode(e.payload())), LOG,
                "drift: %d journaled feature batches");
        synchronized (lock) {
            appliedSeq = Math.max(appliedSeq, last);
        }
    }
}
