package dev.vitals.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fleet settings: store.jdbcUrl and its credentials, auth.reloadSeconds, otlp. */
class FleetConfigTest {
    @TempDir
    Path dir;

    private VitalsConfig yaml(String content, Map<String, String> env) throws IOException {
        Path p = Files.createTempFile(dir, "vitals", ".yaml");
        Files.writeString(p, content);
        ConfigLoader.Overrides f = new ConfigLoader.Overrides();
        f.config = p.toString();
        return ConfigLoader.load(f, env);
    }

    private void fails(String content, Map<String, String> env, String message) {
        assertThatThrownBy(() -> yaml(content, env)).isExactlyInstanceOf(ConfigException.class).hasMessageContaining(message);
    }

    @Test
    void defaultsAreSqliteNoOtlpAndFiveSecondKeyReloads() throws IOException {
        VitalsConfig c = yaml("", Map.of());
        assertThat(c.store.jdbcUrl).isNull();
        assertThat(c.store.path).isEqualTo("vitals-data/vitals.db");
        assertThat(c.store.maxPoolSize).isEqualTo(8);
        assertThat(c.auth.reloadSeconds).isEqualTo(5);
        assertThat(c.otlp.enabled).isFalse();
        assertThat(c.otlp.endpoint).isEqualTo("http://localhost:4318");
        assertThat(c.otlp.intervalSeconds).isEqualTo(60);
    }

    @Test
    void postgresWithCredentialsFromTheEnvironmentOrAFile() throws IOException {
        VitalsConfig c = yaml("""
                store:
                  jdbcUrl: jdbc:postgresql://db:5432/vitals
                  userEnv: PGU
                  passwordEnv: PGP
                  maxPoolSize: 4
                otlp:
                  enabled: true
                  endpoint: http://collector:4318
                  intervalSeconds: 15
                  serviceInstanceId: r1
                  resourceAttributes:
                    deployment.environment.name: prod
                """, Map.of("PGU", "vitals", "PGP", "pw"));
        assertThat(c.store.user).isEqualTo("vitals");
        assertThat(c.store.password).isEqualTo("pw");
        assertThat(c.store.maxPoolSize).isEqualTo(4);
        assertThat(c.otlp.resourceAttributes).containsEntry("deployment.environment.name", "prod");

        Path pw = Files.writeString(dir.resolve("pw"), "from-file\nignored\n");
        VitalsConfig d = yaml("store:\n  jdbcUrl: jdbc:postgresql://db/vitals\n  passwordFile: " + pw + "\n", Map.of());
        assertThat(d.store.password).isEqualTo("from-file");
    }

    @Test
    void rejectsWhatCannotWork() {
        fails("store:\n  jdbcUrl: jdbc:mysql://db/vitals\n", Map.of(), "store.jdbcUrl must be a PostgreSQL JDBC URL");
        fails("store:\n  jdbcUrl: jdbc:postgresql://db/vitals?password=x\n", Map.of(), "must not hold the password");
        fails("store:\n  jdbcUrl: jdbc:postgresql://db/vitals\n  passwordEnv: NOPE\n", Map.of(), "store.passwordEnv: environment variable NOPE");
        fails("store:\n  passwordEnv: P\n", Map.of("P", "x"), "need store.jdbcUrl");
        fails("store:\n  jdbcUrl: jdbc:postgresql://db/vitals\n  passwordFile: /no/such/file\n", Map.of(), "store.passwordFile");
        fails("store:\n  jdbcUrl: jdbc:postgresql://db/vitals\n  maxPoolSize: 0\n", Map.of(), "store.maxPoolSize");
        fails("auth:\n  reloadSeconds: -1\n", Map.of(), "auth.reloadSeconds");
        fails("otlp:\n  enabled: true\n  endpoint: collector:4318\n", Map.of(), "otlp.endpoint");
        fails("otlp:\n  enabled: true\n  protocol: thrift\n", Map.of(), "otlp.protocol");
        fails("otlp:\n  enabled: true\n  intervalSeconds: 0\n", Map.of(), "otlp.intervalSeconds");
        fails("otlp:\n  enabled: true\n  serviceName: ' '\n", Map.of(), "otlp.serviceName");
    }
}
