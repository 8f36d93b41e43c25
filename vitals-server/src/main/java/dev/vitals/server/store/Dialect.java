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

    /** The migrations folder under {@code dev/vitals/server/store/migrations/}: the name in lower case. */
    public String folder() {
        return name().toLowerCase(Locale.ROOT);
    }
}
