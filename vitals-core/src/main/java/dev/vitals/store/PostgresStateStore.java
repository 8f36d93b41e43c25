package dev.vitals.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link StateStore} on a shared PostgreSQL database, so that several Vitals replicas see the same
 * API keys, calls and feedback. Connections come from a HikariCP pool; the schema is migrated on open
 * by {@code dev/vitals/store/migrations/postgres/V<n>__*.sql}, the PostgreSQL forms of the SQLite
 * scripts with the same versions (see the README there), all in one transaction under an advisory
 * lock, so replicas starting together migrate once.
 *
 * <pre>{@code
 * try (StateStore store = PostgresStateStore.open("jdbc:postgresql://db:5432/vitals", "vitals", secret, 8)) { ... }
 * }</pre>
 */
public final class PostgresStateStore implements StateStore {
    /** Same key as any Vitals: {@code pg_advisory_xact_lock} serializes concurrent migrations. */
    private static final long MIGRATION_LOCK = 0x5649_5441_4C53L; // "VITALS"
    private static final long SIZE_REFRESH_MS = 30_000;

    private final HikariDataSource pool;
    private final int version;
    private volatile long sizeBytes;
    private volatile long sizeAtMillis;

    private PostgresStateStore(HikariDataSource pool, int version) {
        this.pool = pool;
        this.version = version;
    }

