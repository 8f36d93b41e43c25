package dev.vitals.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Where each key's value came from ({@link ConfigLoader#explain}): the YAML file, a short variable alias or a flag. */
final class ConfigSources {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConfigSources() {
    }

    /** A key that an older short variable and a {@code vitals serve} flag also set; {@code given} reads the flag. */
    private record Alias(String env, String key, String flag, Function<ConfigLoader.Overrides, Object> given) {
    }

    private static final List<Alias> ALIASES = List.of(
            new Alias("VITALS_HOST", "server.host", "--host", f -> f.host),
            new Alias("VITALS_PORT", "server.port", "--port", f -> f.port),
            new Alias("VITALS_METRICS_PORT", "server.metricsPort", "--metrics-port", f -> f.metricsPort),
            new Alias("VITALS_MAX_BODY_BYTES", "server.maxBodyBytes", "--max-body-bytes", f -> f.maxBodyBytes),
            new Alias("VITALS_MODEL_NAME", "defaultModel", "--model-name", f -> f.modelName),
            new Alias("VITALS_PRICES_FILE", "pricing.overrideFile", "--prices", f -> f.pricesFile),
            new Alias("VITALS_SEED", "backends[].seed", "--seed", f -> f.seed),
            new Alias("VITALS_LATENCY_MIN", "backends[].latencyMin", "--latency-min", f -> f.latencyMin),
            new Alias("VITALS_LATENCY_MAX", "backends[].latencyMax", "--latency-max", f -> f.latencyMax),
            new Alias("VITALS_ERROR_KEYWORD", "backends[].errorKeyword", "--error-keyword", f -> f.errorKeyword),
            new Alias("VITALS_TTFT", "backends[].timeToFirstToken", "--ttft", f -> f.timeToFirstToken),
            new Alias("VITALS_INTER_TOKEN_DELAY", "backends[].interTokenDelay", "--inter-token-delay", f -> f.interTokenDelay));

    /** The older short variable names, kept working, and the keys they set. */
    static final Map<String, String> ENV_ALIASES = ALIASES.stream()
            .collect(Collectors.toUnmodifiableMap(Alias::env, Alias::key));

    /** Records the alias variable or flag that set a key; a flag wins over the variable. */
    static void aliasSources(VitalsConfig c, Map<String, String> env, ConfigLoader.Overrides f, Map<String, String> sources) {
        for (Alias a : ALIASES) {
            String v = env.get(a.env());
            String src = a.given().apply(f) != null ? "flag " + a.flag() : v != null && !v.isBlank() ? "env " + a.env() : null;
            if (src == null) {
                continue;
            }
            if (a.key().startsWith("backends[]")) {
                for (int i = 0; i < c.backends.size(); i++) {
                    if ("simulated".equals(c.backends.get(i).type)) {
                        sources.put(a.key().replace("[]", "[" + i + "]"), src);
                    }
                }
            } else {
                sources.put(a.key(), src);
            }
        }
    }

    /** Records {@code file PATH} as the source of every key the YAML file sets. */
    static void fileKeys(Path file, Map<String, String> sources) {
        try {
            JsonNode tree = YAML.readTree(file.toFile());
            if (tree != null && tree.isObject()) {
                fileKeys(tree, "", "file " + file, sources);
            }
        } catch (IOException e) {
            throw new ConfigException("config file " + file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    private static void fileKeys(JsonNode node, String path, String source, Map<String, String> sources) {
        if (node.isObject() && !isMapKey(path)) {
            node.fields().forEachRemaining(e -> fileKeys(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(),
                    source, sources));
        } else if (node.isArray() && (path.equals("backends") || path.equals("auth.keys"))) {
            for (int i = 0; i < node.size(); i++) {
                fileKeys(node.get(i), path + "[" + i + "]", source, sources);
            }
        } else {
            sources.put(path, source);
        }
    }

    /** Keys whose value is a map (their entries are not keys of their own). */
    private static boolean isMapKey(String path) {
        return ConfigKeys.all().stream().anyMatch(k -> !k.element() && k.path().equals(path)
                && Map.class.isAssignableFrom(k.field().getType()));
    }
}
