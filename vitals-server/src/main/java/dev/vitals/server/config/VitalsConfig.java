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
    /** Gateway API keys. */
    public Auth auth = new Auth();
    /** The durable state store. */
    public Store store = new Store();
    /** Host, process and JVM metrics. */
    public Sampled system = new Sampled();
    /** NVIDIA GPU metrics through nvidia-smi; nothing is exported where it is absent. */
    public Gpu gpu = new Gpu();
    /** Unique users, sessions, conversions. */
    public Business business = new Business();

    /** A metric source sampled off the request path. */
    public static class Sampled {
        public boolean enabled = true;
        public int intervalSeconds = 10;
    }

    /** GPU polling. */
    public static final class Gpu extends Sampled {
        public String executable = "nvidia-smi";
    }

    /** Business metrics: user and session ids arrive in the OpenAI {@code user} field or the x-vitals-user/-session headers. */
    public static final class Business {
        /** Environment variable with the salt (at least 16 characters) of user and session hashes; random per process without it. */
        public String saltEnv = "VITALS_BUSINESS_SALT";
        @com.fasterxml.jackson.annotation.JsonIgnore
        public String salt;
        /** Allowed event kinds of POST /v1/events. */
        public List<String> eventKinds = new ArrayList<>(List.of("clicked", "purchased", "subscribed", "task_completed"));
    }

    /** Quality evaluation: windows, retention, per-model tasks. */
    public Quality quality = new Quality();

    /** Quality evaluation settings. */
    public static final class Quality {
        /** Sliding windows, e.g. 5m, 1h, 24h (units s, m, h, d). */
        public List<String> windows = new ArrayList<>(List.of("5m", "1h", "24h"));
        /** Days calls and feedback are kept in the state store for delayed joins. */
        public int retentionDays = 7;
        /** Feedback for a call older than this many hours is counted as late (still applied). */
        public int lateAfterHours = 24;
        /**
         * Feedback for a request id the store does not know yet is kept this long, waiting for the call's row
         * (from any replica), then counted as {@code unknown_call}.
         */
        public int pendingGraceSeconds = 600;
        /** Label coverage (delayed ground truth) counts the predictions of this many hours back; at most retentionDays. */
        public int labelCoverageHours = 168;
        /** Feedback pending at most (the store's rows); past it, feedback on an unknown request id is refused (404). */
        public int maxPending = 100_000;
        /** Binary classifiers: model name to [negative, positive] labels, so ROC AUC knows the positive class. */
        public java.util.Map<String, List<String>> binaryModels = new java.util.LinkedHashMap<>();
    }

    /** Code evaluators, perplexity and the LLM-as-judge on gateway calls. */
    public EvaluatorsConfig evaluators = new EvaluatorsConfig();

    /** Baselines and anomaly detection of the per-model signals. */
    public Anomalies anomalies = new Anomalies();

    /** Anomaly detection settings (see dev.vitals.baseline.Detector). */
    public static final class Anomalies {
        /** |z| above which a sample is anomalous. */
        public double threshold = 3;
        /** Consecutive anomalous samples that open an anomaly (and normal ones that close it). */
        public int consecutive = 3;
        /**
         * Samples learned before any verdict: 12 intervals, two minutes at the default 10 s step. The
         * first 60 samples give the exact running mean and variance (see Detector), so 12 already
         * estimate the spread; 30 kept a new server (and the demo) blind for five minutes.
         */
        public int warmUp = 12;
        /** Requests an interval needs to be judged (the request rate is always judged). */
        public long minVolume = 10;
        /** Compare with the same time yesterday and last week once there is history. */
        public boolean seasonal = false;
        /**
         * Latencies, tokens and cost per query are not judged finer than this fraction of their baseline (0.1: a p95
         * moving less than 30% at threshold 3 is not news). The error ratio's floor is its binomial error instead.
         */
        public double relativeFloor = 0.1;
    }

    /** Service level objectives shown on the dashboard's SLO panel (the Prometheus rules take theirs as flags). */
    public Slo slo = new Slo();

    /** Objectives of the SLO panel; the defaults are those of the committed Prometheus rules. */
    public static final class Slo {
        /** Share of calls that must succeed. */
        public double availability = 0.999;
        /** Share of calls that must be faster than {@code latencyThresholdSeconds}. */
        public double latency = 0.99;
        /** The latency objective's threshold, seconds. */
        public double latencyThresholdSeconds = 5;
        /** The window the error budget is counted over, days. */
        public int windowDays = 30;
    }

    /** Data drift of gateway and client features. */
    public Drift drift = new Drift();

    /** Drift settings. */
    public static final class Drift {
        /** Length of a current window, minutes: the comparison uses the last full window plus the running one. */
        public int windowMinutes = 60;
        /**
         * Values each window (reference and current) needs per feature before drift is judged; default 30. Below it
         * there is no verdict (and no alert): 2 reference values against 5 current ones can give a KS p-value under 0.05,
         * and 30 is where the chi-square and z tests' large-sample approximations start to hold.
         */
        public long minCount = 30;
        /** How often drift is computed, seconds. */
        public int evaluateSeconds = 60;
        /** Models and features per model profiled; more are refused (400) or not profiled. */
        public int maxModels = 50;
        public int maxFeatures = 64;
        /** A test per feature, e.g. {prompt_tokens: psi}; default: Evidently's rule. */
        public java.util.Map<String, String> tests = new java.util.LinkedHashMap<>();
        /** A threshold per feature. */
        public java.util.Map<String, Double> thresholds = new java.util.LinkedHashMap<>();
    }

    /** The built-in dashboard ({@code /ui}) and its short history. */
    public Dashboard dashboard = new Dashboard();

    /** The short history behind {@code /ui} and {@code /v1/dashboard/*}. */
    public static final class Dashboard {
        /**
         * Interval of the short history, milliseconds (100 to 600,000). The history keeps 8,640
         * intervals whatever the step, so memory does not depend on it: 10 s keeps 24 h, 1 s keeps 2.4 h.
         */
        public long stepMillis = 10_000;
    }

    /** Gateway API keys: when enabled, every gateway route needs {@code Authorization: Bearer <key>}. */
    public static final class Auth {
        /** Off by default so the quick start works; turn on for anything reachable by others. */
        public boolean enabled = false;
        /** Most active keys (configured and created); bounds the per-key series too. */
        public int maxKeys = 1000;
        /**
         * Seconds between reloads of the keys from the state store (on a worker thread), so that a key
         * created or revoked on another replica of a fleet works (or stops working) here within this
         * delay, and budgets see the fleet's spend; 0 = only at start.
         */
        public int reloadSeconds = 5;
        /** Keys from the configuration; their secrets come from the environment or files, never the YAML. */
        public List<ConfiguredKey> keys = new ArrayList<>();
    }

    /** A key whose secret is read from an environment variable or a file. */
    public static final class ConfiguredKey {
        public String name;
        public String keyEnv;
        public String keyFile;
        /** Requests per minute; 0 = unlimited. */
        public double rateLimitPerMinute = 0;
        /** USD budget; absent = none. */
        public Double budgetUsd;

        /** Reads the secret; fails with the key's name when it is missing. */
        public String secret(java.util.Map<String, String> env) {
            if (keyEnv != null) {
                String v = env.get(keyEnv);
                if (v == null || v.isBlank()) {
                    throw new ConfigException("auth.keys (" + name + "): environment variable " + keyEnv + " is not set");
                }
                return v.trim();
            }
            try {
                String v = java.nio.file.Files.readString(java.nio.file.Path.of(keyFile)).trim();
                if (v.isEmpty()) {
                    throw new ConfigException("auth.keys (" + name + "): keyFile " + keyFile + " is empty");
                }
                return v;
            } catch (java.io.IOException e) {
                throw new ConfigException("auth.keys (" + name + "): cannot read keyFile " + keyFile);
            }
        }
    }

    /** Where durable state lives. */
    public static final class Store {
        /**
         * This replica's name in a shared store (its quality windows are kept under it); default
         * {@code $HOSTNAME:<port>}, or a random name when the port is 0.
         */
        public String replicaId;
        /** SQLite database file (WAL mode); its directory is created. Unused when {@link #jdbcUrl} is set. */
        public String path = "vitals-data/vitals.db";
        /**
         * A shared PostgreSQL database instead of the SQLite file, e.g. {@code jdbc:postgresql://db:5432/vitals}:
         * what several replicas of a fleet need. {@code null} (the default) = SQLite.
         */
        public String jdbcUrl;
        /** Environment variable holding the database user; optional (the driver's default otherwise). */
        public String userEnv;
        /** Environment variable holding the database password; optional. */
        public String passwordEnv;
        /** File holding the database password (first line, trimmed); the alternative to {@link #passwordEnv}. */
        public String passwordFile;
        /** Most pooled connections to PostgreSQL per replica. */
        public int maxPoolSize = 8;
        /**
         * SQLite: how long committed writes may stay unsynced (0 = sync every group commit), i.e. what a power
         * loss can take; a killed process loses nothing acknowledged either way. PostgreSQL syncs its own commits.
         */
        public int syncMillis = 1000;
        /** How often gateway call rows and spend are written, in one group commit: what a kill -9 can lose of them. */
        public int callFlushMillis = 100;
        @com.fasterxml.jackson.annotation.JsonIgnore
        public String user;
        @com.fasterxml.jackson.annotation.JsonIgnore
        public String password;
    }

    /** OTLP push of all metrics to an OpenTelemetry Collector (or any OTLP receiver); off by default. */
    public Otlp otlp = new Otlp();

    /** OTLP export settings. */
    public static final class Otlp {
        public boolean enabled = false;
        /** The receiver's base URL; {@code /v1/metrics} is appended for http/protobuf. */
        public String endpoint = "http://localhost:4318";
        /** {@code http/protobuf} or {@code grpc}. */
        public String protocol = "http/protobuf";
        /** Seconds between pushes. */
        public int intervalSeconds = 60;
        /** Seconds a push may take. */
        public int timeoutSeconds = 10;
        /** The {@code service.name} resource attribute. */
        public String serviceName = "vitals";
        /** The {@code service.instance.id} resource attribute; {@code null} = host name and port of this replica. */
        public String serviceInstanceId;
        /** More resource attributes, e.g. {@code deployment.environment.name: prod}. */
        public java.util.Map<String, String> resourceAttributes = new java.util.LinkedHashMap<>();
    }

    /** Traces: one span per gateway call (OpenTelemetry GenAI conventions) over OTLP/HTTP; off by default. */
    public Tracing tracing = new Tracing();

    /**
     * Trace settings. The standard {@code OTEL_*} variables ({@code OTEL_EXPORTER_OTLP_ENDPOINT},
     * {@code OTEL_TRACES_SAMPLER}, {@code OTEL_SERVICE_NAME}, {@code OTEL_BSP_*}, ...) win over these.
     */
    public static final class Tracing {
        public boolean enabled = false;
        /** The OTLP/HTTP receiver's base URL; {@code /v1/traces} is appended. */
        public String endpoint = "http://localhost:4318";
        /** Share of new traces sampled, 0 to 1; a caller's {@code traceparent} decides for its own trace. */
        public double sampleRatio = 1.0;
        /** The {@code service.name} resource attribute. */
        public String serviceName = "vitals";
        /** Spans waiting for export at most; more are dropped (the SDK counts them). */
        public int maxQueueSize = 2048;
        /** Milliseconds between export batches. */
        public long scheduleDelayMillis = 5000;
    }

    /** One JSON line per gateway call (no prompt or response text); on by default. */
    public RequestLog requestLog = new RequestLog();

    /** Request log settings. */
    public static final class RequestLog {
        public boolean enabled = true;
        /** {@code stdout}, or a file; {@code null} = {@code requests.log} next to the state store's file. */
        public String path;
        /** A file is rotated when it reaches this size, bytes. */
        public long maxFileBytes = 50L * 1024 * 1024;
        /** Rotated files kept (path.0 is the newest). */
        public int maxFiles = 5;
        /** Lines waiting to be written at most; more are dropped and counted in vitals_request_log_dropped_total. */
        public int queueSize = 10_000;
    }

    /** HTTP listener settings. */
    public static final class Server {
        public String host = "0.0.0.0";
        /** Main port (gateway, /generate, /metrics). */
        public int port = 5000;
        /** Separate metrics-only port; 0 = none. The source document uses 8000. */
        public int metricsPort = 0;
        /** Largest accepted request body in bytes; larger ones get 413. */
        public long maxBodyBytes = 1024 * 1024;
        /** Seconds a new connection has to complete its first request's headers before it is closed. */
        public int headerTimeoutSeconds = 10;
        /** Seconds a keep-alive connection may wait with no request in progress before it is closed. */
        public int idleTimeoutSeconds = 60;
        /** Open connections across all ports; one more is closed at once. */
        public int maxConnections = 10_000;
        /** HTTP server instances (event loops) sharing the port; 0 = one per CPU core. */
        public int instances = 0;
        /** TLS for the main and metrics ports; off unless a certificate is configured. */
        public Tls tls = new Tls();
        /** Bearer token for {@code /admin/*}; from {@code VITALS_ADMIN_TOKEN} only, never from the YAML file. */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public String adminToken;
    }

    /** TLS: a PEM certificate and key, or a PKCS#12/JKS key store. */
    public static final class Tls {
        public String certFile;
        public String keyFile;
        public String keyStoreFile;
        /** Environment variable holding the key store's password. */
        public String keyStorePasswordEnv;
        @com.fasterxml.jackson.annotation.JsonIgnore
        public String keyStorePassword;

        public boolean enabled() {
            return certFile != null || keyStoreFile != null;
        }
    }

    /** Optional authentication of {@code /metrics}: a bearer token or basic credentials, from the environment. */
    public static final class MetricsAuth {
        public String bearerTokenEnv;
        public String basicUser;
        public String basicPasswordEnv;
        @com.fasterxml.jackson.annotation.JsonIgnore
        public String bearerToken;
        @com.fasterxml.jackson.annotation.JsonIgnore
        public String basicPassword;

        public boolean enabled() {
            return bearerToken != null || basicPassword != null;
        }
    }

    /** Which metric families are exported. */
    public static final class Metrics {
        /** Authentication of {@code /metrics}; off by default. */
        public MetricsAuth auth = new MetricsAuth();
        /** The source document's {@code llm_*} names. */
        public boolean sourceFamily = true;
        /** The OpenTelemetry GenAI {@code gen_ai_*} names. */
        public boolean genAiFamily = true;
        /** Distinct model names with their own series; later ones fold into {@code __overflow__}. */
        public int maxModels = 1000;
        /**
         * Label keys clients may set with {@code x-vitals-label-<key>} headers (e.g. [team, feature]); they
         * label the {@code llm_*_by_label_total} family. Headers of other keys are ignored.
         */
        public List<String> customLabels = new ArrayList<>();
        /** Distinct label sets per metric of that family; later ones fold into {@code __overflow__}. */
        public int maxSeriesPerMetric = 2000;
        /** Labelled series across all families together (the whole scrape's bound); past it new label sets fold into {@code __overflow__}. */
        public int maxSeries = 15_000;
        /** A labelled series not used for this many minutes is dropped and its budget freed. */
        public int seriesIdleMinutes = 60;
    }

    /** Price catalog settings. */
    public static final class Pricing {
        /** A JSON file in the built-in catalog's format whose entries override the built-in ones; optional. */
        public String overrideFile;
        /** How often the override file is checked for changes, seconds; 0 = only on start and on the admin reload. */
        public long reloadIntervalSeconds = 10;
        /** USD per CPU core-hour of the server's process, for compute cost; 0 = not counted. */
        public double cpuCoreHourUsd = 0;
        /** USD per fully busy GPU-hour, for compute cost; 0 = not counted. */
        public double gpuHourUsd = 0;
        /** Monthly USD budget per model (calendar month, UTC), e.g. {gpt-4o: 500}. */
        public java.util.Map<String, Double> modelBudgetsUsd = new java.util.LinkedHashMap<>();
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
        /** Embeddings: length of the deterministic vectors (a request's {@code dimensions} may ask for fewer). */
        public int embeddingDimensions = 256;

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
        /**
         * Streams: ask the upstream for usage with {@code stream_options.include_usage} (default true). An upstream
         * that rejects the field is retried without it and remembered; false never sends it (tokens are then estimated).
         */
        public boolean streamUsage = true;
    }
}
