package dev.vitals.server.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /** Checks every setting; the first problem fails with its key. */
    public static void validate(VitalsConfig c) {
        port("server.port", c.server.port, false);
        port("server.metricsPort", c.server.metricsPort, true);
        if (c.server.metricsPort != 0 && c.server.metricsPort == c.server.port) {
            throw new ConfigException("server.metricsPort must differ from server.port (" + c.server.port + ")");
        }
        if (c.server.headerTimeoutSeconds < 1 || c.server.headerTimeoutSeconds > 600) {
            throw new ConfigException("server.headerTimeoutSeconds must be between 1 and 600, got " + c.server.headerTimeoutSeconds);
        }
        if (c.server.idleTimeoutSeconds < 1 || c.server.idleTimeoutSeconds > 3600) {
            throw new ConfigException("server.idleTimeoutSeconds must be between 1 and 3600, got " + c.server.idleTimeoutSeconds);
        }
        if (c.server.maxConnections < 1 || c.server.maxConnections > 1_000_000) {
            throw new ConfigException("server.maxConnections must be between 1 and 1000000, got " + c.server.maxConnections);
        }
        if (c.server.maxBodyBytes < 1024 || c.server.maxBodyBytes > 256L * 1024 * 1024) {
            throw new ConfigException("server.maxBodyBytes must be between 1024 and 268435456, got " + c.server.maxBodyBytes);
        }
        if (c.server.instances < 0 || c.server.instances > 256) {
            throw new ConfigException("server.instances must be between 0 (one per core) and 256, got " + c.server.instances);
        }
        if (c.server.adminToken != null && c.server.adminToken.length() < 16) {
            throw new ConfigException("VITALS_ADMIN_TOKEN must be at least 16 characters long");
        }
        try {
            dev.vitals.labels.LabelPolicy.builder().allowedKeys(c.metrics.customLabels.toArray(new String[0]))
                    .maxSeriesPerMetric(c.metrics.maxSeriesPerMetric).build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("metrics.customLabels / metrics.maxSeriesPerMetric: " + e.getMessage());
        }
        if (c.metrics.customLabels.size() > 8) {
            throw new ConfigException("metrics.customLabels lists " + c.metrics.customLabels.size() + " keys; at most 8");
        }
        if (c.metrics.maxSeries < 100 || c.metrics.maxSeries > 10_000_000) {
            throw new ConfigException("metrics.maxSeries must be between 100 and 10000000, got " + c.metrics.maxSeries);
        }
        if (c.metrics.seriesIdleMinutes < 1) {
            throw new ConfigException("metrics.seriesIdleMinutes must be >= 1, got " + c.metrics.seriesIdleMinutes);
        }
        if (c.metrics.maxModels < 1) {
            throw new ConfigException("metrics.maxModels must be >= 1, got " + c.metrics.maxModels);
        }
        if (c.dashboard.stepMillis < 100 || c.dashboard.stepMillis > 600_000) {
            throw new ConfigException("dashboard.stepMillis must be between 100 and 600000, got " + c.dashboard.stepMillis);
        }
        if (!(c.pricing.cpuCoreHourUsd >= 0) || !(c.pricing.gpuHourUsd >= 0)
                || Double.isInfinite(c.pricing.cpuCoreHourUsd) || Double.isInfinite(c.pricing.gpuHourUsd)) {
            throw new ConfigException("pricing.cpuCoreHourUsd and pricing.gpuHourUsd must be finite numbers >= 0");
        }
        c.pricing.modelBudgetsUsd.forEach((m, b) -> {
            if (b == null || !(b > 0) || Double.isInfinite(b)) {
                throw new ConfigException("pricing.modelBudgetsUsd." + m + " must be a finite number > 0, got " + b);
            }
        });
        if (c.pricing.reloadIntervalSeconds < 0) {
            throw new ConfigException("pricing.reloadIntervalSeconds must be >= 0, got " + c.pricing.reloadIntervalSeconds);
        }
        if (c.defaultModel == null || c.defaultModel.isBlank()) {
            throw new ConfigException("defaultModel must be a non-empty model name");
        }
        validateTls(c.server.tls);
        if (c.quality.windows == null || c.quality.windows.isEmpty() || c.quality.windows.size() > 6) {
            throw new ConfigException("quality.windows must list 1 to 6 durations such as 5m, 1h, 24h");
        }
        for (String w : c.quality.windows) {
            if (duration(w) == null) {
                throw new ConfigException("quality.windows: '" + w + "' is not a duration like 30s, 5m, 1h or 7d (1 minute to 30 days)");
            }
        }
        if (!(c.anomalies.threshold > 0) || c.anomalies.consecutive < 1 || c.anomalies.warmUp < 2 || c.anomalies.minVolume < 0) {
            throw new ConfigException("anomalies: threshold must be > 0, consecutive >= 1, warmUp >= 2 and minVolume >= 0");
        }
        if (!(c.anomalies.relativeFloor >= 0 && c.anomalies.relativeFloor <= 10)) {
            throw new ConfigException("anomalies.relativeFloor must be in [0, 10], got " + c.anomalies.relativeFloor);
        }
        if (!(c.slo.availability > 0 && c.slo.availability < 1)) {
            throw new ConfigException("slo.availability: must be between 0 and 1 (exclusive), e.g. 0.999; got " + c.slo.availability);
        }
        if (!(c.slo.latency > 0 && c.slo.latency < 1)) {
            throw new ConfigException("slo.latency: must be between 0 and 1 (exclusive), e.g. 0.99; got " + c.slo.latency);
        }
        if (!(c.slo.latencyThresholdSeconds > 0) || Double.isInfinite(c.slo.latencyThresholdSeconds)) {
            throw new ConfigException("slo.latencyThresholdSeconds: must be a positive number of seconds; got " + c.slo.latencyThresholdSeconds);
        }
        if (c.slo.windowDays < 1 || c.slo.windowDays > 90) {
            throw new ConfigException("slo.windowDays: must be 1 to 90; got " + c.slo.windowDays);
        }
        if (c.drift.windowMinutes < 1 || c.drift.windowMinutes > 7 * 24 * 60) {
            throw new ConfigException("drift.windowMinutes must be between 1 and 10080, got " + c.drift.windowMinutes);
        }
        if (c.drift.minCount < 1 || c.drift.minCount > 1_000_000) {
            throw new ConfigException("drift.minCount must be between 1 and 1000000, got " + c.drift.minCount);
        }
        if (c.drift.evaluateSeconds < 1 || c.drift.evaluateSeconds > 3600) {
            throw new ConfigException("drift.evaluateSeconds must be between 1 and 3600, got " + c.drift.evaluateSeconds);
        }
        if (c.drift.maxModels < 1 || c.drift.maxFeatures < 1 || c.drift.maxFeatures > 1000) {
            throw new ConfigException("drift.maxModels must be >= 1 and drift.maxFeatures between 1 and 1000");
        }
        try {
            dev.vitals.drift.DriftDetector.Builder db = dev.vitals.drift.DriftDetector.builder();
            c.drift.tests.forEach(db::test);
            c.drift.thresholds.forEach(db::threshold);
            db.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("drift.tests/thresholds: " + e.getMessage());
        }
        if (c.quality.retentionDays < 1 || c.quality.retentionDays > 3650) {
            throw new ConfigException("quality.retentionDays must be between 1 and 3650, got " + c.quality.retentionDays);
        }
        if (c.quality.pendingGraceSeconds < 1 || c.quality.pendingGraceSeconds > 30 * 86_400) {
            throw new ConfigException("quality.pendingGraceSeconds must be between 1 and 2592000 (30 days), got "
                    + c.quality.pendingGraceSeconds);
        }
        if (c.quality.labelCoverageHours < 1 || c.quality.labelCoverageHours > c.quality.retentionDays * 24) {
            throw new ConfigException("quality.labelCoverageHours must be between 1 and quality.retentionDays * 24 ("
                    + c.quality.retentionDays * 24 + ": older predictions are deleted), got " + c.quality.labelCoverageHours);
        }
        if (c.quality.maxPending < 0 || c.quality.maxPending > 10_000_000) {
            throw new ConfigException("quality.maxPending must be between 0 and 10000000, got " + c.quality.maxPending);
        }
        if (c.quality.lateAfterHours < 1) {
            throw new ConfigException("quality.lateAfterHours must be >= 1, got " + c.quality.lateAfterHours);
        }
        c.quality.binaryModels.forEach((m, labels) -> {
            if (labels == null || labels.size() != 2 || labels.get(0).equals(labels.get(1))) {
                throw new ConfigException("quality.binaryModels." + m + " must list two different labels: [negative, positive]");
            }
        });
        EvaluatorsConfig.validate(c);
        for (String k : new String[] {"system", "gpu"}) {
            VitalsConfig.Sampled sm = k.equals("system") ? c.system : c.gpu;
            if (sm.intervalSeconds < 1 || sm.intervalSeconds > 3600) {
                throw new ConfigException(k + ".intervalSeconds must be between 1 and 3600, got " + sm.intervalSeconds);
            }
        }
        if (c.business.salt != null && c.business.salt.length() < 16) {
            throw new ConfigException("business.saltEnv: the salt in " + c.business.saltEnv + " must be at least 16 characters");
        }
        if (c.business.eventKinds == null || c.business.eventKinds.isEmpty() || c.business.eventKinds.size() > 32
                || c.business.eventKinds.stream().anyMatch(k -> k == null || !k.matches("[a-z][a-z0-9_]{0,63}"))) {
            throw new ConfigException("business.eventKinds must list 1 to 32 kinds matching [a-z][a-z0-9_]{0,63}");
        }
        if (c.auth.maxKeys < 1 || c.auth.maxKeys > 100_000) {
            throw new ConfigException("auth.maxKeys must be between 1 and 100000, got " + c.auth.maxKeys);
        }
        Set<String> keyNames = new HashSet<>();
        for (int i = 0; i < c.auth.keys.size(); i++) {
            VitalsConfig.ConfiguredKey k = c.auth.keys.get(i);
            String at = "auth.keys[" + i + "]";
            if (k.name == null || !k.name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
                throw new ConfigException(at + ".name must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}, got '" + k.name + "'");
            }
            if (!keyNames.add(k.name)) {
                throw new ConfigException(at + ".name '" + k.name + "' is used twice");
            }
            if ((k.keyEnv == null) == (k.keyFile == null)) {
                throw new ConfigException(at + " (" + k.name + "): set exactly one of keyEnv and keyFile");
            }
            if (!(k.rateLimitPerMinute >= 0) || Double.isInfinite(k.rateLimitPerMinute)) {
                throw new ConfigException(at + " (" + k.name + ").rateLimitPerMinute must be >= 0, got " + k.rateLimitPerMinute);
            }
            if (k.budgetUsd != null && (!(k.budgetUsd >= 0) || Double.isInfinite(k.budgetUsd))) {
                throw new ConfigException(at + " (" + k.name + ").budgetUsd must be a finite number >= 0, got " + k.budgetUsd);
            }
        }
        if (c.auth.keys.size() > c.auth.maxKeys) {
            throw new ConfigException("auth.keys lists " + c.auth.keys.size() + " keys, more than auth.maxKeys (" + c.auth.maxKeys + ")");
        }
        VitalsConfig.Store st = c.store;
        if (st.jdbcUrl == null) {
            if (st.path == null || st.path.isBlank()) {
                throw new ConfigException("store.path must name a database file");
            }
            if (st.userEnv != null || st.passwordEnv != null || st.passwordFile != null) {
                throw new ConfigException("store.userEnv, store.passwordEnv and store.passwordFile need store.jdbcUrl");
            }
        } else if (!st.jdbcUrl.startsWith("jdbc:postgresql://") || st.jdbcUrl.length() <= "jdbc:postgresql://".length()) {
            throw new ConfigException("store.jdbcUrl must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database), got '"
                    + st.jdbcUrl + "'");
        } else if (st.jdbcUrl.matches("(?i).*[?&]password=.*")) {
            throw new ConfigException("store.jdbcUrl must not hold the password: use store.passwordEnv or store.passwordFile");
        }
        if (st.passwordEnv != null && st.passwordFile != null) {
            throw new ConfigException("store: set passwordEnv or passwordFile, not both");
        }
        if (st.maxPoolSize < 1 || st.maxPoolSize > 100) {
            throw new ConfigException("store.maxPoolSize must be 1..100, got " + st.maxPoolSize);
        }
        if (st.syncMillis < 0 || st.syncMillis > 60_000) {
            throw new ConfigException("store.syncMillis must be between 0 and 60000, got " + st.syncMillis);
        }
        if (st.callFlushMillis < 10 || st.callFlushMillis > 10_000) {
            throw new ConfigException("store.callFlushMillis must be between 10 and 10000, got " + st.callFlushMillis);
        }
        if (c.auth.reloadSeconds < 0) {
            throw new ConfigException("auth.reloadSeconds must be >= 0, got " + c.auth.reloadSeconds);
        }
        VitalsConfig.Otlp o = c.otlp;
        if (o.enabled) {
            java.net.URI u;
            try {
                u = new java.net.URI(o.endpoint == null ? "" : o.endpoint);
            } catch (java.net.URISyntaxException e) {
                throw new ConfigException("otlp.endpoint is not a URL: " + e.getMessage());
            }
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                throw new ConfigException("otlp.endpoint must be an http(s) URL, got '" + o.endpoint + "'");
            }
            if (!"http/protobuf".equals(o.protocol) && !"grpc".equals(o.protocol)) {
                throw new ConfigException("otlp.protocol must be http/protobuf or grpc, got '" + o.protocol + "'");
            }
            if (o.intervalSeconds < 1) {
                throw new ConfigException("otlp.intervalSeconds must be >= 1, got " + o.intervalSeconds);
            }
            if (o.timeoutSeconds < 1) {
                throw new ConfigException("otlp.timeoutSeconds must be >= 1, got " + o.timeoutSeconds);
            }
            if (o.serviceName == null || o.serviceName.isBlank()) {
                throw new ConfigException("otlp.serviceName must not be blank");
            }
        }
        validateTelemetry(c);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < c.backends.size(); i++) {
            VitalsConfig.Backend b = c.backends.get(i);
            String at = "backends[" + i + "]";
            if (b.name == null || b.name.isBlank()) {
                throw new ConfigException(at + ".name is required");
            }
            at = "backends[" + i + "] (" + b.name + ")";
            if (!names.add(b.name)) {
                throw new ConfigException(at + ".name is used twice");
            }
            if (b.models == null || b.models.isEmpty() || b.models.stream().anyMatch(m -> m == null || m.isBlank())) {
                throw new ConfigException(at + ".models must list at least one non-empty model name (or \"*\")");
            }
            switch (b.type == null ? "" : b.type) {
                case "simulated" -> validateSimulated(at, b);
                case "openai" -> validateOpenAi(at, b);
                default -> throw new ConfigException(at + ".type must be 'simulated' or 'openai', got '" + b.type + "'");
            }
        }
    }

    private static void validateTelemetry(VitalsConfig c) {
        VitalsConfig.Tracing t = c.tracing;
        if (t.enabled) {
            URI u;
            try {
                u = URI.create(t.endpoint == null ? "" : t.endpoint);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("tracing.endpoint is not a URL: " + e.getMessage());
            }
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                throw new ConfigException("tracing.endpoint must be an http(s) URL, got '" + t.endpoint + "'");
            }
        }
        if (!(t.sampleRatio >= 0 && t.sampleRatio <= 1)) {
            throw new ConfigException("tracing.sampleRatio must be between 0 and 1, got " + t.sampleRatio);
        }
        if (t.serviceName == null || t.serviceName.isBlank()) {
            throw new ConfigException("tracing.serviceName must not be blank");
        }
        if (t.maxQueueSize < 1 || t.maxQueueSize > 1_000_000) {
            throw new ConfigException("tracing.maxQueueSize must be between 1 and 1000000, got " + t.maxQueueSize);
        }
        if (t.scheduleDelayMillis < 1 || t.scheduleDelayMillis > 600_000) {
            throw new ConfigException("tracing.scheduleDelayMillis must be between 1 and 600000, got " + t.scheduleDelayMillis);
        }
        VitalsConfig.RequestLog r = c.requestLog;
        if (r.path != null && r.path.isBlank()) {
            throw new ConfigException("requestLog.path must be 'stdout' or a file, got a blank value");
        }
        if (r.maxFileBytes < 1024 || r.maxFiles < 1 || r.maxFiles > 1000) {
            throw new ConfigException("requestLog.maxFileBytes must be >= 1024 and requestLog.maxFiles between 1 and 1000, got "
                    + r.maxFileBytes + " and " + r.maxFiles);
        }
        if (r.queueSize < 1 || r.queueSize > 10_000_000) {
            throw new ConfigException("requestLog.queueSize must be between 1 and 10000000, got " + r.queueSize);
        }
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

    private static void validateTls(VitalsConfig.Tls t) {
        if (t.certFile != null && t.keyStoreFile != null) {
            throw new ConfigException("server.tls: set certFile/keyFile or keyStoreFile, not both");
        }
        if ((t.certFile == null) != (t.keyFile == null)) {
            throw new ConfigException("server.tls: certFile and keyFile go together");
        }
        for (String f : new String[] {t.certFile, t.keyFile, t.keyStoreFile}) {
            if (f != null && !Files.isReadable(Path.of(f))) {
                throw new ConfigException("server.tls: file " + f + " does not exist or is not readable");
            }
        }
        if (t.keyStoreFile != null && t.keyStorePassword == null) {
            throw new ConfigException("server.tls: keyStoreFile needs keyStorePasswordEnv");
        }
    }

    private static void validateSimulated(String at, VitalsConfig.Backend b) {
        if (!(b.latencyMin >= 0) || !(b.latencyMax >= b.latencyMin) || b.latencyMax > 3600) {
            throw new ConfigException(at + ": latencyMin/latencyMax must satisfy 0 <= latencyMin <= latencyMax <= 3600, got "
                    + b.latencyMin + " and " + b.latencyMax);
        }
        if (b.outputTokensMin < 1 || b.outputTokensMax < b.outputTokensMin || b.outputTokensMax > 100_000) {
            throw new ConfigException(at + ": outputTokensMin/outputTokensMax must satisfy 1 <= min <= max <= 100000, got "
                    + b.outputTokensMin + " and " + b.outputTokensMax);
        }
        if (!(b.timeToFirstToken >= 0) || b.timeToFirstToken > 3600) {
            throw new ConfigException(at + ".timeToFirstToken must be between 0 and 3600 seconds, got " + b.timeToFirstToken);
        }
        if (b.embeddingDimensions < 1 || b.embeddingDimensions > 8192) {
            throw new ConfigException(at + ".embeddingDimensions must be between 1 and 8192, got " + b.embeddingDimensions);
        }
        if (!(b.interTokenDelay >= 0) || b.interTokenDelay > 60) {
            throw new ConfigException(at + ".interTokenDelay must be between 0 and 60 seconds, got " + b.interTokenDelay);
        }
    }

    private static void validateOpenAi(String at, VitalsConfig.Backend b) {
        if (b.baseUrl == null || b.baseUrl.isBlank()) {
            throw new ConfigException(at + ".baseUrl is required for type 'openai'");
        }
        try {
            URI u = URI.create(b.baseUrl);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("scheme must be http or https with a host");
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException(at + ".baseUrl '" + b.baseUrl + "' is not a valid http(s) URL: " + e.getMessage());
        }
        if (b.apiKeyEnv != null && b.apiKeyFile != null) {
            throw new ConfigException(at + ": set apiKeyEnv or apiKeyFile, not both");
        }
        if (b.connectTimeoutMs < 1 || b.readTimeoutMs < 1) {
            throw new ConfigException(at + ": connectTimeoutMs and readTimeoutMs must be >= 1");
        }
        if (b.maxConnections < 1) {
            throw new ConfigException(at + ".maxConnections must be >= 1, got " + b.maxConnections);
        }
    }

    private static void port(String key, int port, boolean zeroAllowed) {
        if (port < 0 || port > 65535) {
            throw new ConfigException(key + " must be between 0 (" + (zeroAllowed ? "off" : "any free port")
                    + ") and 65535, got " + port);
        }
    }
}
