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

    /** Size of the database on disk in bytes, 0 when unknown. */
    long sizeBytes();

    @Override
    void close();
}
