package dev.vitals.server;

import dev.vitals.labels.MetricFamilies;
import dev.vitals.metrics.LlmMetrics;
import dev.vitals.business.BusinessMetrics;
import dev.vitals.gpu.GpuMetrics;
import dev.vitals.series.CallSampler;
import dev.vitals.server.anomaly.Baselines;
import dev.vitals.server.cost.CostService;
import dev.vitals.server.cost.PriceBook;
import dev.vitals.server.drift.DriftService;
import dev.vitals.server.metrics.CustomLabels;
import dev.vitals.server.quality.QualityService;
import dev.vitals.system.SystemMetrics;
import dev.vitals.server.config.VitalsConfig;
import dev.vitals.server.gateway.Backend;
import dev.vitals.server.gateway.Backends;
import dev.vitals.server.gateway.Gateway;
import dev.vitals.server.gateway.SimulatedBackend;
import dev.vitals.server.auth.ApiKeys;
import dev.vitals.server.http.AdminHandler;
import dev.vitals.server.http.AuthHandler;
import dev.vitals.server.store.GroupCommitter;
import dev.vitals.server.store.JdbcStateStore;
import dev.vitals.server.store.StateStore;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.vertx.core.net.JksOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PfxOptions;
import java.nio.file.Path;
import dev.vitals.server.metrics.HttpMetrics;
import dev.vitals.server.http.Routes;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The Vitals server: the gateway, {@code /generate}, {@code /metrics}, health and admin routes on one
 * port (default 5000), and optionally {@code /metrics} alone on a second port. Each instance has its
 * own {@link PrometheusRegistry}, so several servers can share a JVM (tests do).
 *
 * <pre>{@code
 * VitalsServer server = VitalsServer.start(vertx, ConfigLoader.load(new ConfigLoader.Overrides()), System.getenv())
 *     .await();
 * }</pre>
 */
public final class VitalsServer {
    private static final Logger LOG = Logger.getLogger(VitalsServer.class.getName());

    private final Vertx vertx;
    private final VitalsConfig config;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final List<HttpServer> servers = new ArrayList<>();
    private final List<String> deployments = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Gateway gateway;
    private final PriceBook prices;
    private final StateStore store;
    private final GroupCommitter writer;
    private final ApiKeys apiKeys;
    private long flushTimer = -1;
    private long tickTimer = -1;
    private final CallSampler sampler;
    private final dev.vitals.server.slo.SloTracker slo;
    private final SystemMetrics systemMetrics;
    private final GpuMetrics gpuMetrics;
    private final BusinessMetrics business;
    private final Baselines baselines;
    private final QualityService quality;
    private final dev.vitals.server.quality.EvaluationService evaluations;
    private final dev.vitals.server.quality.GroundTruthService groundTruth;
    private final DriftService drift;
    private final String replicaId;
    private final CostService cost;
    private final MetricFamilies families;
    private final dev.vitals.server.http.ConnectionGuard connectionGuard;
    private volatile List<Routes.RouteInfo> routeTable = List.of();
    private final List<Long> timers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private long saveTimer = -1;
    private final long startMillis = System.currentTimeMillis();
    private long reloadTimer = -1;
    private int port;
    private volatile io.prometheus.metrics.exporter.opentelemetry.OpenTelemetryExporter otlp;
    private int metricsPort;
    private final dev.vitals.server.telemetry.CallTelemetry telemetry;

