package dev.vitals.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/** {@link StoreRows#bind}: each value bound as the SQL type of its Java type, on a real SQLite connection. */
class StoreRowsTest {
    @Test
    void bindsByJavaTypeAndNanAsNull() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
             PreparedStatement ps = c.prepareStatement("SELECT typeof(?), typeof(?), typeof(?), typeof(?), typeof(?), typeof(?), ?, ?")) {
            StoreRows.bind(ps, "text", 7L, 3, 0.5, StoreRows.orNull(Double.NaN), null, StoreRows.orNull(2.5), Long.MAX_VALUE);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6)}).containsExactly("text", "integer", "integer", "real", "null", "null");
                assertThat(rs.getDouble(7)).isEqualTo(2.5);
                assertThat(rs.getLong(8)).isEqualTo(Long.MAX_VALUE);
            }
        }
    }

    @Test
    void refusesATypeItDoesNotKnow() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
             PreparedStatement ps = c.prepareStatement("SELECT ?")) {
            assertThatThrownBy(() -> StoreRows.bind(ps, new StringBuilder("x")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("cannot bind a java.lang.StringBuilder");
        }
    }

    @Test
    void updateReturnsTheRowsChanged() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            StoreRows.update(c, "CREATE TABLE t (k TEXT, v REAL)");
            assertThat(StoreRows.update(c, "INSERT INTO t VALUES (?, ?), (?, ?)", "a", 1.0, "b", StoreRows.orNull(Double.NaN))).isEqualTo(2);
            assertThat(StoreRows.update(c, "DELETE FROM t WHERE v IS NULL")).isEqualTo(1);
        }
    }
}
