package dev.vitals.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path yaml(String content) throws IOException {
        Path p = Files.createTempFile(dir, "vitals", ".yaml");
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private static ConfigLoader.Overrides flags() {
        return new ConfigLoader.Overrides();
    }

    private static ConfigLoader.Overrides flags(Path config) {
        ConfigLoader.Overrides f = new ConfigLoader.Overrides();
        f.config = config.toString();
        return f;
    }

    private static VitalsConfig load(ConfigLoader.Overrides flags, String... env) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < env.length; i += 2) {
            m.put(env[i], env[i + 1]);
        }
        return ConfigLoader.load(flags, m);
    }

    private VitalsConfig loadYaml(String content, String... env) throws IOException {
        return load(flags(yaml(content)), env);
    }

    private AbstractThrowableAssert<?, ? extends Throwable> failsYaml(String content, String... env) throws IOException {
        Path f = yaml(content);
        return assertThatThrownBy(() -> load(flags(f), env)).isExactlyInstanceOf(ConfigException.class);
    }

    // ---- defaults -----------------------------------------------------------------------------

    @Test
    void defaults() {
        VitalsConfig c = load(flags());
        assertThat(c.server.host).isEqualTo("0.0.0.0");
        assertThat(c.server.port).isEqualTo(5000);
        assertThat(c.server.metricsPort).isZero();
        assertThat(c.server.maxBodyBytes).isEqualTo(1024 * 1024);
        assertThat(c.server.instances).isZero();
        assertThat(c.server.adminToken).isNull();
        assertThat(c.metrics.sourceFamily).isTrue();
        assertThat(c.metrics.genAiFamily).isTrue();
        assertThat(c.metrics.maxModels).isEqualTo(1000);
        assertThat(c.pricing.overrideFile).isNull();
        assertThat(c.pricing.reloadIntervalSeconds).isEqualTo(10);
        assertThat(c.defaultModel).isEqualTo("mock-llm-v1");
        assertThat(c.backends).hasSize(1);
        VitalsConfig.Backend b = c.backends.get(0);
        assertThat(b.name).isEqualTo("simulated");
        assertThat(b.type).isEqualTo("simulated");
        assertThat(b.models).containsExactly("mock-llm-v1");
        assertThat(b.latencyMin).isEqualTo(0.1);
        assertThat(b.latencyMax).isEqualTo(1.5);
        assertThat(b.errorKeyword).isEqualTo("error");
        assertThat(b.seed).isNull();
    }

    @Test
    void modelNameFromTheEnvironmentIsServedByTheDefaultBackend() {
        VitalsConfig c = load(flags(), "VITALS_MODEL_NAME", "my-model");
        assertThat(c.defaultModel).isEqualTo("my-model");
        assertThat(c.backends).singleElement().satisfies(b -> assertThat(b.models).containsExactly("my-model"));
    }

    @Test
    void emptyYamlFileGivesTheDefaults() throws IOException {
        VitalsConfig c = loadYaml("");
        assertThat(c.server.port).isEqualTo(5000);
        assertThat(c.backends).singleElement().satisfies(b -> assertThat(b.models).containsExactly("mock-llm-v1"));
    }

    @Test
    void commentOnlyYamlFileGivesTheDefaults() throws IOException {
        VitalsConfig c = loadYaml("# nothing configured yet\n#server:\n#  port: 1\n");
        assertThat(c.server.port).isEqualTo(5000);
        assertThat(c.backends).hasSize(1);
    }

    @Test
    void emptySectionsGiveTheirDefaults() throws IOException {
        VitalsConfig c = loadYaml("server:\nmetrics:\npricing:\nbackends:\n");
        assertThat(c.server.port).isEqualTo(5000);
        assertThat(c.metrics.maxModels).isEqualTo(1000);
        assertThat(c.pricing.reloadIntervalSeconds).isEqualTo(10);
        assertThat(c.backends).hasSize(1);
    }

    // ---- YAML ---------------------------------------------------------------------------------

    @Test
    void parsesAFullYamlFile() throws IOException {
        VitalsConfig c = loadYaml("""
                server:
                  host: 127.0.0.1
                  port: 8080
                  metricsPort: 8000
                  maxBodyBytes: 2048
                  instances: 2
                metrics:
                  sourceFamily: false
                  genAiFamily: true
                  maxModels: 50
                pricing:
                  overrideFile: /etc/vitals/prices.json
                  reloadIntervalSeconds: 0
                defaultModel: gpt-4o-mini
                backends:
                  - name: sim
                    type: simulated
                    models: [mock-llm-v1, "*"]
                    latencyMin: 0.0
                    latencyMax: 0.5
                    errorKeyword: boom
                    seed: 42
                    outputTokensMin: 1
                    outputTokensMax: 10
                    timeToFirstToken: 0.05
                    interTokenDelay: 0
                  - name: upstream
                    type: openai
                    provider: openai
                    models: [gpt-4o-mini]
                    baseUrl: https://api.openai.com/v1
                    apiKeyEnv: OPENAI_API_KEY
                    connectTimeoutMs: 1000
                    readTimeoutMs: 30000
                    maxConnections: 8
                """);
        assertThat(c.server.host).isEqualTo("127.0.0.1");
        assertThat(c.server.port).isEqualTo(8080);
        assertThat(c.server.metricsPort).isEqualTo(8000);
        assertThat(c.server.maxBodyBytes).isEqualTo(2048);
        assertThat(c.server.instances).isEqualTo(2);
        assertThat(c.metrics.sourceFamily).isFalse();
        assertThat(c.metrics.genAiFamily).isTrue();
        assertThat(c.metrics.maxModels).isEqualTo(50);
        assertThat(c.pricing.overrideFile).isEqualTo("/etc/vitals/prices.json");
        assertThat(c.pricing.reloadIntervalSeconds).isZero();
        assertThat(c.defaultModel).isEqualTo("gpt-4o-mini");
        assertThat(c.backends).hasSize(2);
        VitalsConfig.Backend sim = c.backends.get(0);
        assertThat(sim.name).isEqualTo("sim");
        assertThat(sim.models).containsExactly("mock-llm-v1", "*");
        assertThat(sim.latencyMin).isZero();
        assertThat(sim.latencyMax).isEqualTo(0.5);
        assertThat(sim.errorKeyword).isEqualTo("boom");
        assertThat(sim.seed).isEqualTo(42L);
        assertThat(sim.outputTokensMin).isEqualTo(1);
        assertThat(sim.outputTokensMax).isEqualTo(10);
        assertThat(sim.timeToFirstToken).isEqualTo(0.05);
        assertThat(sim.interTokenDelay).isZero();
        VitalsConfig.Backend up = c.backends.get(1);
        assertThat(up.type).isEqualTo("openai");
        assertThat(up.provider).isEqualTo("openai");
        assertThat(up.baseUrl).isEqualTo("https://api.openai.com/v1");
        assertThat(up.apiKeyEnv).isEqualTo("OPENAI_API_KEY");
        assertThat(up.apiKeyFile).isNull();
        assertThat(up.connectTimeoutMs).isEqualTo(1000);
        assertThat(up.readTimeoutMs).isEqualTo(30000);
        assertThat(up.maxConnections).isEqualTo(8);
    }

    @Test
    void configFileFromTheEnvironment() throws IOException {
        Path f = yaml("server:\n  port: 6001\n");
        assertThat(load(flags(), "VITALS_CONFIG", f.toString()).server.port).isEqualTo(6001);
    }

    @Test
    void configFileFlagWinsOverTheEnvironment() throws IOException {
        Path f = yaml("server:\n  port: 6002\n");
        VitalsConfig c = load(flags(f), "VITALS_CONFIG", dir.resolve("does-not-exist.yaml").toString());
        assertThat(c.server.port).isEqualTo(6002);
    }

    @Test
    void missingConfigFile() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> load(flags(missing)))
                .isExactlyInstanceOf(ConfigException.class)
                .hasMessage("config file " + missing + " does not exist or is not a file");
    }

    @Test
    void unknownKeyIsNamedWithItsPath() throws IOException {
        Path f = yaml("server:\n  prot: 5000\n");
        assertThatThrownBy(() -> load(flags(f)))
                .isExactlyInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config file " + f + ": unknown key 'server.prot'; known keys here: ")
                .hasMessageContaining("port");
    }

    @Test
    void unknownTopLevelKey() throws IOException {
        failsYaml("sever:\n  port: 1\n").hasMessageContaining("unknown key 'sever'");
    }

    @Test
    void unknownKeyInsideABackendIsNamedWithItsIndex() throws IOException {
        failsYaml("backends:\n  - name: a\n    latencyMinimum: 1\n")
                .hasMessageContaining("unknown key 'backends[0].latencyMinimum'");
        failsYaml("backends:\n  - name: a\n  - name: b\n    bogus: true\n")
                .hasMessageContaining("unknown key 'backends[1].bogus'");
    }

    @Test
    void adminTokenIsNeverTakenFromTheFile() throws IOException {
        assertThat(loadYaml("server:\n  adminToken: abcdefghijklmnopqrstuvwxyz\n").server.adminToken).isNull();
        assertThat(loadYaml("server:\n  adminToken: abcdefghijklmnopqrstuvwxyz\n",
                "VITALS_ADMIN_TOKEN", "0123456789abcdef").server.adminToken).isEqualTo("0123456789abcdef");
    }

    @Test
    void wrongTypeIsNamedWithItsPath() throws IOException {
        Path f = yaml("server:\n  port: abc\n");
        assertThatThrownBy(() -> load(flags(f)))
                .isExactlyInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config file " + f + ": bad value at 'server.port': ");
        failsYaml("backends:\n  - name: a\n    latencyMin: fast\n")
                .hasMessageContaining("bad value at 'backends[0].latencyMin'");
        failsYaml("metrics:\n  sourceFamily: [1]\n")
                .hasMessageContaining("bad value at 'metrics.sourceFamily'");
        failsYaml("server: 5000\n").hasMessageContaining("bad value at 'server'");
        failsYaml("backends:\n  - name: a\n    models: {x: 1}\n")
                .hasMessageContaining("bad value at 'backends[0].models'");
    }

    @Test
    void fractionalValueForAnIntegerSettingFails() throws IOException {
        failsYaml("server:\n  port: 5000.7\n").hasMessageContaining("bad value at 'server.port'");
        failsYaml("backends:\n  - name: a\n    outputTokensMin: 2.5\n")
                .hasMessageContaining("bad value at 'backends[0].outputTokensMin'");
    }

    @Test
    void nullForANumberFails() throws IOException {
        failsYaml("server:\n  port: null\n").hasMessageContaining("bad value at 'server.port'");
    }

    @Test
    void emptyBackendEntryFailsNamingIt() throws IOException {
        Path f = yaml("backends:\n  - name: a\n    models: [m]\n  -\n");
        assertThatThrownBy(() -> load(flags(f))).isExactlyInstanceOf(ConfigException.class)
                .hasMessage("config file " + f + ": backends[1] is empty; each backend needs at least a name and models");
    }

    // ---- precedence ---------------------------------------------------------------------------

    @Test
    void environmentOverridesYaml() throws IOException {
        VitalsConfig c = loadYaml("""
                server:
                  host: 10.0.0.1
                  port: 6000
                  metricsPort: 6001
                  maxBodyBytes: 4096
                pricing:
                  overrideFile: from-yaml.json
                """,
                "VITALS_HOST", "127.0.0.2",
                "VITALS_PORT", " 7000 ",
                "VITALS_METRICS_PORT", "7001",
                "VITALS_MAX_BODY_BYTES", "8192",
                "VITALS_PRICES_FILE", "from-env.json",
                "VITALS_ADMIN_TOKEN", "  0123456789abcdef  ");
        assertThat(c.server.host).isEqualTo("127.0.0.2");
        assertThat(c.server.port).isEqualTo(7000);
        assertThat(c.server.metricsPort).isEqualTo(7001);
        assertThat(c.server.maxBodyBytes).isEqualTo(8192);
        assertThat(c.pricing.overrideFile).isEqualTo("from-env.json");
        assertThat(c.server.adminToken).isEqualTo("0123456789abcdef");
    }

    @Test
    void blankEnvironmentValuesAreIgnored() throws IOException {
        VitalsConfig c = loadYaml("server:\n  port: 6000\n", "VITALS_PORT", "  ", "VITALS_ADMIN_TOKEN", " ");
        assertThat(c.server.port).isEqualTo(6000);
        assertThat(c.server.adminToken).isNull();
    }

    @Test
    void flagsOverrideEnvironmentWhichOverridesYaml() throws IOException {
        Path f = yaml("""
                server:
                  port: 6000
                backends:
                  - name: sim
                    models: [m]
                    latencyMin: 0.2
                    latencyMax: 0.4
                    seed: 1
                    errorKeyword: yaml
                """);
        String[] env = {"VITALS_PORT", "7000", "VITALS_LATENCY_MAX", "2", "VITALS_LATENCY_MIN", "0.25",
                "VITALS_SEED", "2", "VITALS_ERROR_KEYWORD", "env", "VITALS_TTFT", "0.3",
                "VITALS_INTER_TOKEN_DELAY", "0.02", "VITALS_HOST", "env-host"};

        VitalsConfig yamlOnly = load(flags(f));
        assertThat(yamlOnly.server.port).isEqualTo(6000);
        assertThat(yamlOnly.backends.get(0).latencyMin).isEqualTo(0.2);

        VitalsConfig withEnv = load(flags(f), env);
        assertThat(withEnv.server.port).isEqualTo(7000);
        VitalsConfig.Backend b = withEnv.backends.get(0);
        assertThat(b.latencyMin).isEqualTo(0.25);
        assertThat(b.latencyMax).isEqualTo(2.0);
        assertThat(b.seed).isEqualTo(2L);
        assertThat(b.errorKeyword).isEqualTo("env");
        assertThat(b.timeToFirstToken).isEqualTo(0.3);
        assertThat(b.interTokenDelay).isEqualTo(0.02);

        ConfigLoader.Overrides o = flags(f);
        o.port = 8000;
        o.host = "flag-host";
        o.latencyMin = 0.3;
        o.seed = 3L;
        o.errorKeyword = "flag";
        o.timeToFirstToken = 0.4;
        o.interTokenDelay = 0.03;
        o.metricsPort = 8001;
        o.maxBodyBytes = 10_000L;
        o.pricesFile = "flag.json";
        o.modelName = "flag-model";
        VitalsConfig withFlags = load(o, env);
        assertThat(withFlags.server.port).isEqualTo(8000);
        assertThat(withFlags.server.host).isEqualTo("flag-host");
        assertThat(withFlags.server.metricsPort).isEqualTo(8001);
        assertThat(withFlags.server.maxBodyBytes).isEqualTo(10_000L);
        assertThat(withFlags.pricing.overrideFile).isEqualTo("flag.json");
        assertThat(withFlags.defaultModel).isEqualTo("flag-model");
        VitalsConfig.Backend fb = withFlags.backends.get(0);
        assertThat(fb.latencyMin).isEqualTo(0.3);
        assertThat(fb.latencyMax).isEqualTo(2.0); // no flag: the environment's value
        assertThat(fb.seed).isEqualTo(3L);
        assertThat(fb.errorKeyword).isEqualTo("flag");
        assertThat(fb.timeToFirstToken).isEqualTo(0.4);
        assertThat(fb.interTokenDelay).isEqualTo(0.03);
        assertThat(fb.models).containsExactly("m"); // configured backends keep their own models
    }

    @Test
    void simulatedSettingsApplyToEverySimulatedBackendOnly() throws IOException {
        VitalsConfig c = loadYaml("""
                backends:
                  - name: a
                    models: [x]
                  - name: b
                    models: [y]
                  - name: up
                    type: openai
                    models: ["*"]
                    baseUrl: http://localhost:9000/v1
                """, "VITALS_SEED", "9", "VITALS_LATENCY_MAX", "3");
        assertThat(c.backends.get(0).seed).isEqualTo(9L);
        assertThat(c.backends.get(1).seed).isEqualTo(9L);
        assertThat(c.backends.get(1).latencyMax).isEqualTo(3.0);
        assertThat(c.backends.get(2).seed).isNull();
        assertThat(c.backends.get(2).latencyMax).isEqualTo(1.5);
    }

    // ---- invalid values -----------------------------------------------------------------------

    @Test
    void portOutOfRange() throws IOException {
        failsYaml("server:\n  port: 70000\n")
                .hasMessage("server.port must be between 0 (any free port) and 65535, got 70000");
        ConfigLoader.Overrides o = flags();
        o.port = -1;
        assertThatThrownBy(() -> load(o)).isExactlyInstanceOf(ConfigException.class)
                .hasMessage("server.port must be between 0 (any free port) and 65535, got -1");
        assertThatThrownBy(() -> load(flags(), "VITALS_PORT", "70000")).isExactlyInstanceOf(ConfigException.class)
                .hasMessage("server.port must be between 0 (any free port) and 65535, got 70000");
        failsYaml("server:\n  metricsPort: 65536\n")
                .hasMessage("server.metricsPort must be between 0 (off) and 65535, got 65536");
    }

    @Test
    void metricsPortEqualToPort() throws IOException {
        failsYaml("server:\n  port: 5000\n  metricsPort: 5000\n")
                .hasMessage("server.metricsPort must differ from server.port (5000)");
        assertThatThrownBy(() -> load(flags(), "VITALS_METRICS_PORT", "5000"))
                .isExactlyInstanceOf(ConfigException.class)
                .hasMessage("server.metricsPort must differ from server.port (5000)");
    }

    @Test
    void notANumberInTheEnvironment() {
        assertThatThrownBy(() -> load(flags(), "VITALS_PORT", "abc"))
                .isExactlyInstanceOf(ConfigException.class)
                .hasMessageStartingWith("environment variable VITALS_PORT='abc' is not a valid value");
        assertThatThrownBy(() -> load(flags(), "VITALS_LATENCY_MIN", "fast"))
                .isExactlyInstanceOf(ConfigException.class)
                .hasMessageStartingWith("environment variable VITALS_LATENCY_MIN='fast' is not a valid value");
        assertThatThrownBy(() -> load(flags(), "VITALS_SEED", "1.5"))
                .isExactlyInstanceOf(ConfigException.class)
                .hasMessageStartingWith("environment variable VITALS_SEED='1.5' is not a valid value");
    }

    @Test
    void latencyMinAboveLatencyMax() throws IOException {
        failsYaml("backends:\n  - name: sim\n    models: [m]\n    latencyMin: 2\n    latencyMax: 1\n")
                .hasMessage("backends[0] (sim): latencyMin/latencyMax must satisfy "
                        + "0 <= latencyMin <= latencyMax <= 3600, got 2.0 and 1.0");
        assertThatThrownBy(() -> load(flags(), "VITALS_LATENCY_MIN", "5"))
                .isExactlyInstanceOf(ConfigException.class)
                .hasMessage("backends[0] (simulated): latencyMin/latencyMax must satisfy "
                        + "0 <= latencyMin <= latencyMax <= 3600, got 5.0 and 1.5");
    }

    @Test
    void negativeOrNaNDelays() throws IOException {
        failsYaml("backends:\n  - name: sim\n    models: [m]\n    latencyMin: -0.1\n")
                .hasMessageStartingWith("backends[0] (sim): latencyMin/latencyMax must satisfy");
        failsYaml("backends:\n  - name: sim\n    models: [m]\n    timeToFirstToken: -0.5\n")
                .hasMessage("backends[0] (sim).timeToFirstToken must be between 0 and 3600 seconds, got -0.5");
        failsYaml("backends:\n  - name: sim\n    models: [m]\n    interTokenDelay: -1\n")
                .hasMessage("backends[0] (sim).interTokenDelay must be between 0 and 60 seconds, got -1.0");
        assertThatThrownBy(() -> load(flags(), "VITALS_TTFT", "NaN"))
                .isExactlyInstanceOf(ConfigException.class)
                .hasMessage("backends[0] (simulated).timeToFirstToken must be between 0 and 3600 seconds, got NaN");
        ConfigLoader.Overrides o = flags();
        o.interTokenDelay = -0.01;
        assertThatThrownBy(() -> load(o)).isExactlyInstanceOf(ConfigException.class)
                .hasMessage("backends[0] (simulated).interTokenDelay must be between 0 and 60 seconds, got -0.01");
    }

    @Test
    void outputTokenRange() throws IOException {
        failsYaml("backends:\n  - name: sim\n    models: [m]\n    outputTokensMin: 0\n")
                .hasMessage("backends[0] (sim): outputTokensMin/outputTokensMax must satisfy "
                        + "1 <= min <= max <= 100000, got 0 and 150");
    }

    @Test
    void duplicateBackendNames() throws IOException {
        failsYaml("backends:\n  - name: a\n    models: [x]\n  - name: a\n    models: [y]\n")
                .hasMessage("backends[1] (a).name is used twice");
    }

    @Test
    void backendWithoutNameOrModels() throws IOException {
        failsYaml("backends:\n  - models: [x]\n").hasMessage("backends[0].name is required");
        failsYaml("backends:\n  - name: a\n").hasMessage(
                "backends[0] (a).models must list at least one non-empty model name (or \"*\")");
        failsYaml("backends:\n  - name: a\n    models: [\"\"]\n").hasMessage(
                "backends[0] (a).models must list at least one non-empty model name (or \"*\")");
    }

    @Test
    void unknownBackendType() throws IOException {
        failsYaml("backends:\n  - name: x\n    type: grpc\n    models: [m]\n")
                .hasMessage("backends[0] (x).type must be 'simulated' or 'openai', got 'grpc'");
    }

    @Test
    void openAiBackendWithoutBaseUrl() throws IOException {
        failsYaml("backends:\n  - name: up\n    type: openai\n    models: [m]\n")
                .hasMessage("backends[0] (up).baseUrl is required for type 'openai'");
    }

    @Test
    void openAiBackendWithABadUrl() throws IOException {
        failsYaml("backends:\n  - name: up\n    type: openai\n    models: [m]\n    baseUrl: ftp://example.com/v1\n")
                .hasMessage("backends[0] (up).baseUrl 'ftp://example.com/v1' is not a valid http(s) URL: "
                        + "scheme must be http or https with a host");
        failsYaml("backends:\n  - name: up\n    type: openai\n    models: [m]\n    baseUrl: localhost:8080\n")
                .hasMessageStartingWith("backends[0] (up).baseUrl 'localhost:8080' is not a valid http(s) URL: ");
        failsYaml("backends:\n  - name: up\n    type: openai\n    models: [m]\n    baseUrl: \"http://exa mple.com\"\n")
                .hasMessageStartingWith("backends[0] (up).baseUrl 'http://exa mple.com' is not a valid http(s) URL: ");
        failsYaml("backends:\n  - name: up\n    type: openai\n    models: [m]\n    baseUrl: \"http:///v1\"\n")
                .hasMessageStartingWith("backends[0] (up).baseUrl 'http:///v1' is not a valid http(s) URL: ");
    }

    @Test
    void apiKeyEnvAndApiKeyFileTogether() throws IOException {
        failsYaml("""
                backends:
                  - name: up
                    type: openai
                    models: [m]
                    baseUrl: https://api.example.com/v1
                    apiKeyEnv: KEY
                    apiKeyFile: /run/secrets/key
                """).hasMessage("backends[0] (up): set apiKeyEnv or apiKeyFile, not both");
    }

    @Test
    void openAiTimeoutsAndConnections() throws IOException {
        String base = "backends:\n  - name: up\n    type: openai\n    models: [m]\n    baseUrl: http://h/v1\n";
        failsYaml(base + "    readTimeoutMs: 0\n")
                .hasMessage("backends[0] (up): connectTimeoutMs and readTimeoutMs must be >= 1");
        failsYaml(base + "    maxConnections: 0\n").hasMessage("backends[0] (up).maxConnections must be >= 1, got 0");
    }

    @Test
    void otherServerAndMetricsLimits() throws IOException {
        failsYaml("server:\n  maxBodyBytes: 100\n")
                .hasMessage("server.maxBodyBytes must be between 1024 and 268435456, got 100");
        failsYaml("server:\n  instances: 300\n")
                .hasMessage("server.instances must be between 0 (one per core) and 256, got 300");
        failsYaml("metrics:\n  maxModels: 0\n").hasMessage("metrics.maxModels must be >= 1, got 0");
        failsYaml("pricing:\n  reloadIntervalSeconds: -1\n")
                .hasMessage("pricing.reloadIntervalSeconds must be >= 0, got -1");
        failsYaml("defaultModel: \"\"\n").hasMessage("defaultModel must be a non-empty model name");
        assertThatThrownBy(() -> load(flags(), "VITALS_ADMIN_TOKEN", "short"))
                .isExactlyInstanceOf(ConfigException.class)
                .hasMessage("VITALS_ADMIN_TOKEN must be at least 16 characters long");
    }

    @Test
    void validConfigsPass() throws IOException {
        VitalsConfig c = loadYaml("""
                server:
                  port: 0
                  metricsPort: 0
                backends:
                  - name: up
                    type: openai
                    models: ["*"]
                    baseUrl: http://127.0.0.1:11434/v1
                    apiKeyFile: /run/secrets/key
                """);
        assertThat(c.server.port).isZero();
        assertThat(c.backends).extracting(b -> b.name).isEqualTo(List.of("up"));
    }

    @Test
    void durabilityKeysHaveStatedDefaultsAndRangesNamingTheKey() throws IOException {
        dev.vitals.server.config.VitalsConfig c = load(flags(yaml("server:\n  port: 1\n")));
        assertThat(c.store.syncMillis).isEqualTo(1000);
        assertThat(c.store.callFlushMillis).isEqualTo(100);
        assertThat(c.quality.pendingGraceSeconds).isEqualTo(600);
        assertThat(c.quality.maxPending).isEqualTo(100_000);
        failsYaml("store:\n  syncMillis: -1\n").hasMessage("store.syncMillis must be between 0 and 60000, got -1");
        failsYaml("store:\n  callFlushMillis: 5\n").hasMessage("store.callFlushMillis must be between 10 and 10000, got 5");
        failsYaml("quality:\n  pendingGraceSeconds: 0\n")
                .hasMessage("quality.pendingGraceSeconds must be between 1 and 2592000 (30 days), got 0");
        failsYaml("quality:\n  maxPending: -3\n").hasMessage("quality.maxPending must be between 0 and 10000000, got -3");
        failsYaml("store:\n  syncMillis: soon\n").hasMessageContaining("bad value at 'store.syncMillis'");
    }
}
