package dev.vitals.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
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
 * The {@link StateStore} on a JDBC database: SQLite (the embedded default, one file in WAL mode, one
 * connection) or PostgreSQL (shared by the replicas of a fleet, a HikariCP pool). The SQL is the same for
 * both; a {@link Dialect} names the migrations folder, and the two differ in how connections are held,
 * how concurrent migrations are serialized and how the size is measured.
 *
 * <pre>{@code
 * try (StateStore store = JdbcStateStore.sqlite(Path.of("vitals-data/vitals.db"))) { ... }
 * try (StateStore store = JdbcStateStore.postgres("jdbc:postgresql://db:5432/vitals", "vitals", secret, 8)) { ... }
 * }</pre>
 *
 * <p>Migrations {@code V<n>__*.sql} are applied in order, each once, recorded in {@code schema_migrations}.
 */
public final class JdbcStateStore implements StateStore {
    /** Migration scripts in order, the same names in each dialect's folder; append only, never edit a released one. */
    static final List<String> MIGRATIONS = List.of("V1__api_keys.sql", "V2__blobs.sql", "V3__calls_feedback.sql",
            "V4__journal_spend_pending.sql", "V5__business_conversions.sql");
    /** Same key as any Vitals: {@code pg_advisory_xact_lock} serializes concurrent migrations. */
    private static final long MIGRATION_LOCK = 0x5649_5441_4C53L; // "VITALS"
    private static final long SIZE_REFRESH_MS = 30_000;

    private final Dialect dialect;
    private final Connections connections;
    private final Path file;
    private final int version;
    private volatile long sizeBytes;
    private volatile long sizeAtMillis;

    private JdbcStateStore(Dialect dialect, Connections connections, Path file, int version) {
        this.dialect = dialect;
        this.connections = connections;
        this.file = file;
        this.version = version;
    }

