package dev.vitals.server.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Builds a {@link VitalsConfig} from, in increasing precedence: built-in defaults, a YAML file,
 * {@code VITALS_*} environment variables, and command-line flags ({@link Overrides}). Every error
 * names the setting and the reason.
 *
 * <p>Every key is settable from the environment by one rule ({@link ConfigKeys#envName}:
 * {@code drift.windowMinutes} is {@code VITALS_DRIFT_WINDOW_MINUTES}); {@link #explain} keeps each key's source.
 * Older short names, aliases that win over the rule's: {@code VITALS_CONFIG} (YAML path), {@code VITALS_HOST}, {@code VITALS_PORT},
 * {@code VITALS_METRICS_PORT}, {@code VITALS_MAX_BODY_BYTES}, {@code VITALS_MODEL_NAME},
 * {@code VITALS_SEED}, {@code VITALS_LATENCY_MIN}, {@code VITALS_LATENCY_MAX},
 * {@code VITALS_ERROR_KEYWORD}, {@code VITALS_TTFT}, {@code VITALS_INTER_TOKEN_DELAY},
 * {@code VITALS_PRICES_FILE}. The simulated-model settings apply to every simulated backend.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    /** Values given on the command line; {@code null} means not given. */
    public static final class Overrides {
        public String config;
        public String host;
        public Integer port;
        public Integer metricsPort;
        public Long maxBodyBytes;
        public String modelName;
        public Long seed;
        public Double latencyMin;
        public Double latencyMax;
        public String errorKeyword;
        public Double timeToFirstToken;
        public Double interTokenDelay;
        public String pricesFile;
    }

    private ConfigLoader() {
    }

    /** Loads with {@code System.getenv()}. */
    public static VitalsConfig load(Overrides flags) {
        return load(flags, System.getenv());
    }

    /** Loads from flags, the given environment and the YAML file they name. */
    public static VitalsConfig load(Overrides flags, Map<String, String> env) {
        return explain(flags, env).config();
    }

    /**
     * A loaded configuration and where each key that is not at its default came from.
     *
     * @param sources key path ({@code server.port}, {@code backends[0].models}) to {@code file PATH},
     *     {@code env NAME} or {@code flag --NAME}; keys not listed have their default
     * @param file the YAML file, or {@code null}
     */
    public record Effective(VitalsConfig config, Map<String, String> sources, String file) {
    }

    /** Loads like {@link #load(Overrides, Map)} and keeps the source of every key. */
    public static Effective explain(Overrides flags, Map<String, String> env) {
        String file = flags.config != null ? flags.config : env.get("VITALS_CONFIG");
        Map<String, String> sources = new java.util.LinkedHashMap<>();
        VitalsConfig c;
        if (file == null) {
            c = new VitalsConfig();
        } else {
            c = readYaml(Path.of(file));
            ConfigSources.fileKeys(Path.of(file), sources);
        }
        // one rule for every key (VITALS_DRIFT_WINDOW_MINUTES); the short names below are older aliases and win
        ConfigKeys.applyEnv(c, env, sources);
        apply(c, env, flags);
        ConfigSources.aliasSources(c, env, flags, sources);
        validate(c);
        return new Effective(c, sources, file);
    }

    /** Parses a YAML file; unknown keys and wrong types fail with the key's path. */
    public static VitalsConfig readYaml(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException("config file " + file + " does not exist or is not a file");
            }
            // via the tree: readValue fails on a file with no content (empty, or only comments)
            JsonNode tree = YAML.readTree(file.toFile());
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                return new VitalsConfig();
            }
            VitalsConfig c = YAML.treeToValue(tree, VitalsConfig.class);
            // a section key with nothing under it ("server:") reads as null: it means the defaults
            VitalsConfig defaults = new VitalsConfig();
            if (c.server == null) {
                c.server = defaults.server;
            }
            if (c.metrics == null) {
                c.metrics = defaults.metrics;
            }
            if (c.pricing == null) {
                c.pricing = defaults.pricing;
            }
            if (c.dashboard == null) {
                c.dashboard = defaults.dashboard;
            }
            if (c.backends != null) {
                for (int i = 0; i < c.backends.size(); i++) {
                    if (c.backends.get(i) == null) {
                        throw new ConfigException("config file " + file + ": backends[" + i
                                + "] is empty; each backend needs at least a name and models");
                    }
                }
            }
            return c;
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException("config file " + file + ": unknown key '" + path(e) + "'; known keys here: "
                    + e.getKnownPropertyIds(), e);
        } catch (JsonMappingException e) {
            throw new ConfigException("config file " + file + ": bad value at '" + path(e) + "': " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConfigException("config file " + file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static void apply(VitalsConfig c, Map<String, String> env, Overrides f) {
        c.server.host = pick(f.host, env, "VITALS_HOST", Function.identity(), c.server.host);
        c.server.port = pick(f.port, env, "VITALS_PORT", Integer::valueOf, c.server.port);
        c.server.metricsPort = pick(f.metricsPort, env, "VITALS_METRICS_PORT", Integer::valueOf, c.server.metricsPort);
        c.server.maxBodyBytes = pick(f.maxBodyBytes, env, "VITALS_MAX_BODY_BYTES", Long::valueOf, c.server.maxBodyBytes);
        readSecrets(c, env);
        String admin = env.get("VITALS_ADMIN_TOKEN");
        c.server.adminToken = admin == null || admin.isBlank() ? null : admin.trim();
        c.pricing.overrideFile = pick(f.pricesFile, env, "VITALS_PRICES_FILE", Function.identity(), c.pricing.overrideFile);
        String model = pick(f.modelName, env, "VITALS_MODEL_NAME", Function.identity(), null);
        if (model != null) {
            c.defaultModel = model;
        }
        if (c.backends == null || c.backends.isEmpty()) {
            VitalsConfig.Backend sim = new VitalsConfig.Backend();
            sim.name = "simulated";
            sim.type = "simulated";
            sim.models = List.of(c.defaultModel);
            c.backends = List.of(sim);
        }
        for (VitalsConfig.Backend b : c.backends) {
            if (!"simulated".equals(b.type)) {
                continue;
            }
            b.seed = pick(f.seed, env, "VITALS_SEED", Long::valueOf, b.seed);
            b.latencyMin = pick(f.latencyMin, env, "VITALS_LATENCY_MIN", Double::valueOf, b.latencyMin);
            b.latencyMax = pick(f.latencyMax, env, "VITALS_LATENCY_MAX", Double::valueOf, b.latencyMax);
            b.errorKeyword = pick(f.errorKeyword, env, "VITALS_ERROR_KEYWORD", Function.identity(), b.errorKeyword);
            b.timeToFirstToken = pick(f.timeToFirstToken, env, "VITALS_TTFT", Double::valueOf, b.timeToFirstToken);
            b.interTokenDelay = pick(f.interTokenDelay, env, "VITALS_INTER_TOKEN_DELAY", Double::valueOf, b.interTokenDelay);
        }
    }

    /** Reads the secrets that settings name by environment variable (metrics credentials, key store password). */
    public static void readSecrets(VitalsConfig c, Map<String, String> env) {
        VitalsConfig.MetricsAuth m = c.metrics.auth;
        if (m.bearerTokenEnv != null) {
            m.bearerToken = required(env, m.bearerTokenEnv, "metrics.auth.bearerTokenEnv");
        }
        if (m.basicUser != null || m.basicPasswordEnv != null) {
            if (m.basicUser == null || m.basicPasswordEnv == null) {
                throw new ConfigException("metrics.auth: basicUser and basicPasswordEnv go together");
            }
            m.basicPassword = required(env, m.basicPasswordEnv, "metrics.auth.basicPasswordEnv");
        }
        if (c.business.saltEnv != null) {
            String salt = env.get(c.business.saltEnv);
            c.business.salt = salt == null || salt.isBlank() ? null : salt;
        }
        VitalsConfig.Store st = c.store;
        if (st.userEnv != null) {
            st.user = required(env, st.userEnv, "store.userEnv");
        }
        if (st.passwordEnv != null) {
            st.password = required(env, st.passwordEnv, "store.passwordEnv");
        }
        if (st.passwordFile != null) {
            try {
                String first = java.nio.file.Files.readAllLines(java.nio.file.Path.of(st.passwordFile)).stream()
                        .findFirst().orElse("").trim();
                if (first.isEmpty()) {
                    throw new ConfigException("store.passwordFile: " + st.passwordFile + " is empty");
                }
                st.password = first;
            } catch (java.io.IOException e) {
                throw new ConfigException("store.passwordFile: cannot read " + st.passwordFile + ": " + e.getMessage());
            }
        }
        VitalsConfig.Tls t = c.server.tls;
        if (t.keyStorePasswordEnv != null) {
            t.keyStorePassword = required(env, t.keyStorePasswordEnv, "server.tls.keyStorePasswordEnv");
        }
    }

    private static String required(Map<String, String> env, String var, String key) {
        String v = env.get(var);
        if (v == null || v.isEmpty()) {
            throw new ConfigException(key + ": environment variable " + var + " is not set");
        }
        return v;
    }

    private static <T> T pick(T flag, Map<String, String> env, String var, Function<String, T> parse, T current) {
        if (flag != null) {
            return flag;
        }
        String v = env.get(var);
        if (v == null || v.isBlank()) {
            return current;
        }
        try {
            return parse.apply(v.trim());
        } catch (RuntimeException e) {
            throw new ConfigException("environment variable " + var + "='" + v + "' is not a valid value: " + e.getMessage());
        }
    }

    /** Checks every setting; the first problem fails with its key (see {@link ConfigValidator}). */
    public static void validate(VitalsConfig c) {
        ConfigValidator.validate(c);
    }

    /** Parses 30s, 5m, 1h, 7d into a duration between 1 minute and 30 days, or null. */
    public static java.time.Duration duration(String s) {
        if (s == null || !s.matches("\\d{1,6}[smhd]")) {
            return null;
        }
        long n = Long.parseLong(s.substring(0, s.length() - 1));
        java.time.Duration d = switch (s.charAt(s.length() - 1)) {
            case 's' -> java.time.Duration.ofSeconds(n);
            case 'm' -> java.time.Duration.ofMinutes(n);
            case 'h' -> java.time.Duration.ofHours(n);
            default -> java.time.Duration.ofDays(n);
        };
        return d.compareTo(java.time.Duration.ofMinutes(1)) < 0 || d.compareTo(java.time.Duration.ofDays(30)) > 0 ? null : d;
    }
}
