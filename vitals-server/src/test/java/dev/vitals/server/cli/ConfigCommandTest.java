package dev.vitals.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./vitals config}: effective values with their sources, secrets masked, errors with the key. */
class ConfigCommandTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new CommandLine(new ConfigCommand(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))).execute(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void printsEffectiveValuesWithSourcesAndMasksSecrets() throws Exception {
        Path yaml = dir.resolve("v.yaml");
        Files.writeString(yaml, "store:\n  jdbcUrl: jdbc:postgresql://admin:hunter2@db:5432/vitals\n  passwordEnv: DB_PW\n"
                + "metrics:\n  auth:\n    bearerTokenEnv: SCRAPE_TOKEN\n");
        Run r = run(Map.of("VITALS_DRIFT_WINDOW_MINUTES", "15", "VITALS_ADMIN_TOKEN", "admin-token-0123456789",
                "DB_PW", "db-secret-pw", "SCRAPE_TOKEN", "scrape-secret-token"), "--config", yaml.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("drift.windowMinutes = 15  # env VITALS_DRIFT_WINDOW_MINUTES")
                .contains("server.port = 5000  # default")
                .contains("store.passwordEnv = DB_PW  # file " + yaml)
                .contains("store.jdbcUrl = jdbc:postgresql://****@db:5432/vitals  # file " + yaml)
                .contains("backends[0].name = simulated  # default")
                .contains("server.adminToken = ****  # env VITALS_ADMIN_TOKEN")
                .contains("store.password = ****  # env DB_PW")
                .contains("metrics.auth.bearerToken = ****  # env SCRAPE_TOKEN")
                .doesNotContain("admin-token-0123456789", "hunter2", "db-secret-pw", "scrape-secret-token");
    }

    @Test
    void configurationErrorsNameTheKeyAndExitTwo() throws Exception {
        Run r = run(Map.of("VITALS_SERVER_PORT", "70000"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("server.port");
        Path yaml = dir.resolve("bad.yaml");
        Files.writeString(yaml, "drift:\n  windowMinuts: 5\n");
        Run bad = run(Map.of(), "--config", yaml.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains(yaml.toString()).contains("drift.windowMinuts");
    }

    @Test
    void referenceIsTheGeneratedTable() {
        Run r = run(Map.of(), "--reference");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("| key | environment | type | default | meaning |")
                .contains("| `drift.windowMinutes` | `VITALS_DRIFT_WINDOW_MINUTES` | integer | `60` |")
                .contains("| `backends[].baseUrl` | YAML only | string | `none` |");
    }
}