    /**
     * Opens (creating it and its directory if needed) and migrates the SQLite database at {@code file}.
     *
     * @throws IllegalStateException naming the file when it cannot be opened or migrated
     */
    public static JdbcStateStore sqlite(Path file) {
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
                // 64 MiB of page cache (the default is 2 MiB): a busy gateway writes a calls row per request, and
                // request ids that clients send land at random places of the request-id index (the gateway's own
                // sort by time); 10,000 random ids took 163 ms with 2 MiB, 100 ms with this
                st.execute("PRAGMA cache_size=-65536");
            }
            Connections one = Connections.single(c);
            try {
                return new JdbcStateStore(Dialect.SQLITE, one, file, one.with(cn -> migrate(cn, Dialect.SQLITE)));
            } catch (SQLException | RuntimeException e) {
                one.close();
                throw e;
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot open state store " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Connects to PostgreSQL and migrates.
     *
     * @param jdbcUrl e.g. {@code jdbc:postgresql://127.0.0.1:5432/vitals}
     * @param user the user, or {@code null} for the driver's default
     * @param password the password, or {@code null}
     * @param maxPoolSize connections at most
     * @throws IllegalStateException naming the URL (never the password) when it cannot connect or migrate
     */
    public static JdbcStateStore postgres(String jdbcUrl, String user, String password, int maxPoolSize) {
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
        Connections pool = Connections.pooled(ds);
        try {
            JdbcStateStore s = new JdbcStateStore(Dialect.POSTGRES, pool, null, pool.with(c -> migrate(c, Dialect.POSTGRES)));
            s.refreshSize();
            return s;
        } catch (SQLException | RuntimeException e) {
            pool.close();
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

    /** Applies the missing migrations in one transaction (PostgreSQL: under an advisory lock, so replicas starting together migrate once). */
    private static int migrate(Connection c, Dialect dialect) throws SQLException {
        return StoreRows.transaction(c, cn -> {
            try (Statement st = cn.createStatement()) {
                if (dialect == Dialect.POSTGRES) {
                    st.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
                }
                st.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                        + "applied_at_ms BIGINT NOT NULL)");
                int current = 0;
                try (ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")) {
                    if (rs.next()) {
                        current = rs.getInt(1);
                    }
                }
                if (current > MIGRATIONS.size()) {
                    throw new SQLException("database schema version " + current + " is newer than this Vitals (" + MIGRATIONS.size() + ")");
                }
                for (int v = current + 1; v <= MIGRATIONS.size(); v++) {
                    String name = dialect.folder() + "/" + MIGRATIONS.get(v - 1);
                    try {
                        for (String stmt : StoreRows.migration(name).split(";\\s*(\\n|$)")) {
                            String s = stmt.replaceAll("(?m)^\\s*--.*$", "").trim();
                            if (!s.isEmpty()) {
                                st.execute(s);
                            }
                        }
                    } catch (SQLException e) {
                        throw new SQLException("migration " + name + " failed: " + e.getMessage(), e);
                    }
                    try (PreparedStatement ps = cn.prepareStatement("INSERT INTO schema_migrations VALUES (?, ?, ?)")) {
                        ps.setInt(1, v);
                        ps.setString(2, MIGRATIONS.get(v - 1));
                        ps.setLong(3, System.currentTimeMillis());
                        ps.executeUpdate();
                    }
                }
            }
            return MIGRATIONS.size();
        });
    }

    /** The database this store runs on. */
    public Dialect dialect() {
        return dialect;
    }

    private <T> T withConnection(String what, StoreRows.Work<T> work) {
        try {
            return connections.with(work);
        } catch (SQLException e) {
            throw new IllegalStateException(what + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} in one transaction: committed, or rolled back on any failure. */
    private <T> T inTransaction(String what, StoreRows.Work<T> work) {
        return withConnection(what, c -> StoreRows.transaction(c, work));
    }

    @Override
    public int schemaVersion() {
        return version;
    }

    @Override
    public int rowsPerPart() {
        return dialect.rowsPerPart();
    }

    @Override
    public void upsertApiKey(ApiKeyRecord k) {
        String sql = "INSERT INTO api_keys (" + StoreRows.API_KEY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL) "
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
                 // spent: what older versions kept on the key plus every replica's spend row
                 ResultSet rs = st.executeQuery("SELECT " + StoreRows.API_KEY_COLUMNS.replace("spent_usd", "spent_usd + COALESCE((SELECT "
                         + "SUM(s.usd) FROM spend s WHERE s.scope = 'key' AND s.name = api_keys.id), 0)")
                         + " FROM api_keys ORDER BY created_at_ms, id")) {
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
        inTransaction("cannot store calls", c -> StoreRows.insertCalls(c, calls));
        if (dialect == Dialect.POSTGRES && System.currentTimeMillis() - sizeAtMillis > SIZE_REFRESH_MS) {
            refreshSize();
        }
    }

    @Override
    public CallRow findCall(String requestId) {
        return withConnection("cannot read call", c -> StoreRows.one(c, "SELECT " + StoreRows.CALL_COLUMNS
                + " FROM calls WHERE request_id = ?", requestId, StoreRows::call));
    }

    @Override
    public FeedbackRow insertFeedback(FeedbackRow f) {
        return withConnection("cannot store feedback", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO feedback (" + StoreRows.FEEDBACK_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?) ON CONFLICT (feedback_id) DO NOTHING")) {
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
        return StoreRows.one(c, "SELECT " + StoreRows.FEEDBACK_COLUMNS + " FROM feedback WHERE feedback_id = ?", feedbackId,
                StoreRows::feedback);
    }

    @Override
    public int deleteBefore(long millis) {
        return inTransaction("cannot apply retention", c -> {
            try (PreparedStatement a = c.prepareStatement("DELETE FROM calls WHERE ts_ms < ?");
                 PreparedStatement b = c.prepareStatement("DELETE FROM feedback WHERE ts_ms < ?");
                 PreparedStatement v = c.prepareStatement("DELETE FROM business_conversions WHERE ts_ms < ?")) {
                a.setLong(1, millis);
                b.setLong(1, millis);
                v.setLong(1, millis);
                int n = a.executeUpdate() + b.executeUpdate() + v.executeUpdate();
                try (PreparedStatement p = c.prepareStatement("DELETE FROM pending_joins WHERE state = ? AND expires_at_ms < ?")) {
                    p.setString(1, PendingJoin.EXPIRED);
                    p.setLong(2, millis);
                    return n + p.executeUpdate();
                }
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
            // substr rather than LIKE: '_' and '%' in a prefix are plain characters
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM blobs WHERE substr(name, 1, ?) = ? ORDER BY name")) {
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
     * SQLite: the file, its write-ahead log and shared memory. PostgreSQL: {@code pg_database_size} as last
     * read, refreshed on open and at most every 30 s by call writes (on the caller's worker thread), so that
     * a scrape never waits on the database.
     */
    @Override
    public long sizeBytes() {
        if (dialect == Dialect.POSTGRES) {
            return sizeBytes;
        }
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

    private void refreshSize() {
        sizeAtMillis = System.currentTimeMillis();
        try {
            sizeBytes = withConnection("cannot read database size", c -> {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_database_size(current_database())")) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            });
        } catch (IllegalStateException e) {
            // a gauge: keep the last value
        }
    }

    @Override
    public <T> T transaction(TxWork<T> work) {
        return inTransaction("cannot write to the state store", c -> work.run(DurableRows.tx(c)));
    }

    @Override
    public void sync() {
        if (dialect == Dialect.SQLITE) {
            // with synchronous=NORMAL a WAL commit is written, not synced; a checkpoint syncs the WAL first
            withConnection("cannot sync the state store", c -> {
                try (Statement st = c.createStatement()) {
                    return st.execute("PRAGMA wal_checkpoint(PASSIVE)");
                }
            });
        }
    }

    @Override
    public List<JournalEntry> journal(String replica, java.util.Collection<String> kinds, long afterSeq, int limit) {
        return withConnection("cannot read the journal", c -> DurableRows.journal(c, replica, kinds, afterSeq, limit));
    }

    @Override
    public int pruneJournal(String replica, java.util.Collection<String> kinds, long uptoSeq) {
        return withConnection("cannot prune the journal", c -> DurableRows.pruneJournal(c, replica, kinds, uptoSeq));
    }

    @Override
    public Map<String, Double> spendTotals(String scope, String period) {
        return withConnection("cannot read spend", c -> DurableRows.spendTotals(c, scope, period));
    }

    @Override
    public PendingJoin findPending(String kind, String itemId) {
        return withConnection("cannot read pending items", c -> DurableRows.findPending(c, kind, itemId));
    }

    @Override
    public List<PendingJoin> joinable(String kind, String table, String column, int limit) {
        return withConnection("cannot read pending items", c -> DurableRows.joinable(c, kind, table, column, limit));
    }

    @Override
    public int expirePending(String kind, long nowMillis) {
        return withConnection("cannot expire pending items", c -> DurableRows.expirePending(c, kind, nowMillis));
    }

    @Override
    public Map<String, Long> pendingCounts(String kind) {
        return withConnection("cannot count pending items", c -> DurableRows.pendingCounts(c, kind));
    }

    @Override
    public List<LabelCoverageRow> labelCoverage(String prefix, String markPrefix, long sinceMillis, int limit) {
        return withConnection("cannot read label coverage", c -> DurableRows.labelCoverage(c, prefix, markPrefix, sinceMillis, limit));
    }

    @Override
    public void close() {
        connections.close();
    }
}
