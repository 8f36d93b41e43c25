package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.server.config.ConfigLoader;
import dev.vitals.server.config.VitalsConfig;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Start-up names what it serves and where state lives; a port in use is named with its key. */
@Timeout(60)
class StartupMessagesTest {

    @Test
    void summaryNamesApiDashboardMetricsAndStore() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> cfg.server.instances = 1)) {
            String base = "http://127.0.0.1:" + f.server.port();
            String all = String.join("\n", f.server.startupSummary());
            assertThat(all).contains(base + "/v1").contains(base + "/ui/").contains(base + "/metrics")
                    .contains("SQLite " + java.nio.file.Path.of(f.server.config().store.path).toAbsolutePath())
                    .contains("mock-llm-v1");
        }
    }

    @Test
    void anUnwritableRequestLogNamesTheKey() throws Exception {
        java.nio.file.Path dir = Files.createTempDirectory("vitals-test");
        java.nio.file.Path notADir = Files.writeString(dir.resolve("file.txt"), "x");
        VitalsConfig cfg = ConfigLoader.load(new ConfigLoader.Overrides(), Map.of());
        cfg.server.host = "127.0.0.1";
        cfg.server.port = 0;
        cfg.store.path = dir.resolve("vitals.db").toString();
        cfg.requestLog.path = notADir.resolve("requests.log").toString();
        Vertx vertx = Vertx.vertx();
        try {
            assertThatThrownBy(() -> VitalsServer.start(vertx, cfg, Map.of()).await())
                    .hasMessageContaining("requestLog.path").hasMessageContaining(notADir.toString());
        } finally {
            vertx.close().await();
        }
    }

    @Test
    void portInUseNamesThePortAndTheKey() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> cfg.server.instances = 1)) {
            VitalsConfig cfg = ConfigLoader.load(new ConfigLoader.Overrides(), Map.of());
            cfg.server.host = "127.0.0.1";
            cfg.server.port = f.server.port();
            cfg.server.instances = 1;
            cfg.store.path = Files.createTempDirectory("vitals-test").resolve("vitals.db").toString();
            Vertx vertx = Vertx.vertx();
            try {
                assertThatThrownBy(() -> VitalsServer.start(vertx, cfg, Map.of()).await())
                        .hasMessageContaining("port " + f.server.port() + " on 127.0.0.1 is already in use")
                        .hasMessageContaining("server.port").hasMessageContaining("VITALS_SERVER_PORT");
            } finally {
                vertx.close().await();
            }
        }
    }
}
