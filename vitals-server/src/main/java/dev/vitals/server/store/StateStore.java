package dev.vitals.server.store;

import java.util.List;
import java.util.Map;

/**
 * Durable state of a Vitals server, behind a small interface so that an embedded SQLite database
 * (the default, {@link JdbcStateStore#sqlite}) or a shared database can serve it. Every method blocks:
 * servers call them from worker threads, never from an event loop. Implementations are thread-safe.
 */
public interface StateStore extends AutoCloseable {

    /** The schema version after migrations. */
    int schemaVersion();

    /** Inserts a key, or replaces the secret and limits of an active key of the same id. */
    void upsertApiKey(ApiKeyRecord key);

    /** All keys, revoked ones included, oldest first. */
    List<ApiKeyRecord> apiKeys();

    /** Revokes an active key; false when there is no active key with that id. */
    boolean revokeApiKey(String id, long atMillis);

    /** Adds spend to keys, in one transaction. Unknown ids are ignored. */
    void addSpend(Map<String, Double> usdById);

    /** Inserts calls in one transaction; an id already present is kept as it was. */
    void insertCalls(List<CallRow> calls);

    /** The call with this request id, or {@code null}. */
    CallRow findCall(String requestId);

    /**
     * Inserts a feedback unless its id exists.
     *
     * @return {@code null} when inserted, else the stored feedback with that id
     */
    FeedbackRow insertFeedback(FeedbackRow feedback);

    /** The feedback with this id, or {@code null}. */
    FeedbackRow findFeedback(String feedbackId);

    /** Deletes calls and feedback older than {@code millis}; returns the rows deleted. */
    int deleteBefore(long millis);

    /** Stores a component's opaque state under {@code name}, replacing what was there. */
    void putBlob(String name, byte[] value);

    /** A component's stored state, or {@code null}. */
    byte[] getBlob(String name);

    /** Names of stored states that start with {@code prefix}. */
    List<String> blobNames(String prefix);

    // ---- durability: group commits, the journal, per-replica spend, pending joins ----------------

    /** Writes of one transaction: what a group commit batches. Every method runs inside it. */
    interface Tx {
        /** Appends to the journal; returns the entry's sequence number. */
        long journal(String replica, String kind, String payload);

        /** Inserts a feedback unless its id exists; true when inserted. */
        boolean insertFeedback(FeedbackRow feedback);

        /** Inserts calls; an id already present is kept as it was. */
        void insertCalls(List<CallRow> calls);

        /** Adds to this replica's spend rows of {@code scope} and {@code period} ({@code ""}: lifetime). */
        void addSpend(String replica, String scope, String period, Map<String, Double> usdByName);

        /** Stores a pending item unless one of the same kind and item id exists; true when stored. */
        boolean park(PendingJoin item);

        /** Takes a pending item (deletes it); true when this transaction took it, false when another did. */
        boolean claim(long pendingId);

        /** Marks a request's first business event of {@code kind}; true when this was the first (a conversion). */
        boolean firstEvent(String requestId, String kind, long timeMillis);
    }

    /** Work in one transaction. */
    @FunctionalInterface
    interface TxWork<T> {
        T run(Tx tx);
    }

    /** Runs {@code work} in one transaction: all of it is committed, or none of it (it throws). */
    <T> T transaction(TxWork<T> work);

    /** Rows a write of many rows inserts between two yield points of its writer ({@link Dialect#rowsPerPart()}). */
    int rowsPerPart();

    /** Makes committed writes survive a power loss (SQLite: a WAL checkpoint, which syncs; PostgreSQL: nothing, its commit syncs). */
    void sync();

    /** Journal entries of {@code replica} of the given kinds after {@code afterSeq}, in order, at most {@code limit}. */
    List<JournalEntry> journal(String replica, java.util.Collection<String> kinds, long afterSeq, int limit);

    /** Deletes the journal entries of {@code replica} of the given kinds up to {@code uptoSeq}; returns how many. */
    int pruneJournal(String replica, java.util.Collection<String> kinds, long uptoSeq);

    /** The fleet's spend of {@code scope} in {@code period}: per name, the sum over replicas. */
    Map<String, Double> spendTotals(String scope, String period);

    /** The pending or expired item of this kind and item id, or {@code null}. */
    PendingJoin findPending(String kind, String itemId);

    /**
     * Pending items of {@code kind} whose key now has a row in {@code table.column} (identifiers of the
     * schema, never input), oldest first, at most {@code limit}.
     */
    List<PendingJoin> joinable(String kind, String table, String column, int limit);

    /** Marks pending items of {@code kind} that expired by {@code nowMillis}; returns how many. */
    int expirePending(String kind, long nowMillis);

    /** How many items of {@code kind} are pending and expired. */
    Map<String, Long> pendingCounts(String kind);

    /**
     * Label coverage per model: calls rows with ids starting with {@code prefix} (predictions) since {@code sinceMillis}, and how
     * many have the feedback row {@code markPrefix + request id} (their actual); at most {@code limit} models, most predictions first.
     */
    List<LabelCoverageRow> labelCoverage(String prefix, String markPrefix, long sinceMillis, int limit);

    /** Size of the database on disk in bytes, 0 when unknown. */
    long sizeBytes();

    @Override
    void close();
}
