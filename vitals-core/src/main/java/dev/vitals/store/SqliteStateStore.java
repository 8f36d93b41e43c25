package dev.vitals.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The embedded default {@link StateStore}: one SQLite file in WAL mode, migrated on open by the
 * versioned scripts {@code dev/vitals/store/migrations/V<n>__*.sql}, each applied once in its own
 * transaction and recorded in {@code schema_migrations}.
 *
 * <pre>{@code
 * try (StateStore store = SqliteStateStore.open(Path.of("vitals-data/vitals.db"))) { ... }
 * }</pre>
 *
 * <p>One connection, used under this object's lock: SQLite serializes writers anyway, and calls come
 * from worker threads.
 */
public final class SqliteStateStore implements StateStore {
    /** Migration scripts in order; append only, never edit a released one. */
    static final List<String> MIGRATIONS = List.of("V1__api_keys.sql", "V2__blobs.sql", "V3__calls_feedback.sql");

    private final Path file;
    private final Connection conn;
    private final int version;

    private SqliteStateStore(Path file, Connection conn, int version) {
        this.file = file;
        this.conn = conn;
        this.version = version;
    }

    /**
     * Opens (creating it and its directory if needed) and migrates the database at {@code file}.
     *
     * @throws IllegalStateException naming the file when it cannot be opened or migrated
     */
    public static SqliteStateStore open(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("PRAGMA synchronous=NORMAL");
                st.execute("PRAGMA busy_timeout=5000");
                st.execute("PRAGMA foreign_keys=ON");
                // 64 MiB of page cache (the default is 2 MiB): a busy gateway writes a calls row per request
                // at random places of its request-id index; 10,000 rows took 163 ms with 2 MiB, 100 ms with this
                st.execute("PRAGMA cache_size=-65536");
            }
            int v = migrate(c);
            return new SqliteStateStore(file, c, v);
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot open state store " + file + ": " + e.getMessage(), e);
        }
    }

    private static int migrate(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                    + "applied_at_ms INTEGER NOT NULL)");
        }
        int current = 0;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")) {
            if (rs.next()) {
                current = rs.getInt(1);
            }
        }
        if (current > MIGRATIONS.size()) {
            throw new SQLException("database schema version " + current + " is newer than this Vitals (" + MIGRATIONS.size() + ")");
        }
        for (int v = current + 1; v <= MIGRATIONS.size(); v++) {
            String name = MIGRATIONS.get(v - 1);
            String sql = StoreRows.migration(name);
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                for (String stmt : sql.split(";\\s*(\\n|$)")) {
                    String s = stmt.replaceAll("(?m)^\\s*--.*$", "").trim();
                    if (!s.isEmpty()) {
                        st.execute(s);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO schema_migrations VALUES (?, ?, ?)")) {
                    ps.setInt(1, v);
                    ps.setString(2, name);
                    ps.setLong(3, System.currentTimeMillis());
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw new SQLException("migration " + name + " failed: " + e.getMessage(), e);
            } finally {
                c.setAutoCommit(true);
            }
        }
        return MIGRATIONS.size();
    }

    @Override
    public int schemaVersion() {
        return version;
    }

    @Override
    public synchronized void upsertApiKey(ApiKeyRecord k) {
        String sql = "INSERT INTO api_keys (id, name, salt, secret_hash, source, rate_limit_per_minute, budget_usd, spent_usd, "
                + "created_at_ms, revoked_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL) "
                + "ON CONFLICT(id) DO UPDATE SET name = excluded.name, salt = excluded.salt, secret_hash = excluded.secret_hash, "
                + "rate_limit_per_minute = excluded.rate_limit_per_minute, budget_usd = excluded.budget_usd, revoked_at_ms = NULL";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            StoreRows.bindApiKey(ps, k);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store API key '" + k.name() + "': " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized List<ApiKeyRecord> apiKeys() {
        List<ApiKeyRecord> out = new ArrayList<>();
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + StoreRows.API_KEY_COLUMNS + " FROM api_keys ORDER BY created_at_ms, id")) {
            while (rs.next()) {
                out.add(StoreRows.apiKey(rs));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read API keys: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public synchronized boolean revokeApiKey(String id, long atMillis) {
        try (PreparedStatement ps = conn.prepareStatement(
                "UPDATE api_keys SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL")) {
            ps.setLong(1, atMillis);
            ps.setString(2, id);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot revoke API key " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void addSpend(Map<String, Double> usdById) {
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
    public synchronized void insertCalls(List<CallRow> calls) {
        if (calls.isEmpty()) {
            return;
        }
        inTransaction("cannot store calls", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO calls (request_id, model, ts_ms, "
                    + "predicted_label, predicted_value) VALUES (?, ?, ?, ?, ?)")) {
                for (CallRow r : calls) {
                    StoreRows.bindCall(ps, r);
                    ps.addBatch();
                }
                return ps.executeBatch();
            }
        });
    }

    /** Runs {@code work} in one transaction on the connection (callers hold this object's lock). */
    private <T> T inTransaction(String what, StoreRows.Work<T> work) {
        try {
            return StoreRows.transaction(conn, work);
        } catch (SQLException e) {
            throw new IllegalStateException(what + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized CallRow findCall(String requestId) {
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT " + StoreRows.CALL_COLUMNS + " FROM calls WHERE request_id = ?")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return StoreRows.call(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read call: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized FeedbackRow insertFeedback(FeedbackRow f) {
        try (PreparedStatement ps = conn.prepareStatement("INSERT OR IGNORE INTO feedback (feedback_id, request_id, model, "
                + "ts_ms, payload) VALUES (?, ?, ?, ?, ?)")) {
            StoreRows.bindFeedback(ps, f);
            if (ps.executeUpdate() == 1) {
                return null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store feedback: " + e.getMessage(), e);
        }
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT " + StoreRows.FEEDBACK_COLUMNS + " FROM feedback WHERE feedback_id = ?")) {
            ps.setString(1, f.feedbackId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return StoreRows.feedback(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read feedback: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized FeedbackRow findFeedback(String feedbackId) {
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT " + StoreRows.FEEDBACK_COLUMNS + " FROM feedback WHERE feedback_id = ?")) {
            ps.setString(1, feedbackId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? StoreRows.feedback(rs)
                        : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read feedback: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized int deleteBefore(long millis) {
        try (PreparedStatement a = conn.prepareStatement("DELETE FROM calls WHERE ts_ms < ?");
             PreparedStatement b = conn.prepareStatement("DELETE FROM feedback WHERE ts_ms < ?")) {
            a.setLong(1, millis);
            b.setLong(1, millis);
            return a.executeUpdate() + b.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot apply retention: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void putBlob(String name, byte[] value) {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO blobs (name, value, updated_at_ms) VALUES (?, ?, ?) "
                + "ON CONFLICT(name) DO UPDATE SET value = excluded.value, updated_at_ms = excluded.updated_at_ms")) {
            ps.setString(1, name);
            ps.setBytes(2, value);
            ps.setLong(3, System.currentTimeMillis());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store state '" + name + "': " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized List<String> blobNames(String prefix) {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT name FROM blobs WHERE substr(name, 1, ?) = ? ORDER BY name")) {
            ps.setInt(1, prefix.length());
            ps.setString(2, prefix);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list states: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public synchronized byte[] getBlob(String name) {
        try (PreparedStatement ps = conn.prepareStatement("SELECT value FROM blobs WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read state '" + name + "': " + e.getMessage(), e);
        }
    }

    @Override
    public long sizeBytes() {
        long total = 0;
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            try {
                total += Files.size(Path.of(file.toAbsolutePath() + suffix));
            } catch (IOException e) {
                // the WAL and shared-memory files come and go
            }
        }
        return total;
    }

    @Override
    public synchronized void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            // closing anyway
        }
    }
}
