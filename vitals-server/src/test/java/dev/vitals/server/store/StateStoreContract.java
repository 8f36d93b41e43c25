package dev.vitals.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link StateStore} does, whatever the database: each subclass supplies a fresh, empty
 * store location per test and opens (and reopens) stores on it.
 */
abstract class StateStoreContract {
    private StateStore store;

    /** Prepares a fresh, empty location for this test (a file, a database). */
    abstract void freshLocation() throws Exception;

    /** Opens (migrating) a store on the current location; may be called again to reopen it. */
    abstract StateStore open();

    @BeforeEach
    void setUp() throws Exception {
        freshLocation();
        store = open();
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private static ApiKeyRecord key(String id, String name, double budget, long created) {
        return new ApiKeyRecord(id, name, "00ff", "ab".repeat(32), "admin", 60, budget, 0, created, 0);
    }

    @Test
    void schemaVersionIsTheNumberOfMigrationsAndReopeningKeepsDataAndVersion() {
        assertThat(store.schemaVersion()).isEqualTo(JdbcStateStore.MIGRATIONS.size()).isEqualTo(5);
        store.putBlob("x", new byte[] {1, 2, 3});
        store.upsertApiKey(key("k1", "alpha", Double.NaN, 1));
        store.close();
        store = open(); // migrations already applied: nothing re-run, nothing lost
        assertThat(store.schemaVersion()).isEqualTo(5);
        assertThat(store.getBlob("x")).containsExactly(1, 2, 3);
        assertThat(store.apiKeys()).extracting(ApiKeyRecord::name).containsExactly("alpha");
        try (StateStore second = open()) { // a second replica on the same database
            assertThat(second.schemaVersion()).isEqualTo(5);
            assertThat(second.getBlob("x")).containsExactly(1, 2, 3);
        }
    }

    @Test
    void apiKeysUpsertListRevokeAndSpend() {
        store.upsertApiKey(key("k1", "alpha", 5.0, 100));
        store.upsertApiKey(key("k2", "beta", Double.NaN, 200));
        List<ApiKeyRecord> keys = store.apiKeys();
        assertThat(keys).extracting(ApiKeyRecord::id).containsExactly("k1", "k2");
        assertThat(keys.get(0).budgetUsd()).isEqualTo(5.0);
        assertThat(keys.get(0).rateLimitPerMinute()).isEqualTo(60);
        assertThat(keys.get(0).createdAtMillis()).isEqualTo(100);
        assertThat(keys.get(1).hasBudget()).isFalse();
        assertThat(keys.get(1).revoked()).isFalse();

        // upsert replaces the secret and limits, keeps spend and creation time
        store.addSpend(Map.of("k1", 1.25, "k2", 0.5, "unknown", 9.0));
        store.addSpend(Map.of("k1", 0.000_000_123));
        store.upsertApiKey(new ApiKeyRecord("k1", "alpha", "11ee", "cd".repeat(32), "admin", 0, 7.5, 0, 999, 0));
        ApiKeyRecord k1 = store.apiKeys().get(0);
        assertThat(k1.salt()).isEqualTo("11ee");
        assertThat(k1.secretHash()).isEqualTo("cd".repeat(32));
        assertThat(k1.budgetUsd()).isEqualTo(7.5);
        assertThat(k1.spentUsd()).isEqualTo(1.250_000_123); // double precision, not a 4-byte float
        assertThat(k1.createdAtMillis()).isEqualTo(100);
        assertThat(store.apiKeys().get(1).spentUsd()).isEqualTo(0.5);

        long big = 1_750_000_000_000L; // milliseconds do not fit in 32 bits
        assertThat(store.revokeApiKey("k2", big)).isTrue();
        assertThat(store.revokeApiKey("k2", big + 1)).isFalse();
        assertThat(store.revokeApiKey("nope", big)).isFalse();
        ApiKeyRecord k2 = store.apiKeys().get(1);
        assertThat(k2.revoked()).isTrue();
        assertThat(k2.revokedAtMillis()).isEqualTo(big);

        // names are unique among active keys only
        store.upsertApiKey(key("k3", "beta", Double.NaN, 300));
        assertThatThrownBy(() -> store.upsertApiKey(key("k4", "alpha", Double.NaN, 400)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("alpha");
        assertThat(store.apiKeys()).extracting(ApiKeyRecord::id).containsExactly("k1", "k2", "k3");
    }

    @Test
    void blobsPutGetReplaceAndListByPrefix() {
        assertThat(store.getBlob("drift/a")).isNull();
        byte[] bin = new byte[256];
        for (int i = 0; i < bin.length; i++) {
            bin[i] = (byte) i;
        }
        store.putBlob("drift/a", bin);
        store.putBlob("drift/b", "two".getBytes(StandardCharsets.UTF_8));
        store.putBlob("drift_c", new byte[0]);
        store.putBlob("baseline", new byte[] {9});
        assertThat(store.getBlob("drift/a")).isEqualTo(bin);
        store.putBlob("drift/a", new byte[] {7});
        assertThat(store.getBlob("drift/a")).containsExactly(7);
        assertThat(store.getBlob("drift_c")).isEmpty();
        assertThat(store.blobNames("drift/")).containsExactly("drift/a", "drift/b");
        assertThat(store.blobNames("drift_")).containsExactly("drift_c"); // '_' is no wildcard
        assertThat(store.blobNames("drift")).containsExactly("drift/a", "drift/b", "drift_c");
        assertThat(store.blobNames("")).hasSize(4);
        assertThat(store.blobNames("zzz")).isEmpty();
    }

    @Test
    void callsInsertFindAndKeepTheFirstOfDuplicates() {
        long t = 1_750_000_000_123L;
        store.insertCalls(List.of(new CallRow("r1", "m", t, "spam", Double.NaN), new CallRow("r2", "m", t + 1, null, 0.25)));
        store.insertCalls(List.of(new CallRow("r1", "other", t + 5, "ham", 1), new CallRow("r3", "m", t + 2, null, Double.NaN)));
        store.insertCalls(List.of());
        CallRow r1 = store.findCall("r1");
        assertThat(r1.model()).isEqualTo("m");
        assertThat(r1.timeMillis()).isEqualTo(t);
        assertThat(r1.predictedLabel()).isEqualTo("spam");
        assertThat(r1.predictedValue()).isNaN();
        CallRow r2 = store.findCall("r2");
        assertThat(r2.predictedLabel()).isNull();
        assertThat(r2.predictedValue()).isEqualTo(0.25);
        assertThat(store.findCall("r3")).isNotNull();
        assertThat(store.findCall("missing")).isNull();
    }

    @Test
    void feedbackIsIdempotentByItsId() {
        FeedbackRow f = new FeedbackRow("f1", "r1", "m", 1_750_000_000_000L, "{\"score\":1}");
        assertThat(store.insertFeedback(f)).isNull();
        FeedbackRow again = store.insertFeedback(new FeedbackRow("f1", "r9", "m2", 5, "{\"score\":0}"));
        assertThat(again).isEqualTo(f); // the stored one, unchanged
        assertThat(store.findFeedback("f1")).isEqualTo(f);
        assertThat(store.findFeedback("f2")).isNull();
    }

    @Test
    void retentionDeletesOldCallsAndFeedbackOnly() {
        store.insertCalls(List.of(new CallRow("old", "m", 1_000, null, Double.NaN), new CallRow("new", "m", 5_000, null, Double.NaN)));
        store.insertFeedback(new FeedbackRow("fo", "old", "m", 1_000, "{}"));
        store.insertFeedback(new FeedbackRow("fn", "new", "m", 5_000, "{}"));
        store.putBlob("keep", new byte[] {1});
        store.upsertApiKey(key("k1", "alpha", Double.NaN, 1));
        assertThat(store.deleteBefore(3_000)).isEqualTo(2);
        assertThat(store.findCall("old")).isNull();
        assertThat(store.findCall("new")).isNotNull();
        assertThat(store.findFeedback("fo")).isNull();
        assertThat(store.findFeedback("fn")).isNotNull();
        assertThat(store.getBlob("keep")).isNotNull();
        assertThat(store.apiKeys()).hasSize(1);
        assertThat(store.deleteBefore(3_000)).isZero();
    }

    @Test
    void concurrentWritersFromManyThreads() throws Exception {
        Thread[] ts = new Thread[4];
        for (int i = 0; i < ts.length; i++) {
            int n = i;
            ts[i] = new Thread(() -> {
                for (int j = 0; j < 25; j++) {
                    store.insertCalls(List.of(new CallRow("t" + n + "-" + j, "m", j, null, Double.NaN)));
                }
            });
            ts[i].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        for (int i = 0; i < ts.length; i++) {
            assertThat(store.findCall("t" + i + "-24")).isNotNull();
        }
    }

    @Test
    void aTransactionCommitsAllOfItsWritesOrNone() {
        long seq = store.transaction(tx -> {
            tx.insertCalls(List.of(new CallRow("c1", "m", 1, null, Double.NaN)));
            assertThat(tx.insertFeedback(new FeedbackRow("f1", "c1", "m", 1, "{\"a\":1}"))).isTrue();
            assertThat(tx.insertFeedback(new FeedbackRow("f1", "c1", "m", 1, "{}"))).isFalse(); // its id exists
            return tx.journal("r1", "feedback", "{\"a\":1}");
        });
        assertThat(seq).isPositive();
        assertThat(store.findFeedback("f1").payload()).isEqualTo("{\"a\":1}");
        assertThatThrownBy(() -> store.transaction(tx -> {
            tx.journal("r1", "feedback", "{\"b\":2}");
            tx.insertFeedback(new FeedbackRow("f2", "c1", "m", 1, "{}"));
            throw new IllegalStateException("boom");
        })).hasMessageContaining("boom");
        assertThat(store.findFeedback("f2")).isNull(); // rolled back, with its journal entry
        assertThat(store.journal("r1", List.of("feedback"), 0, 10)).extracting(JournalEntry::seq).containsExactly(seq);
    }

    @Test
    void theJournalIsReadPerReplicaAndKindInOrderAndPrunedUpToACheckpoint() {
        long a = store.transaction(tx -> tx.journal("r1", "feedback", "1"));
        long b = store.transaction(tx -> tx.journal("r2", "feedback", "2"));
        long c = store.transaction(tx -> tx.journal("r1", "evaluation", "3"));
        long d = store.transaction(tx -> tx.journal("r1", "feedback", "4"));
        assertThat(a).isLessThan(b).isLessThan(c).isLessThan(d);
        assertThat(store.journal("r1", List.of("feedback", "evaluation"), 0, 10)).extracting(JournalEntry::payload)
                .containsExactly("1", "3", "4");
        assertThat(store.journal("r1", List.of("feedback"), a, 10)).extracting(JournalEntry::payload).containsExactly("4");
        assertThat(store.journal("r1", List.of("feedback", "evaluation"), 0, 2)).hasSize(2);
        assertThat(store.pruneJournal("r1", List.of("feedback"), c)).isEqualTo(1);
        assertThat(store.journal("r1", List.of("feedback", "evaluation"), 0, 10)).extracting(JournalEntry::payload)
                .containsExactly("3", "4");
        assertThat(store.journal("r2", List.of("feedback"), 0, 10)).extracting(JournalEntry::payload).containsExactly("2");
    }

    @Test
    void spendIsAddedPerReplicaAndSummedForTheFleet() {
        store.upsertApiKey(key("k1", "alpha", 10.0, 1));
        store.transaction(tx -> {
            tx.addSpend("r1", "key", "", Map.of("k1", 1.5));
            tx.addSpend("r1", "model", "2026-12", Map.of("gpt", 2.0));
            return null;
        });
        store.transaction(tx -> {
            tx.addSpend("r2", "key", "", Map.of("k1", 0.25));
            tx.addSpend("r1", "key", "", Map.of("k1", 1.0));
            tx.addSpend("r2", "model", "2026-12", Map.of("gpt", 3.0));
            tx.addSpend("r2", "model", "2026-11", Map.of("gpt", 100.0));
            return null;
        });
        store.addSpend(Map.of("k1", 0.5)); // the older per-key column still counts
        assertThat(store.spendTotals("key", "")).containsEntry("k1", 2.75);
        assertThat(store.spendTotals("model", "2026-12")).containsExactly(Map.entry("gpt", 5.0));
        assertThat(store.apiKeys().get(0).spentUsd()).isEqualTo(3.25);
    }

    @Test
    void pendingItemsAreStoredOnceJoinWhenTheirRowArrivesAndExpire() {
        PendingJoin p1 = new PendingJoin(0, "feedback", "req-1", "fb-1", "{}", 1_000, 5_000, PendingJoin.PENDING, "r1");
        PendingJoin p2 = new PendingJoin(0, "feedback", "req-2", "fb-2", "{}", 1_000, 2_000, PendingJoin.PENDING, "r1");
        assertThat((boolean) store.transaction(tx -> tx.park(p1))).isTrue();
        assertThat((boolean) store.transaction(tx -> tx.park(p1))).isFalse(); // same item id
        assertThat((boolean) store.transaction(tx -> tx.park(p2))).isTrue();
        assertThat(store.findPending("feedback", "fb-1").joinKey()).isEqualTo("req-1");
        assertThat(store.joinable("feedback", "calls", "request_id", 10)).isEmpty();
        store.insertCalls(List.of(new CallRow("req-1", "m", 1, null, Double.NaN)));
        List<PendingJoin> ready = store.joinable("feedback", "calls", "request_id", 10);
        assertThat(ready).extracting(PendingJoin::itemId).containsExactly("fb-1");
        assertThat((boolean) store.transaction(tx -> tx.claim(ready.get(0).id()))).isTrue();
        assertThat((boolean) store.transaction(tx -> tx.claim(ready.get(0).id()))).isFalse(); // another replica took it
        assertThat(store.findPending("feedback", "fb-1")).isNull();
        assertThat(store.expirePending("feedback", 1_999)).isZero();
        assertThat(store.expirePending("feedback", 2_000)).isEqualTo(1);
        assertThat(store.findPending("feedback", "fb-2").state()).isEqualTo(PendingJoin.EXPIRED);
        assertThat(store.pendingCounts("feedback")).containsEntry("pending", 0L).containsEntry("expired", 1L);
        assertThatThrownBy(() -> store.joinable("feedback", "calls; DROP TABLE calls", "request_id", 1))
                .isInstanceOf(IllegalArgumentException.class);
        store.sync();
    }
}