    /**
     * Connects and migrates.
     *
     * @param jdbcUrl e.g. {@code jdbc:postgresql://127.0.0.1:5432/vitals}
     * @param user the user, or {@code null} for the driver's default
     * @param password the password, or {@code null}
     * @param maxPoolSize connections at most
     * @throws IllegalStateException naming the URL (never the password) when it cannot connect or migrate
     */
    public static PostgresStateStore open(String jdbcUrl, String user, String password, int maxPoolSize) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(jdbcUrl);
        if (user != null) {
            hc.setUsername(user);
        }
        if (password != null) {
            hc.setPassword(password);
        }
        hc.setMaximumPoolSize(maxPoolSize);
        hc.setMinimumIdle(Math.min(2, maxPoolSize));
        hc.setConnectionTimeout(10_000);
        hc.setPoolName("vitals-store");
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot connect to state store " + jdbcUrl + ": " + rootMessage(e), e);
        }
        try {
            int v;
            try (Connection c = ds.getConnection()) {
                v = migrate(c);
            }
            PostgresStateStore s = new PostgresStateStore(ds, v);
            s.refreshSize();
            return s;
        } catch (SQLException | RuntimeException e) {
            ds.close();
            throw new IllegalStateException("cannot open state store " + jdbcUrl + ": " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
    }

    private static int migrate(Connection c) throws SQLException {
        List<String> migrations = SqliteStateStore.MIGRATIONS;
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
            st.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                    + "applied_at_ms BIGINT NOT NULL)");
            int current = 0;
            try (ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")) {
                if (rs.next()) {
                    current = rs.getInt(1);
                }
            }
            if (current > migrations.size()) {
                throw new SQLException("database schema version " + current + " is newer than this Vitals (" + migrations.size() + ")");
            }
            for (int v = current + 1; v <= migrations.size(); v++) {
                String name = migrations.get(v - 1);
                try {
                    for (String stmt : StoreRows.migration("postgres/" + name).split(";\\s*(\\n|$)")) {
                        String s = stmt.replaceAll("(?m)^\\s*--.*$", "").trim();
                        if (!s.isEmpty()) {
                            st.execute(s);
                        }
                    }
                } catch (SQLException e) {
                    throw new SQLException("migration postgres/" + name + " failed: " + e.getMessage(), e);
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO schema_migrations VALUES (?, ?, ?)")) {
                    ps.setInt(1, v);
                    ps.setString(2, name);
                    ps.setLong(3, System.currentTimeMillis());
                    ps.executeUpdate();
                }
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
        return migrations.size();
    }

    private <T> T withConnection(String what, StoreRows.Work<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new IllegalStateException(what + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} in one transaction. */
    private <T> T inTransaction(String what, StoreRows.Work<T> work) {
        return withConnection(what, c -> StoreRows.transaction(c, work));
    }

    @Override
    public int schemaVersion() {
        return version;
    }

    @Override
    public void upsertApiKey(ApiKeyRecord k) {
        String sql = "INSERT INTO api_keys (id, name, salt, secret_hash, source, rate_limit_per_minute, budget_usd, spent_usd, "
                + "created_at_ms, revoked_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL) "
                + "ON CONFLICT (id) DO UPDATE SET name = excluded.name, salt = excluded.salt, secret_hash = excluded.secret_hash, "
                + "rate_limit_per_minute = excluded.rate_limit_per_minute, budget_usd = excluded.budget_usd, revoked_at_ms = NULL";
        withConnection("cannot store API key '" + k.name() + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                StoreRows.bindApiKey(ps, k);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public List<ApiKeyRecord> apiKeys() {
        return withConnection("cannot read API keys", c -> {
            List<ApiKeyRecord> out = new ArrayList<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT " + StoreRows.API_KEY_COLUMNS + " FROM api_keys ORDER BY created_at_ms, id")) {
                while (rs.next()) {
                    out.add(StoreRows.apiKey(rs));
                }
            }
            return out;
        });
    }

    @Override
    public boolean revokeApiKey(String id, long atMillis) {
        return withConnection("cannot revoke API key " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE api_keys SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL")) {
                ps.setLong(1, atMillis);
                ps.setString(2, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void addSpend(Map<String, Double> usdById) {
        if (usdById.isEmpty()) {
            return;
        }
        inTransaction("cannot add API key spend", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE api_keys SET spent_usd = spent_usd + ? WHERE id = ?")) {
                for (Map.Entry<String, Double> e : usdById.entrySet()) {
                    ps.setDouble(1, e.getValue());
                    ps.setString(2, e.getKey());
                    ps.addBatch();
                }
                return ps.executeBatch();
            }
        });
    }

    @Override
    public void insertCalls(List<CallRow> calls) {
        if (calls.isEmpty()) {
            return;
        }
        inTransaction("cannot store calls", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO calls (request_id, model, ts_ms, "
                    + "predicted_label, predicted_value) VALUES (?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING")) {
                for (CallRow r : calls) {
                    StoreRows.bindCall(ps, r);
                    ps.addBatch();
                }
                return ps.executeBatch();
            }
        });
        if (System.currentTimeMillis() - sizeAtMillis > SIZE_REFRESH_MS) {
            refreshSize();
        }
    }

    @Override
    public CallRow findCall(String requestId) {
        return withConnection("cannot read call", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + StoreRows.CALL_COLUMNS + " FROM calls WHERE request_id = ?")) {
                ps.setString(1, requestId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    return StoreRows.call(rs);
                }
            }
        });
    }

    @Override
    public FeedbackRow insertFeedback(FeedbackRow f) {
        return withConnection("cannot store feedback", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO feedback (feedback_id, request_id, model, "
                    + "ts_ms, payload) VALUES (?, ?, ?, ?, ?) ON CONFLICT (feedback_id) DO NOTHING")) {
                StoreRows.bindFeedback(ps, f);
                if (ps.executeUpdate() == 1) {
                    return null;
                }
            }
            return findFeedback(c, f.feedbackId());
        });
    }

    @Override
    public FeedbackRow findFeedback(String feedbackId) {
        return withConnection("cannot read feedback", c -> findFeedback(c, feedbackId));
    }

    private static FeedbackRow findFeedback(Connection c, String feedbackId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + StoreRows.FEEDBACK_COLUMNS + " FROM feedback WHERE feedback_id = ?")) {
            ps.setString(1, feedbackId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? StoreRows.feedback(rs)
                        : null;
            }
        }
    }

    @Override
    public int deleteBefore(long millis) {
        return inTransaction("cannot apply retention", c -> {
            try (PreparedStatement a = c.prepareStatement("DELETE FROM calls WHERE ts_ms < ?");
                 PreparedStatement b = c.prepareStatement("DELETE FROM feedback WHERE ts_ms < ?")) {
                a.setLong(1, millis);
                b.setLong(1, millis);
                return a.executeUpdate() + b.executeUpdate();
            }
        });
    }

    @Override
    public void putBlob(String name, byte[] value) {
        withConnection("cannot store state '" + name + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO blobs (name, value, updated_at_ms) VALUES (?, ?, ?) "
                    + "ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at_ms = excluded.updated_at_ms")) {
                ps.setString(1, name);
                ps.setBytes(2, value);
                ps.setLong(3, System.currentTimeMillis());
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public byte[] getBlob(String name) {
        return withConnection("cannot read state '" + name + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT value FROM blobs WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getBytes(1) : null;
                }
            }
        });
    }

    @Override
    public List<String> blobNames(String prefix) {
        return withConnection("cannot list states", c -> {
            List<String> out = new ArrayList<>();
            // left() rather than LIKE: '_' and '%' in a prefix are plain characters
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM blobs WHERE left(name, ?) = ? ORDER BY name")) {
                ps.setInt(1, prefix.length());
                ps.setString(2, prefix);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    /**
     * The database's size ({@code pg_database_size}), as last read: it is refreshed on open and at most
     * every 30 s by writes (on the caller's worker thread), so that a scrape never waits on the database.
     */
    @Override
    public long sizeBytes() {
        return sizeBytes;
    }

    private void refreshSize() {
        sizeAtMillis = System.currentTimeMillis();
        try {
            sizeBytes = withConnection("cannot read database size", c -> {
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT pg_database_size(current_database())")) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            });
        } catch (IllegalStateException e) {
            // a gauge: keep the last value
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
