package dev.vitals.server.store;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The state store contract on SQLite: a fresh file per test. */
class SqliteStateStoreContractTest extends StateStoreContract {
    @TempDir
    Path dir;
    private Path file;

    @Override
    void freshLocation() throws Exception {
        file = Files.createTempFile(dir, "vitals", ".db");
        Files.delete(file);
    }

    @Override
    StateStore open() {
        return JdbcStateStore.sqlite(file);
    }
}