    private VitalsServer(Vertx vertx, VitalsConfig config, Map<String, String> env) {
        this.vertx = vertx;
        this.config = config;
        Backends.checkTypes(config.backends); // before anything is opened
        this.prices = new PriceBook(config.pricing.overrideFile);
        this.replicaId = replicaId(config);
        this.store = openStore(config.store);
        this.writer = new GroupCommitter(store, config.store.syncMillis, registry);
        try {
            this.apiKeys = new ApiKeys(store, config.auth, env);
        } catch (RuntimeException e) {
            writer.close();
            store.close();
            throw e;
        }
        // before anything registers a family: the one way to make a labelled series, with the global budget
        this.families = MetricFamilies.configure(registry, MetricFamilies.options()
                .maxSeries(config.metrics.maxSeries)
                .idle(java.time.Duration.ofMinutes(config.metrics.seriesIdleMinutes)));
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_api_key_spent_usd")
                .help("USD spent through each gateway API key (bounded by auth.maxKeys).")
                .labelNames("key"), cb -> apiKeys.list().forEach(k -> cb.call(k.spentUsd(), k.name())));
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_api_key_budget_remaining_usd")
                .help("USD left in the budget of each gateway API key that has one.")
                .labelNames("key"), cb -> apiKeys.list().forEach(k -> {
                    if (!Double.isNaN(k.remainingUsd())) {
                        cb.call(k.remainingUsd(), k.name());
                    }
                }));
        GaugeWithCallback.builder().name("vitals_state_store_bytes")
                .help("Size of the state store on disk (database and write-ahead log).")
                .callback(cb -> cb.call(store.sizeBytes()))
                .register(registry);
        // process_cpu_seconds_total, jvm_memory_used_bytes, GC, threads: the dashboard's system row
        JvmMetrics.builder().register(registry);
        LlmMetrics metrics = LlmMetrics.builder()
                .sourceFamily(config.metrics.sourceFamily)
                .genAiFamily(config.metrics.genAiFamily)
                .maxModels(config.metrics.maxModels)
                .register(registry);
        List<Backend> backends = new ArrayList<>();
        for (int i = 0; i < config.backends.size(); i++) {
            backends.add(Backends.create(vertx, i, config.backends.get(i), env));
        }
        this.systemMetrics = config.system.enabled ? SystemMetrics.builder()
                .interval(java.time.Duration.ofSeconds(config.system.intervalSeconds)).jvmMetrics(false).register(registry) : null;
        this.gpuMetrics = config.gpu.enabled ? GpuMetrics.builder().executable(config.gpu.executable)
                .interval(java.time.Duration.ofSeconds(config.gpu.intervalSeconds)).register(registry) : null;
        BusinessMetrics.Builder bb = BusinessMetrics.builder().eventKinds(config.business.eventKinds.toArray(new String[0]));
        if (config.business.salt != null) {
            bb.salt(config.business.salt.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        this.business = bb.register(registry);
        this.sampler = CallSampler.builder().stepMillis(config.dashboard.stepMillis).build();
        this.quality = new QualityService(config.quality, store, writer, registry, families.policy(),
                config.store.jdbcUrl == null ? null : replicaId);
        this.cost = new CostService(config.pricing, store, registry, systemMetrics, gpuMetrics, System::currentTimeMillis);
        String spendReplica = config.store.jdbcUrl == null ? "local" : replicaId;
        cost.durable(writer, spendReplica);
        apiKeys.durable(writer, spendReplica);
        this.slo = new dev.vitals.server.slo.SloTracker(config.slo.availability, config.slo.latency,
                config.slo.latencyThresholdSeconds, config.slo.windowDays, 50, System::currentTimeMillis);
        this.gateway = new Gateway(backends, List.of(metrics, sampler, quality, cost, slo), prices);
        this.drift = new DriftService(config.drift, store, registry, System::currentTimeMillis,
                config.store.jdbcUrl == null ? null : replicaId);
        drift.restore(store.blobNames(DriftService.BLOB_PREFIX).stream()
                .map(n -> n.substring(DriftService.BLOB_PREFIX.length())).toList());
        this.baselines = new Baselines(sampler, store, registry, config.anomalies);
        this.connectionGuard = new dev.vitals.server.http.ConnectionGuard(vertx, config.server.headerTimeoutSeconds,
                config.server.idleTimeoutSeconds, config.server.maxConnections, registry);
        dev.vitals.server.telemetry.RequestLog requestLog;
        try {
            requestLog = dev.vitals.server.telemetry.RequestLog.open(config.requestLog, config.store.path, registry);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        this.telemetry = new dev.vitals.server.telemetry.CallTelemetry(
                dev.vitals.server.telemetry.Tracing.create(config.tracing, env), requestLog);
        this.evaluations = evaluations(vertx, config, gateway, quality, registry);
        this.groundTruth = new dev.vitals.server.quality.GroundTruthService(store, quality, drift,
                config.store.jdbcUrl == null ? null : replicaId, config.quality.pendingGraceSeconds * 1000L,
                config.quality.binaryModels.keySet(), registry,
                System::currentTimeMillis);
    }

    /** What the dashboard reads beyond the short history. */
    private dev.vitals.server.http.DashboardHandler.Data dashboardData() {
        return new dev.vitals.server.http.DashboardHandler.Data() {
            @Override
            public double[][] band(String model, String signal, long[] timestamps, long bucketMillis) {
                return baselines.bands().query(model, timestamps, bucketMillis);
            }

            @Override
            public java.util.Collection<String> models() {
                java.util.Set<String> all = new java.util.TreeSet<>(quality.models());
                all.addAll(drift.models());
                return all;
            }

            @Override
            public JsonObject slo(String model) {
                return slo.report(model);
            }

            @Override
            public JsonObject baselines(String model) {
                return baselines.current(model);
            }

            @Override
            public JsonArray spendByKey() {
                JsonArray a = new JsonArray();
                for (var k : apiKeys.list()) {
                    a.add(new JsonObject().put("name", k.name()).put("spent_usd", k.spentUsd())
                            .put("budget_usd", Double.isNaN(k.budgetUsd()) ? null : k.budgetUsd())
                            .put("remaining_usd", Double.isNaN(k.remainingUsd()) ? null : k.remainingUsd()));
                }
                return a;
            }
        };
    }

    /** The code evaluators and, when on, the LLM judge (see {@link dev.vitals.server.config.EvaluatorsConfig}). */
    private static dev.vitals.server.quality.EvaluationService evaluations(Vertx vertx, VitalsConfig config, Gateway gateway,
                                                                          QualityService quality, PrometheusRegistry registry) {
        var ev = config.evaluators;
        dev.vitals.server.quality.JudgeService judge = null;
        if (dev.vitals.server.config.EvaluatorsConfig.judgeOn(config)) {
            String model = ev.judge.model == null ? config.defaultModel : ev.judge.model;
            List<Backend> route = gateway.route(model);
            if (ev.judge.model == null && config.backends.stream().allMatch(b -> "simulated".equals(b.type))) {
                // the out-of-the-box judge: its own simulated model, so its calls never mix with the product's
                model = dev.vitals.server.quality.JudgeService.SIMULATED_MODEL;
                VitalsConfig.Backend sim = config.backends.get(0);
                VitalsConfig.Backend j = new VitalsConfig.Backend();
                j.name = "simulated-judge";
                j.models = List.of(model);
                j.latencyMin = sim.latencyMin;
                j.latencyMax = sim.latencyMax;
                j.seed = sim.seed;
                j.errorKeyword = null; // the rubric prompt quotes the call, which may contain the keyword
                j.outputTokensMin = 20;
                j.outputTokensMax = 40;
                route = List.of(new SimulatedBackend(vertx, j));
            }
            try {
                judge = new dev.vitals.server.quality.JudgeService(vertx, gateway, route, ev.judge, model,
                        dev.vitals.quality.eval.Rubric.load(ev.judge.rubricsDir == null ? null : Path.of(ev.judge.rubricsDir),
                                ev.judge.rubrics), quality, registry, System::currentTimeMillis);
            } catch (IllegalArgumentException e) {
                throw new dev.vitals.server.config.ConfigException(e.getMessage());
            }
            if (judge.simulated()) {
                LOG.info("LLM judge: model " + model + " is simulated, so its scores (source llm_judge) are simulated too");
            }
        }
        return new dev.vitals.server.quality.EvaluationService(ev, quality, judge, registry);
    }

    /** This replica's name in a shared store: store.replicaId, else $HOSTNAME:port, else (port 0) a random one. */
    static String replicaId(VitalsConfig c) {
        if (c.store.replicaId != null && !c.store.replicaId.isBlank()) {
            return c.store.replicaId;
        }
        String host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        return c.server.port == 0 ? host + "-" + dev.vitals.server.gateway.Ids.random().substring(0, 8) : host + ":" + c.server.port;
    }

    /** The configured state store: the shared PostgreSQL database when {@code store.jdbcUrl} is set, else the SQLite file. */
    static StateStore openStore(VitalsConfig.Store cfg) {
        if (cfg.jdbcUrl != null) {
            StateStore s = JdbcStateStore.postgres(cfg.jdbcUrl, cfg.user, cfg.password, cfg.maxPoolSize);
            LOG.info("state store: PostgreSQL " + cfg.jdbcUrl + " (schema version " + s.schemaVersion() + ")");
            return s;
        }
        return JdbcStateStore.sqlite(Path.of(cfg.path));
    }

    /** Builds and starts a server; fails on configuration errors or when a port cannot be bound. */
    public static Future<VitalsServer> start(Vertx vertx, VitalsConfig config, Map<String, String> env) {
        VitalsServer s;
        try {
            s = new VitalsServer(vertx, config, env);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        return s.listen().map(v -> s).onFailure(e -> s.close());
    }

    private Future<Void> listen() {
        CustomLabels customLabels = new CustomLabels(config.metrics.customLabels, config.metrics.maxSeriesPerMetric, registry);
        observeCalls(customLabels);
        AuthHandler auth = new AuthHandler(apiKeys, config, registry);
        Routes.Deps deps = new Routes.Deps(gateway, registry, new HttpMetrics(registry, Routes.PATHS),
                config.defaultModel, config.server.maxBodyBytes, this::health,
                new AdminHandler(config.server.adminToken, () -> {
                    var c = prices.reload();
                    return new JsonObject().put("version", c.version()).put("models", c.size());
                }, auth), auth, sampler, () -> {
                    JsonObject a = baselines.json();
                    JsonArray all = new JsonArray().addAll(a.getJsonArray("open")).addAll(a.getJsonArray("recent"));
                    return new JsonObject().put("anomalies_open", a.getJsonArray("open").size()).put("anomalies", all);
                }, business, baselines::json, quality, drift, customLabels, dashboardData(),
                telemetry, evaluations, groundTruth);
        if (!config.auth.enabled) {
            LOG.warning("gateway API keys are off (auth.enabled: false): anyone who reaches this port can use the backends");
        }
        // close intervals promptly: every second, or every step when the step is shorter
        tickTimer = vertx.setPeriodic(Math.min(1_000, config.dashboard.stepMillis), id -> {
            if (sampler.tick() > 0) {
                baselines.judgeLastInterval();
            }
        });
        saveTimer = vertx.setPeriodic(60_000, id -> vertx.executeBlocking(() -> {
            baselines.judgeScores(drift.scores());
            baselines.judgeScores(quality.headline());
            baselines.save();
            quality.save();
            quality.sampleHistory(System.currentTimeMillis());
            drift.save();
            cost.save();
            return null;
        }, false));
        // idle series leave /metrics and free the global budget (metrics.seriesIdleMinutes)
        timers.add(vertx.setPeriodic(60_000, id -> vertx.executeBlocking(families::expireIdle, false)));
        timers.add(vertx.setPeriodic(config.drift.evaluateSeconds * 1000L, id -> vertx.executeBlocking(() -> {
            drift.evaluate();
            return null;
        }, false)));
        // call rows and spend: batched off the gateway's hot path, what a kill -9 can lose of them (store.callFlushMillis)
        timers.add(vertx.setPeriodic(config.store.callFlushMillis, id -> vertx.executeBlocking(() -> {
            quality.flushCalls();
            apiKeys.flushSpend();
            cost.flushSpend();
            return null;
        }, false)));
        timers.add(vertx.setPeriodic(500, id -> vertx.executeBlocking(() -> {
            quality.joinPending();
            groundTruth.sweep();
            return null;
        }, false)));
        timers.add(vertx.setPeriodic(3_600_000, id -> vertx.executeBlocking(
                () -> quality.applyRetention(config.quality.retentionDays), false)));
        if (systemMetrics != null) {
            systemMetrics.start(); // its own daemon thread: OSHI blocks
        }
        if (gpuMetrics != null) {
            gpuMetrics.start();
        }
        if (config.store.jdbcUrl != null) {
            apiKeys.fleet(replicaId); // rate limits hold for the fleet (see ApiKeys#fleet)
        }
        if (config.auth.reloadSeconds > 0) {
            // keys created or revoked by other replicas of a fleet, and their spend (see ApiKeys#reload)
            timers.add(vertx.setPeriodic(config.auth.reloadSeconds * 1000L, id -> vertx.executeBlocking(() -> {
                apiKeys.reload();
                return null;
            }, false)));
        }
        int instances = config.server.instances > 0 ? config.server.instances : Runtime.getRuntime().availableProcessors();
        HttpServerOptions opts = new HttpServerOptions().setHost(config.server.host)
                .setCompressionSupported(false).setTcpNoDelay(true)
                // no h2c: with it Vert.x holds a new connection back until its first bytes tell HTTP/1 from
                // HTTP/2, so the connection guard would not see (nor time out) a client that sends nothing
                .setHttp2ClearTextEnabled(false);
        VitalsConfig.Tls tls = config.server.tls;
        if (tls.enabled()) {
            opts.setSsl(true);
            if (tls.certFile != null) {
                opts.setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certFile).setKeyPath(tls.keyFile));
            } else if (tls.keyStoreFile.endsWith(".jks")) {
                opts.setKeyCertOptions(new JksOptions().setPath(tls.keyStoreFile).setPassword(tls.keyStorePassword));
            } else {
                opts.setKeyCertOptions(new PfxOptions().setPath(tls.keyStoreFile).setPassword(tls.keyStorePassword));
            }
        }
        // one HTTP server per event loop, all on one port: Vert.x balances connections over the
        // instances of a deployment. Port 0 would give each instance a different free port, and all
        // traffic would reach the one reported; a negative port is Vert.x's "one free port, shared by
        // every server listening on the same negative value".
        int listenPort = config.server.port == 0 ? -1 : config.server.port;
        java.util.concurrent.atomic.AtomicInteger bound = new java.util.concurrent.atomic.AtomicInteger();
        Future<Void> f = vertx.deployVerticle(() -> new io.vertx.core.VerticleBase() {
            @Override
            public Future<?> start() {
                io.vertx.ext.web.Router main = Routes.main(vertx, deps);
                routeTable = Routes.describe(main);
                return server(opts, listenPort, main, "server.port").onSuccess(bound::set);
            }
        }, new io.vertx.core.DeploymentOptions().setInstances(instances)).map(id -> {
            deployments.add(id);
            port = bound.get();
            return null;
        });
        if (config.server.metricsPort != 0) {
            f = f.compose(v -> server(opts, config.server.metricsPort, Routes.metricsOnly(vertx, deps), "server.metricsPort").map(p -> {
                metricsPort = p;
                return null;
            }));
        }
        if (config.pricing.overrideFile != null && config.pricing.reloadIntervalSeconds > 0) {
            reloadTimer = vertx.setPeriodic(config.pricing.reloadIntervalSeconds * 1000,
                    id -> vertx.executeBlocking(() -> {
                        prices.reloadIfChanged();
                        return null;
                    }, false));
        }
        if (config.otlp.enabled) {
            f = f.map(v -> {
                startOtlp();
                return null;
            });
        }
        return f.onSuccess(v -> LOG.info("Vitals listening on " + config.server.host + ":" + port
                + (metricsPort != 0 ? ", metrics on :" + metricsPort : "") + ", " + instances + " event loop(s), models "
                + gateway.models().stream().map(m -> m[0]).toList()));
    }

    /** Pushes the whole registry to an OTLP receiver every otlp.intervalSeconds (the exporter's own thread). */
    private void startOtlp() {
        VitalsConfig.Otlp o = config.otlp;
        String instance = o.serviceInstanceId != null ? o.serviceInstanceId
                : System.getenv().getOrDefault("HOSTNAME", "localhost") + ":" + port;
        var b = io.prometheus.metrics.exporter.opentelemetry.OpenTelemetryExporter.builder()
                .registry(registry)
                .protocol(o.protocol)
                .endpoint(o.endpoint)
                .intervalSeconds(o.intervalSeconds)
                .timeoutSeconds(o.timeoutSeconds)
                .serviceName(o.serviceName)
                .serviceInstanceId(instance);
        o.resourceAttributes.forEach(b::resourceAttribute);
        otlp = b.buildAndStart();
        LOG.info("OTLP export to " + o.endpoint + " (" + o.protocol + ") every " + o.intervalSeconds + " s as "
                + o.serviceName + "/" + instance);
    }

    private Future<Integer> server(HttpServerOptions opts, int port, Router router, String key) {
        HttpServer s = vertx.createHttpServer(opts);
        connectionGuard.install(s, router, timers::add);
        return s.listen(port).recover(t -> Future.failedFuture(new IllegalStateException(
                (t instanceof java.net.BindException || String.valueOf(t.getMessage()).contains("in use")
                        ? "port " + Math.max(0, port) + " on " + config.server.host + " is already in use"
                        : "cannot listen on " + config.server.host + ":" + Math.max(0, port) + ": " + t.getMessage())
                        + " (" + key + ", env " + dev.vitals.server.config.ConfigKeys.envName(key)
                        + "); pick another port or stop the process that holds it", t))).map(bound -> {
            synchronized (servers) {
                servers.add(bound);
            }
            return bound.actualPort();
        });
    }

    private JsonObject health() {
        JsonArray models = new JsonArray();
        gateway.models().forEach(m -> models.add(m[0]));
        return new JsonObject().put("status", "ok").put("models", models)
                .put("uptime_seconds", (System.currentTimeMillis() - startMillis) / 1000.0)
                .put("prices_version", prices.get().version());
    }

    public int port() {
        return port;
    }

    /** Spans and the request log. */
    public dev.vitals.server.telemetry.CallTelemetry telemetry() {
        return telemetry;
    }

    /** The configuration this server runs with (read-only). */
    public VitalsConfig config() {
        return config;
    }

    /** What start-up prints: the addresses served and where state lives. */
    public List<String> startupSummary() {
        String host = config.server.host;
        String shown = "0.0.0.0".equals(host) || "::".equals(host) ? "localhost" : host.contains(":") ? "[" + host + "]" : host;
        String base = (config.server.tls.enabled() ? "https" : "http") + "://" + shown + ":" + port;
        List<String> out = new ArrayList<>();
        out.add("Vitals is running" + ("0.0.0.0".equals(host) || "::".equals(host) ? " on all interfaces" : "") + ":");
        out.add("  API        " + base + "/v1  (OpenAI-compatible: chat/completions, completions, embeddings, responses; "
                + "and " + base + "/generate)");
        out.add("  dashboard  " + base + "/ui/");
        out.add("  metrics    " + base + "/metrics" + (metricsPort != 0
                ? ", " + base.substring(0, base.lastIndexOf(':')) + ":" + metricsPort + "/metrics" : ""));
        out.add("  store      " + (config.store.jdbcUrl != null ? "PostgreSQL " + config.store.jdbcUrl
                : "SQLite " + Path.of(config.store.path).toAbsolutePath()));
        out.add("  models     " + String.join(", ", gateway.models().stream().map(m -> m[0]).toList()));
        var log = telemetry.requestLog();
        out.add("  requests   " + (log == null ? "not logged (requestLog.enabled: false)" : "logged to " + log.where()));
        out.add("  traces     " + (telemetry.tracing().enabled() ? "OTLP/HTTP to " + telemetry.tracing().endpoint()
                : "off (tracing.enabled: false)"));
        return out;
    }

    /** The distinct ports this server's HTTP servers listen on (one per event loop share one). */
    java.util.Set<Integer> listeningPorts() {
        synchronized (servers) {
            java.util.Set<Integer> out = new java.util.TreeSet<>();
            servers.forEach(s -> out.add(s.actualPort()));
            return out;
        }
    }

    /** The separate metrics port, or 0. */
    public int metricsPort() {
        return metricsPort;
    }

    /** The main router's routes (path template and methods), as the access test walks them. */
    public List<Routes.RouteInfo> routes() {
        return routeTable;
    }

    /** The metric families of this server's registry. */
    public MetricFamilies families() {
        return families;
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** The short-history sampler behind the dashboard and baselines. */
    public CallSampler sampler() {
        return sampler;
    }

    /** The observers of every call made through the HTTP API, registered once; each guarded and its failures counted. */
    private void observeCalls(CustomLabels customLabels) {
        gateway.countFailures(registry);
        gateway.listen("api_key_spend", f -> {
            if (f.caller().apiKey() != null) {
                apiKeys.spend(f.caller().apiKey(), f.call().costUsd());
            }
        });
        gateway.listen("custom_labels", f -> {
            if (f.caller().customLabels() != null) {
                customLabels.record(f.call(), f.caller().customLabels());
            }
        });
        gateway.listen("drift", f -> drift.observe(f.call(), f.promptText(), f.messageCount(), f.finishReason()));
        // recorded when the call ends, but time to value counts from its start (the README says so)
        gateway.listen("business", f -> business.recordRequest(dev.vitals.business.BusinessRequest.builder(f.call().requestId())
                .user(f.caller().user()).session(f.caller().session()).model(f.model()).variant(f.caller().variant())
                .startedAt(f.startNanos()).build()));
    }

    /** The gateway: its finished-call listeners, for tests that observe calls. */
    Gateway gateway() {
        return gateway;
    }

    /** Baselines and anomalies. */
    Baselines baselines() {
        return baselines;
    }

    /** Data drift profiles and results. */
    public DriftService drift() {
        return drift;
    }

    /** The gateway API keys. */
    public ApiKeys apiKeys() {
        return apiKeys;
    }

    /**
     * Model quality: feedback, evaluations and reports. Exposed so that embedders and tests can act
     * on it directly, e.g. take a dashboard history point with {@link QualityService#sampleHistory}
     * now instead of waiting for the server's once-a-minute timer.
     */
    public QualityService quality() {
        return quality;
    }

    public Future<Void> close() {
        if (reloadTimer >= 0) {
            vertx.cancelTimer(reloadTimer);
        }
        if (flushTimer >= 0) {
            vertx.cancelTimer(flushTimer);
        }
        if (tickTimer >= 0) {
            vertx.cancelTimer(tickTimer);
        }
        if (saveTimer >= 0) {
            vertx.cancelTimer(saveTimer);
        }
        timers.forEach(vertx::cancelTimer);
        List<Future<Void>> fs = new ArrayList<>();
        deployments.forEach(id -> fs.add(vertx.undeploy(id)));
        synchronized (servers) {
            servers.forEach(s -> fs.add(s.close()));
        }
        fs.add(gateway.close());
        evaluations.close();
        if (systemMetrics != null) {
            systemMetrics.close();
        }
        if (otlp != null) {
            otlp.close(); // a last push
        }
        if (gpuMetrics != null) {
            gpuMetrics.close();
        }
        return Future.join(fs).transform(ar -> vertx.executeBlocking(() -> {
            try {
                telemetry.close(); // last spans exported, last log lines written
                apiKeys.flushSpend();
                cost.flushSpend();
                baselines.save();
                quality.flushCalls();
                quality.save();
                drift.save();
                cost.save();
            } finally {
                writer.close();
                store.close();
            }
            return null;
        }, false)).mapEmpty();
    }
}
