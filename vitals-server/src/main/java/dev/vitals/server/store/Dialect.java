package dev.vitals.server.store;

import java.util.Locale;

/**
 * What differs between the databases a {@link JdbcStateStore} runs on; the statements themselves are
 * the same (both speak {@code INSERT ... ON CONFLICT}). Migrations live in
 * {@code dev/vitals/server/store/migrations/<folder>/}, with the same versions and names in each folder.
 */
public enum Dialect {
    /** The embedded default: one file, one connection (SQLite serializes writers anyway). */
    SQLITE,
    /** A shared database for several replicas: a HikariCP pool, migrations under an advisory lock. */
    POSTGRES;

    /**
     * Rows a write of many rows (a flush of call rows) inserts between two of the writer's yield points. SQLite does
     * the work on the writer's own core, 64 rows in about 0.25 ms; PostgreSQL does it in its server, where every part
     * would be a round trip: one part.
     */
    public int rowsPerPart() {
        return this == SQLITE ? 64 : Integer.MAX_VALUE;
    }

    /** The migrations folder under {@code dev/vitals/server/store/migrations/}: the name in lower case. */
    public String folder() {
        return name().toLowerCase(Locale.ROOT);
    }
}
