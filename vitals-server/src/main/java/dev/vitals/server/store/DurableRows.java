package dev.vitals.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The journal, spend and pending-join statements of {@link JdbcStateStore}, the same in both dialects. */
final class DurableRows {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_]{1,64}");
    private static final String PENDING_COLUMNS = "id, kind, join_key, item_id, payload, created_at_ms, expires_at_ms, state, replica";

    private DurableRows() {
    }

    /** The writes of one transaction on {@code c}. */
    static StateStore.Tx tx(Connection c) {
        return new StateStore.Tx() {
            @Override
            public long journal(String replica, String kind, String payload) {
                return sql(() -> {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO journal (replica, kind, ts_ms, payload) VALUES (?, ?, ?, ?) "
                            + "RETURNING seq")) {
                        StoreRows.bind(ps, replica, kind, System.currentTimeMillis(), payload);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            return rs.getLong(1);
                        }
                    }
                });
            }

            @Override
            public boolean insertFeedback(FeedbackRow f) {
                return sql(() -> {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO feedback (" + StoreRows.FEEDBACK_COLUMNS
                            + ") VALUES (?, ?, ?, ?, ?) ON CONFLICT (feedback_id) DO NOTHING")) {
                        StoreRows.bindFeedback(ps, f);
                        return ps.executeUpdate() == 1;
                    }
                });
            }

            @Override
            public void insertCalls(List<CallRow> calls) {
                if (calls.isEmpty()) {
                    return;
                }
                sql(() -> StoreRows.insertCalls(c, calls));
            }

            @Override
            public void addSpend(String replica, String scope, String period, Map<String, Double> usdByName) {
                if (usdByName.isEmpty()) {
                    return;
                }
                sql(() -> {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO spend (scope, name, period, replica, usd) VALUES (?, ?, ?, ?, ?) "
                            + "ON CONFLICT (scope, name, period, replica) DO UPDATE SET usd = spend.usd + excluded.usd")) {
                        for (Map.Entry<String, Double> e : usdByName.entrySet()) {
                            StoreRows.bind(ps, scope, e.getKey(), period, replica, e.getValue());
                            ps.addBatch();
                        }
                        return ps.executeBatch();
                    }
                });
            }

            @Override
            public boolean park(PendingJoin p) {
                return sql(() -> StoreRows.update(c, "INSERT INTO pending_joins (kind, join_key, item_id, payload, created_at_ms, "
                        + "expires_at_ms, state, replica) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, item_id) DO NOTHING",
                        p.kind(), p.joinKey(), p.itemId(), p.payload(), p.createdAtMillis(), p.expiresAtMillis(), PendingJoin.PENDING,
                        p.replica()) == 1);
            }

            @Override
            public boolean claim(long pendingId) {
                return sql(() -> StoreRows.update(c, "DELETE FROM pending_joins WHERE id = ? AND state = ?", pendingId,
                        PendingJoin.PENDING) == 1);
            }

            @Override
            public boolean firstEvent(String requestId, String kind, long timeMillis) {
                return sql(() -> StoreRows.update(c, "INSERT INTO business_conversions (request_id, kind, ts_ms) VALUES (?, ?, ?) "
                        + "ON CONFLICT (request_id, kind) DO NOTHING", requestId, kind, timeMillis) == 1);
            }
        };
    }

    @FunctionalInterface
    private interface Sql<T> {
        T run() throws SQLException;
    }

    private static <T> T sql(Sql<T> s) {
        try {
            return s.run();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    static List<JournalEntry> journal(Connection c, String replica, Collection<String> kinds, long afterSeq, int limit) throws SQLException {
        List<JournalEntry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, replica, kind, ts_ms, payload FROM journal WHERE replica = ? AND kind IN ("
                + placeholders(kinds.size()) + ") AND seq > ? ORDER BY seq LIMIT ?")) {
            StoreRows.bind(ps, kindsBetween(replica, kinds, afterSeq, limit));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new JournalEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5)));
                }
            }
        }
        return out;
    }

    static int pruneJournal(Connection c, String replica, Collection<String> kinds, long uptoSeq) throws SQLException {
        return StoreRows.update(c, "DELETE FROM journal WHERE replica = ? AND kind IN (" + placeholders(kinds.size()) + ") AND seq <= ?",
                kindsBetween(replica, kinds, uptoSeq));
    }

    /** The parameters of a journal statement: the replica, each kind (its {@code IN} list), then {@code after}. */
    private static Object[] kindsBetween(String replica, Collection<String> kinds, Object... after) {
        List<Object> values = new ArrayList<>(kinds.size() + 1 + after.length);
        values.add(replica);
        values.addAll(kinds);
        values.addAll(List.of(after));
        return values.toArray();
    }

    static Map<String, Double> spendTotals(Connection c, String scope, String period) throws SQLException {
        Map<String, Double> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name, SUM(usd) FROM spend WHERE scope = ? AND period = ? GROUP BY name ORDER BY name")) {
            StoreRows.bind(ps, scope, period);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getDouble(2));
                }
            }
        }
        return out;
    }

    private static PendingJoin pending(ResultSet rs) throws SQLException {
        return new PendingJoin(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getLong(6),
                rs.getLong(7), rs.getString(8), rs.getString(9));
    }

    static PendingJoin findPending(Connection c, String kind, String itemId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + PENDING_COLUMNS + " FROM pending_joins WHERE kind = ? AND item_id = ?")) {
            StoreRows.bind(ps, kind, itemId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? pending(rs) : null;
            }
        }
    }

    static List<PendingJoin> joinable(Connection c, String kind, String table, String column, int limit) throws SQLException {
        if (!IDENTIFIER.matcher(table).matches() || !IDENTIFIER.matcher(column).matches()) {
            throw new IllegalArgumentException("not a table or column name: " + table + "." + column);
        }
        List<PendingJoin> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + PENDING_COLUMNS.replaceAll("(\\w+)", "p.$1") + " FROM pending_joins p "
                + "WHERE p.kind = ? AND p.state = ? AND EXISTS (SELECT 1 FROM " + table + " t WHERE t." + column + " = p.join_key) "
                + "ORDER BY p.id LIMIT ?")) {
            StoreRows.bind(ps, kind, PendingJoin.PENDING, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(pending(rs));
                }
            }
        }
        return out;
    }

    static int expirePending(Connection c, String kind, long nowMillis) throws SQLException {
        return StoreRows.update(c, "UPDATE pending_joins SET state = ? WHERE kind = ? AND state = ? AND expires_at_ms <= ?",
                PendingJoin.EXPIRED, kind, PendingJoin.PENDING, nowMillis);
    }

    static Map<String, Long> pendingCounts(Connection c, String kind) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put(PendingJoin.PENDING, 0L);
        out.put(PendingJoin.EXPIRED, 0L);
        try (PreparedStatement ps = c.prepareStatement("SELECT state, COUNT(*) FROM pending_joins WHERE kind = ? GROUP BY state")) {
            ps.setString(1, kind);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return out;
    }

    /**
     * Per model, the predictions stored since {@code sinceMillis} (calls rows whose id starts with {@code prefix}) and how many
     * have a feedback row {@code markPrefix + request_id} (their actual), with the delays; at most {@code limit} models, most
     * predictions first. A scan of the calls rows in the window (indexed by time).
     */
    static List<LabelCoverageRow> labelCoverage(Connection c, String prefix, String markPrefix, long sinceMillis, int limit)
            throws SQLException {
        List<LabelCoverageRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.model, COUNT(*), COUNT(f.feedback_id), AVG(f.ts_ms - c.ts_ms), "
                + "MAX(f.ts_ms - c.ts_ms) FROM calls c LEFT JOIN feedback f ON f.feedback_id = ? || c.request_id "
                + "WHERE c.ts_ms >= ? AND substr(c.request_id, 1, ?) = ? GROUP BY c.model ORDER BY COUNT(*) DESC, c.model LIMIT ?")) {
            StoreRows.bind(ps, markPrefix, sinceMillis, prefix.length(), prefix, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    double mean = rs.getDouble(4);
                    if (rs.wasNull()) {
                        mean = Double.NaN;
                    }
                    double max = rs.getDouble(5);
                    if (rs.wasNull()) {
                        max = Double.NaN;
                    }
                    out.add(new LabelCoverageRow(rs.getString(1), rs.getLong(2), rs.getLong(3), mean, max));
                }
            }
        }
        return out;
    }
}
