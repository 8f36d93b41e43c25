package dev.vitals.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.server.VitalsServer;
import dev.vitals.server.config.ConfigException;
import dev.vitals.server.config.ConfigLoader;
import dev.vitals.server.config.VitalsConfig;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One factory per backend type; a type nobody knows fails start-up with the key's path (it used to become simulated). */
class BackendsTest {

    @Test
    void anUnknownTypeFailsStartUpNamingTheKeyAndTheKnownTypes() throws Exception {
        VitalsConfig cfg = ConfigLoader.load(new ConfigLoader.Overrides(), Map.of());
        cfg.server.host = "127.0.0.1";
        cfg.server.port = 0;
        cfg.store.path = Files.createTempDirectory("vitals-backends").resolve("vitals.db").toString();
        VitalsConfig.Backend second = new VitalsConfig.Backend();
        second.name = "grpc-one";
        second.type = "foo";
        second.models = java.util.List.of("m");
        cfg.backends = new java.util.ArrayList<>(cfg.backends);
        cfg.backends.add(second);
        // not through ConfigLoader.validate (which refuses it too): a server built from code must refuse it itself
        Vertx vertx = Vertx.vertx();
        try {
            assertThatThrownBy(() -> VitalsServer.start(vertx, cfg, Map.of()).await())
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("backends[1].type: unknown backend type \"foo\"; known: openai, simulated");
        } finally {
            vertx.close().await();
        }
    }

    @Test
    void eachKnownTypeHasItsFactory() {
        Vertx vertx = Vertx.vertx();
        try {
            VitalsConfig cfg = ConfigLoader.load(new ConfigLoader.Overrides(), Map.of());
            assertThat(Backends.create(vertx, 0, cfg.backends.get(0), Map.of())).isInstanceOf(SimulatedBackend.class);
            VitalsConfig.Backend none = new VitalsConfig.Backend();
            none.type = null;
            assertThatThrownBy(() -> Backends.checkTypes(java.util.List.of(cfg.backends.get(0), none)))
                    .hasMessage("backends[1].type: unknown backend type \"null\"; known: openai, simulated");
        } finally {
            vertx.close().await();
        }
    }
}
