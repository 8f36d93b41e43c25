package dev.vitals.server.store;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;

/** Where a {@link JdbcStateStore}'s connections come from: one connection under a lock (SQLite), or a pool (PostgreSQL). */
interface Connections extends AutoCloseable {
    <T> T with(StoreRows.Work<T> work) throws SQLException;

    @Override
    void close();

    /** One connection, used by one thread at a time: SQLite serializes writers anyway. */
    static Connections single(Connection c) {
        ReentrantLock lock = new ReentrantLock();
        return new Connections() {
            @Override
            public <T> T with(StoreRows.Work<T> work) throws SQLException {
                lock.lock();
                try {
                    return work.run(c);
                } finally {
                    lock.unlock();
                }
            }

            @Override
            public void close() {
                lock.lock();
                try {
                    c.close();
                } catch (SQLException e) {
                    // closing anyway
                } finally {
                    lock.unlock();
                }
            }
        };
    }

    /** A HikariCP pool: a connection per call, returned after it. */
    static Connections pooled(HikariDataSource ds) {
        return new Connections() {
            @Override
            public <T> T with(StoreRows.Work<T> work) throws SQLException {
                try (Connection c = ds.getConnection()) {
                    return work.run(c);
                }
            }

            @Override
            public void close() {
                ds.close();
            }
        };
    }
}
