package dev.vitals.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration explains itself: every key has a meaning, the README's reference table is the generated
 * one (on a difference the failure lists the rows to add and to remove), and every key is settable from the
 * environment by one rule, with the variable and the key named when a value is wrong.
 */
class ConfigReferenceTest {
    static final String BEGIN = "<!-- config-reference:begin (generated: ./vitals config --reference) -->";
    static final String END = "<!-- config-reference:end -->";

    @TempDir
    Path dir;

    static Path readme() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("README.md")) && Files.isDirectory(d.resolve("vitals-server"))) {
                return d.resolve("README.md");
            }
        }
        throw new IllegalStateException("no README.md above " + Path.of("").toAbsolutePath());
    }

    @Test
    void everyKeyHasAMeaningAndEveryMeaningAKey() {
        assertThat(ConfigKeys.undescribed())
                .as("keys with no line in vitals-server/src/main/resources/dev/vitals/server/config/config-keys.properties"
                        + " (add 'key=meaning' for each)")
                .isEmpty();
        Set<String> paths = new HashSet<>(ConfigKeys.all().stream().map(ConfigKeys.Key::path).toList());
        assertThat(ConfigKeys.descriptions().keySet().stream().filter(k -> !paths.contains(k)).toList())
                .as("lines of config-keys.properties that name no key of VitalsConfig (renamed or removed?)")
                .isEmpty();
        assertThat(paths).contains("drift.windowMinutes", "anomalies.warmUp", "business.eventKinds", "quality.lateAfterHours",
                "drift.maxFeatures", "business.saltEnv", "pricing.gpuHourUsd", "pricing.cpuCoreHourUsd", "otlp.timeoutSeconds",
                "otlp.protocol", "backends[].baseUrl", "auth.keys[].budgetUsd");
    }

    @Test
    void readmeHoldsTheGeneratedReference() throws Exception {
        String readme = Files.readString(readme());
        int b = readme.indexOf(BEGIN);
        int e = readme.indexOf(END);
        assertThat(b).as("README.md has the marker " + BEGIN).isGreaterThanOrEqualTo(0);
        assertThat(e).as("README.md has the marker " + END).isGreaterThan(b);
        List<String> inReadme = readme.substring(b + BEGIN.length(), e).strip().lines().toList();
        List<String> generated = ConfigKeys.markdownTable().strip().lines().toList();
        List<String> missing = new ArrayList<>(generated);
        missing.removeAll(inReadme);
        List<String> stale = new ArrayList<>(inReadme);
        stale.removeAll(generated);
        assertThat(missing).as("rows the README's configuration reference lacks (regenerate: ./vitals config --reference)")
                .isEmpty();
        assertThat(stale).as("rows of the README's configuration reference that are not generated any more").isEmpty();
        assertThat(inReadme).as("row order").isEqualTo(generated);
    }

    @Test
    void envNamesFollowOneRuleAndAreUnique() {
        assertThat(ConfigKeys.envName("drift.windowMinutes")).isEqualTo("VITALS_DRIFT_WINDOW_MINUTES");
        assertThat(ConfigKeys.envName("server.tls.keyStoreFile")).isEqualTo("VITALS_SERVER_TLS_KEY_STORE_FILE");
        assertThat(ConfigKeys.envName("defaultModel")).isEqualTo("VITALS_DEFAULT_MODEL");
        Set<String> seen = new HashSet<>();
        for (ConfigKeys.Key k : ConfigKeys.all()) {
            if (k.env() != null) {
                assertThat(seen.add(k.env())).as("two keys map to " + k.env()).isTrue();
                assertThat(k.env()).isEqualTo(ConfigKeys.envName(k.path()));
            } else {
                assertThat(k.element() || java.util.Map.class.isAssignableFrom(k.field().getType())
                        || List.class.isAssignableFrom(k.field().getType()))
                        .as(k.path() + " has no variable (only list elements and lists/maps of non-scalars may lack one)").isTrue();
            }
        }
        assertThat(seen).doesNotContainAnyElementsOf(ConfigSources.ENV_ALIASES.keySet()).doesNotContain("VITALS_CONFIG",
                "VITALS_ADMIN_TOKEN");
    }

    /** A value of the key's type that differs from its default, as text and as the field holds it. */
    private static Object[] sample(ConfigKeys.Key k, Object dflt) {
        Class<?> t = k.field().getType();
        if (t == String.class) {
            return new Object[] {"x-" + k.path(), "x-" + k.path()};
        }
        if (t == int.class || t == Integer.class) {
            int v = dflt instanceof Integer i ? i + 7 : 7;
            return new Object[] {String.valueOf(v), v};
        }
        if (t == long.class || t == Long.class) {
            long v = dflt instanceof Long l ? l + 7 : 7;
            return new Object[] {String.valueOf(v), v};
        }
        if (t == double.class || t == Double.class) {
            double v = dflt instanceof Double d ? d + 0.5 : 0.5;
            return new Object[] {String.valueOf(v), v};
        }
        if (t == boolean.class || t == Boolean.class) {
            boolean v = !Boolean.TRUE.equals(dflt); // a tri-state Boolean (null: decided at start-up) becomes true
            return new Object[] {String.valueOf(v).toUpperCase(), v};
        }
        if (t.isEnum()) {
            Object other = java.util.Arrays.stream(t.getEnumConstants()).filter(c -> c != dflt).findFirst().orElseThrow();
            return new Object[] {((Enum<?>) other).name().toLowerCase(java.util.Locale.ROOT), other};
        }
        if (List.class.isAssignableFrom(t)) {
            Type e = ((java.lang.reflect.ParameterizedType) k.field().getGenericType()).getActualTypeArguments()[0];
            if (e == Integer.class || e == Long.class || e == Double.class) {
                List<Object> want = e == Integer.class ? List.of(1, 2, 3) : e == Long.class ? List.of(1L, 2L, 3L) : List.of(1.0, 2.0, 3.0);
                return new Object[] {"1, 2 ,3", want};
            }
            return new Object[] {"a, b ,c", List.of("a", "b", "c")};
        }
        return new Object[] {"gpt-4o=500, m2=1.5", null}; // maps: checked below by key
    }

    @Test
    void everyKeyIsSettableFromTheEnvironment() {
        int n = 0;
        for (ConfigKeys.Key k : ConfigKeys.all()) {
            if (k.env() == null) {
                continue;
            }
            VitalsConfig c = new VitalsConfig();
            Object[] s = sample(k, ConfigKeys.get(c, k));
            Map<String, String> sources = new HashMap<>();
            ConfigKeys.applyEnv(c, Map.of(k.env(), (String) s[0]), sources);
            Object got = ConfigKeys.get(c, k);
            if (s[1] != null) {
                assertThat(got).as(k.env()).isEqualTo(s[1]);
            } else {
                assertThat(String.valueOf(got)).as(k.env()).contains("gpt-4o=", "m2=");
            }
            assertThat(sources).containsEntry(k.path(), "env " + k.env());
            n++;
        }
        assertThat(n).isGreaterThan(50);
        VitalsConfig c = new VitalsConfig();
        ConfigKeys.applyEnv(c, Map.of("VITALS_PRICING_MODEL_BUDGETS_USD", "gpt-4o=500,m2=1.5"), new HashMap<>());
        assertThat(c.pricing.modelBudgetsUsd).containsEntry("gpt-4o", 500.0).containsEntry("m2", 1.5);
    }

    @Test
    void loaderAppliesTheRuleBetweenFileAndFlagsAndKeepsSources() throws Exception {
        Path yaml = dir.resolve("v.yaml");
        Files.writeString(yaml, "drift:\n  windowMinutes: 30\n  evaluateSeconds: 5\nserver:\n  port: 6000\n"
                + "otlp:\n  resourceAttributes:\n    team: a\n");
        ConfigLoader.Overrides f = new ConfigLoader.Overrides();
        f.config = yaml.toString();
        f.port = 7000;
        ConfigLoader.Effective e = ConfigLoader.explain(f, Map.of("VITALS_DRIFT_WINDOW_MINUTES", "20",
                "VITALS_SERVER_PORT", "6500", "VITALS_ANOMALIES_WARM_UP", "40", "VITALS_QUALITY_WINDOWS", "5m,1h"));
        VitalsConfig c = e.config();
        assertThat(c.drift.windowMinutes).isEqualTo(20);
        assertThat(c.drift.evaluateSeconds).isEqualTo(5);
        assertThat(c.server.port).isEqualTo(7000);
        assertThat(c.anomalies.warmUp).isEqualTo(40);
        assertThat(c.quality.windows).containsExactly("5m", "1h");
        assertThat(e.sources()).containsEntry("drift.windowMinutes", "env VITALS_DRIFT_WINDOW_MINUTES")
                .containsEntry("drift.evaluateSeconds", "file " + yaml)
                .containsEntry("otlp.resourceAttributes", "file " + yaml)
                .containsEntry("server.port", "flag --port")
                .doesNotContainKey("server.host");
        // the older short names still work
        assertThat(ConfigLoader.load(new ConfigLoader.Overrides(), Map.of("VITALS_PORT", "5100")).server.port).isEqualTo(5100);
    }

    @Test
    void badValuesNameTheVariableAndTheKey() {
        assertThatThrownBy(() -> ConfigLoader.load(new ConfigLoader.Overrides(), Map.of("VITALS_DRIFT_WINDOW_MINUTES", "soon")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("VITALS_DRIFT_WINDOW_MINUTES").hasMessageContaining("drift.windowMinutes")
                .hasMessageContaining("an integer");
        assertThatThrownBy(() -> ConfigLoader.load(new ConfigLoader.Overrides(), Map.of("VITALS_ANOMALIES_SEASONAL", "yes")))
                .hasMessageContaining("VITALS_ANOMALIES_SEASONAL").hasMessageContaining("true or false");
        assertThatThrownBy(() -> ConfigLoader.load(new ConfigLoader.Overrides(), Map.of("VITALS_PRICING_MODEL_BUDGETS_USD", "gpt-4o")))
                .hasMessageContaining("VITALS_PRICING_MODEL_BUDGETS_USD").hasMessageContaining("name=value");
        // parsed but invalid: validation names the key
        assertThatThrownBy(() -> ConfigLoader.load(new ConfigLoader.Overrides(), Map.of("VITALS_DRIFT_WINDOW_MINUTES", "0")))
                .hasMessageContaining("drift.windowMinutes");
        assertThatThrownBy(() -> ConfigLoader.load(new ConfigLoader.Overrides(), Map.of("VITALS_ANOMALIES_THRESHOLD", "NaN")))
                .hasMessageContaining("anomalies");
        assertThatThrownBy(() -> ConfigLoader.load(new ConfigLoader.Overrides(), Map.of("VITALS_TRACING_SAMPLE_RATIO", "1.5")))
                .hasMessageContaining("tracing.sampleRatio");
        assertThatThrownBy(() -> ConfigLoader.load(new ConfigLoader.Overrides(), Map.of("VITALS_TRACING_ENABLED", "true",
                "VITALS_TRACING_ENDPOINT", "localhost:4318"))).hasMessageContaining("tracing.endpoint");
        assertThatThrownBy(() -> ConfigLoader.load(new ConfigLoader.Overrides(), Map.of("VITALS_REQUEST_LOG_MAX_FILES", "0")))
                .hasMessageContaining("requestLog.maxFiles");
        assertThatThrownBy(() -> ConfigLoader.load(new ConfigLoader.Overrides(), Map.of("VITALS_REQUEST_LOG_QUEUE_SIZE", "-1")))
                .hasMessageContaining("requestLog.queueSize");
    }

    @Test
    void secretsAreNeverKeysOfTheReference() {
        Set<String> paths = new LinkedHashSet<>(ConfigKeys.all().stream().map(ConfigKeys.Key::path).toList());
        assertThat(paths).doesNotContain("server.adminToken", "store.password", "metrics.auth.bearerToken", "business.salt");
        assertThat(ConfigKeys.isSecret("metrics.auth.bearerToken")).isTrue();
        assertThat(ConfigKeys.isSecret("metrics.auth.bearerTokenEnv")).isFalse();
    }
}
