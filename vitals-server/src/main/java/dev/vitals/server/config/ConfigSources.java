package dev.vitals.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Where each key's value came from ({@link ConfigLoader#explain}): the YAML file, a short variable alias or a flag. */
final class ConfigSources {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConfigSources() {
    }

    /** The older short variable names, kept working, and the keys they set. */
    static final Map<String, String> ENV_ALIASES = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(Map.ofEntries(
            Map.entry("VITALS_HOST", "server.host"), Map.entry("VITALS_PORT", "server.port"),
            Map.entry("VITALS_METRICS_PORT", "server.metricsPort"), Map.entry("VITALS_MAX_BODY_BYTES", "server.maxBodyBytes"),
            Map.entry("VITALS_MODEL_NAME", "defaultModel"), Map.entry("VITALS_PRICES_FILE", "pricing.overrideFile"),
            Map.entry("VITALS_SEED", "backends[].seed"), Map.entry("VITALS_LATENCY_MIN", "backends[].latencyMin"),
            Map.entry("VITALS_LATENCY_MAX", "backends[].latencyMax"), Map.entry("VITALS_ERROR_KEYWORD", "backends[].errorKeyword"),
            Map.entry("VITALS_TTFT", "backends[].timeToFirstToken"),
            Map.entry("VITALS_INTER_TOKEN_DELAY", "backends[].interTokenDelay"))));

    static void aliasSources(VitalsConfig c, Map<String, String> env, ConfigLoader.Overrides f, Map<String, String> sources) {
        Map<String, Object> flags = new java.util.LinkedHashMap<>();
        flags.put("server.host", f.host == null ? null : "--host");
        flags.put("server.port", f.port == null ? null : "--port");
        flags.put("server.metricsPort", f.metricsPort == null ? null : "--metrics-port");
        flags.put("server.maxBodyBytes", f.maxBodyBytes == null ? null : "--max-body-bytes");
        flags.put("defaultModel", f.modelName == null ? null : "--model-name");
        flags.put("pricing.overrideFile", f.pricesFile == null ? null : "--prices");
        flags.put("backends[].seed", f.seed == null ? null : "--seed");
        flags.put("backends[].latencyMin", f.latencyMin == null ? null : "--latency-min");
        flags.put("backends[].latencyMax", f.latencyMax == null ? null : "--latency-max");
        flags.put("backends[].errorKeyword", f.errorKeyword == null ? null : "--error-keyword");
        flags.put("backends[].timeToFirstToken", f.timeToFirstToken == null ? null : "--ttft");
        flags.put("backends[].interTokenDelay", f.interTokenDelay == null ? null : "--inter-token-delay");
        Map<String, String> set = new java.util.LinkedHashMap<>();
        ENV_ALIASES.forEach((var, key) -> {
            String v = env.get(var);
            if (v != null && !v.isBlank()) {
                set.put(key, "env " + var);
            }
        });
        flags.forEach((key, flag) -> {
            if (flag != null) {
                set.put(key, "flag " + flag);
            }
        });
        set.forEach((key, src) -> {
            if (key.startsWith("backends[]")) {
                for (int i = 0; i < c.backends.size(); i++) {
                    if ("simulated".equals(c.backends.get(i).type)) {
                        sources.put(key.replace("[]", "[" + i + "]"), src);
                    }
                }
            } else {
                sources.put(key, src);
            }
        });
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
