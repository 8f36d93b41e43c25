package dev.vitals.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The state store contract on a real PostgreSQL: one throwaway cluster for the class ({@link PgCluster}),
 * a fresh database per test. Plus what only a shared database has: replicas migrating at once.
 */
class PostgresStateStoreContractTest extends StateStoreContract {
    private static PgCluster pg;
    private String url;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = PgCluster.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    @Override
    void freshLocation() throws Exception {
        url = pg.createDatabase();
    }

    @Override
    StateStore open() {
        return JdbcStateStore.postgres(url, "postgres", null, 4);
    }

    @Test
    void replicasStartingTogetherMigrateOnce() throws Exception {
        String fresh = pg.createDatabase();
        ExecutorService ex = Executors.newFixedThreadPool(4);
        try {
            List<Future<JdbcStateStore>> fs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                fs.add(ex.submit(() -> JdbcStateStore.postgres(fresh, "postgres", null, 2)));
            }
            for (Future<JdbcStateStore> f : fs) {
                try (JdbcStateStore s = f.get()) {
                    assertThat(s.schemaVersion()).isEqualTo(5);
                }
            }
        } finally {
            ex.shutdown();
        }
        try (Connection c = DriverManager.getConnection(fresh, "postgres", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), min(version), max(version) FROM schema_migrations")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(5);
            assertThat(rs.getInt(2)).isEqualTo(1);
            assertThat(rs.getInt(3)).isEqualTo(5);
        }
    }

    @Test
    void sizeIsThePostgresDatabaseSize() {
        try (StateStore s = open()) {
            assertThat(s.sizeBytes()).isGreaterThan(1_000_000); // an empty PostgreSQL database is several MB
        }
    }

    @Test
    void anUnreachableDatabaseFailsWithTheUrlAndNoPassword() {
        assertThatThrownBy(() -> JdbcStateStore.postgres("jdbc:postgresql://127.0.0.1:" + pg.port() + "/no_such_db",
                "postgres", "s3cret-pw", 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no_such_db")
                .hasMessageNotContaining("s3cret-pw");
    }
}
