package dev.vitals.server.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's configuration: the YAML file's shape, with the defaults. Loaded and validated by
 * {@link ConfigLoader}; treat an instance as read-only once loaded.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public final class VitalsConfig {
    /** HTTP settings. */
    public Server server = new Server();
    /** Metric family switches and bounds. */
    public Metrics metrics = new Metrics();
    /** Price catalog overrides. */
    public Pricing pricing = new Pricing();
    /** Model used by {@code /generate} and by chat requests without a model. */
    public String defaultModel = "mock-llm-v1";
    /** Backends in fallback order; empty means one simulated backend serving {@link #defaultModel}. */
    public List<Backend> backends = new ArrayList<>();

    /** HTTP listener settings. */
    public static final class Server {
        public String host = "0.0.0.0";
        /** Main port (gateway, /generate, /metrics). */
        public int port = 5000;
        /** Separate metrics-only port; 0 = none. The source document uses 8000. */
        public int metricsPort = 0;
        /** Largest accepted request body in bytes; larger ones get 413. */
        public long maxBodyBytes = 1024 * 1024;
        /** HTTP server instances (event loops) sharing the port; 0 = one per CPU core. */
        public int instances = 0;
        /** Bearer token for {@code /admin/*}; from {@code VITALS_ADMIN_TOKEN} only, never from the YAML file. */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public String adminToken;
    }

    /** Which metric families are exported. */
    public static final class Metrics {
        /** The source document's {@code llm_*} names. */
        public boolean sourceFamily = true;
        /** The OpenTelemetry GenAI {@code gen_ai_*} names. */
        public boolean genAiFamily = true;
        /** Distinct model names with their own series; later ones fold into {@code __overflow__}. */
        public int maxModels = 1000;
    }

    /** Price catalog settings. */
    public static final class Pricing {
        /** A JSON file in the built-in catalog's format whose entries override the built-in ones; optional. */
        public String overrideFile;
        /** How often the override file is checked for changes, seconds; 0 = only on start and on the admin reload. */
        public long reloadIntervalSeconds = 10;
    }

    /** One model backend. */
    public static final class Backend {
        /** Unique name, used in logs and {@code /v1/models}. */
        public String name;
        /** {@code simulated} or {@code openai} (any OpenAI-compatible upstream). */
        public String type = "simulated";
        /** Model names served; {@code "*"} serves any model. */
        public List<String> models = new ArrayList<>();
        /** The provider label ({@code gen_ai_provider_name}); defaults to {@code vitals} or {@code openai}. */
        public String provider;

        // simulated
        public double latencyMin = 0.1;
        public double latencyMax = 1.5;
        public String errorKeyword = "error";
        public Long seed;
        public int outputTokensMin = 20;
        public int outputTokensMax = 150;
        /** Streams: delay before the first token, seconds. */
        public double timeToFirstToken = 0.1;
        /** Streams: delay between tokens, seconds. */
        public double interTokenDelay = 0.01;

        // openai
        public String baseUrl;
        /** Environment variable holding the API key. */
        public String apiKeyEnv;
        /** File holding the API key (first line, trimmed). */
        public String apiKeyFile;
        public long connectTimeoutMs = 5_000;
        /** Longest silence while waiting for (more of) the upstream's answer. */
        public long readTimeoutMs = 120_000;
        public int maxConnections = 64;
    }
}
