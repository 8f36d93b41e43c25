package dev.vitals.server.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/** How rows map to records, shared by the SQLite and PostgreSQL stores: only their SQL dialects differ. */
final class StoreRows {
    static final String API_KEY_COLUMNS = "id, name, salt, secret_hash, source, rate_limit_per_minute, budget_usd, spent_usd, "
            + "created_at_ms, revoked_at_ms";
    static final String CALL_COLUMNS = "request_id, model, ts_ms, predicted_label, predicted_value";
    static final String FEEDBACK_COLUMNS = "feedback_id, request_id, model, ts_ms, payload";

    private StoreRows() {
    }

    /** Binds parameters 1-9 of an API key insert (the columns above but {@code revoked_at_ms}). */
    static void bindApiKey(PreparedStatement ps, ApiKeyRecord k) throws SQLException {
        bind(ps, k.id(), k.name(), k.salt(), k.secretHash(), k.source(), k.rateLimitPerMinute(), orNull(k.budgetUsd()),
                k.spentUsd(), k.createdAtMillis());
    }

    /** The API key of a row selected with {@link #API_KEY_COLUMNS}. */
    static ApiKeyRecord apiKey(ResultSet rs) throws SQLException {
        double budget = rs.getDouble(7);
        if (rs.wasNull()) { // before any other getter: wasNull() is about the last one read
            budget = Double.NaN;
        }
        long revoked = rs.getLong(10);
        boolean active = rs.wasNull();
        return new ApiKeyRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getDouble(6), budget, rs.getDouble(8), rs.getLong(9), active ? 0 : revoked);
    }

    /** Binds parameters 1-5 of a call insert ({@link #CALL_COLUMNS}). */
    static void bindCall(PreparedStatement ps, CallRow c) throws SQLException {
        bind(ps, c.requestId(), c.model(), c.timeMillis(), c.predictedLabel(), orNull(c.predictedValue()));
    }

    /** The call of a row selected with {@link #CALL_COLUMNS}. */
    static CallRow call(ResultSet rs) throws SQLException {
        double v = rs.getDouble(5);
        if (rs.wasNull()) {
            v = Double.NaN;
        }
        return new CallRow(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), v);
    }

    /** Binds parameters 1-5 of a feedback insert ({@link #FEEDBACK_COLUMNS}). */
    static void bindFeedback(PreparedStatement ps, FeedbackRow f) throws SQLException {
        bind(ps, f.feedbackId(), f.requestId(), f.model(), f.timeMillis(), f.payload());
    }

    /** SQL NULL of a nullable {@code DOUBLE} column, bound by {@link #bind}. */
    private enum Null { DOUBLE }

    /** {@code v} to {@link #bind}, or SQL NULL when it is NaN: how the stores keep "none" of a nullable number. */
    static Object orNull(double v) {
        return Double.isNaN(v) ? Null.DOUBLE : v;
    }

    /**
     * Binds {@code values} to parameters 1 to n by their type: {@code String} (also {@code null}, as a NULL
     * string), {@code Long}, {@code Integer}, {@code Double}, or {@link #orNull}'s NULL.
     */
    static void bind(PreparedStatement ps, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v == null || v instanceof String) {
                ps.setString(i + 1, (String) v);
            } else if (v instanceof Long l) {
                ps.setLong(i + 1, l);
            } else if (v instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else if (v instanceof Double d) {
                ps.setDouble(i + 1, d);
            } else if (v == Null.DOUBLE) {
                ps.setNull(i + 1, Types.DOUBLE);
            } else {
                throw new IllegalArgumentException("cannot bind a " + v.getClass().getName());
            }
        }
    }

    /** Runs one INSERT, UPDATE or DELETE with {@code values} bound as {@link #bind} does; the rows it changed. */
    static int update(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, values);
            return ps.executeUpdate();
        }
    }

    /** The feedback of a row selected with {@link #FEEDBACK_COLUMNS}. */
    static FeedbackRow feedback(ResultSet rs) throws SQLException {
        return new FeedbackRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5));
    }

    /** A migration script from the classpath, under {@code /dev/vitals/server/store/migrations/}. */
    static String migration(String path) {
        try (InputStream in = StoreRows.class.getResourceAsStream("/dev/vitals/server/store/migrations/" + path)) {
            if (in == null) {
                throw new IllegalStateException("migration " + path + " missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Work on a connection that may fail with the driver's exception. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction on {@code c}: committed, or rolled back on any failure. */
    static <T> T transaction(Connection c, Work<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            T t = work.run(c);
            c.commit();
            return t;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Reads a row as a record. */
    @FunctionalInterface
    interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Inserts call rows in one batch; a request id already stored is left as it is. */
    static int[] insertCalls(Connection c, java.util.List<CallRow> calls) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO calls (" + CALL_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING")) {
            for (CallRow r : calls) {
                bindCall(ps, r);
                ps.addBatch();
            }
            return ps.executeBatch();
        }
    }

    /** The one row {@code sql} (one string parameter) selects, or {@code null}. */
    static <T> T one(Connection c, String sql, String key, Row<T> row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? row.read(rs) : null;
            }
        }
    }
}
