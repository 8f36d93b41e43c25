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
import dev.vitals.server.auth.ApiKeys;
import dev.vitals.server.http.AdminHandler;
import dev.vitals.server.http.AuthHandler;
import dev.vitals.server.http.FeatureRoutes;
import dev.vitals.server.component.CallObservers;
import dev.vitals.server.component.Component;
import dev.vitals.server.component.DashboardSources;
import dev.vitals.server.component.Feature;
import dev.vitals.server.component.Schedule;
import dev.vitals.server.store.GroupCommitter;
import dev.vitals.server.store.JdbcStateStore;
import dev.vitals.server.store.StateStore;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
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
    private final CallSampler sampler;
    private final dev.vitals.server.slo.SloTracker slo;
    private final SystemMetrics systemMetrics;
    private final GpuMetrics gpuMetrics;
    private final BusinessMetrics business;
    private final dev.vitals.server.business.BusinessEvents businessEvents;
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
    private final long startMillis = System.currentTimeMillis();
    private int port;
    private volatile io.prometheus.metrics.exporter.opentelemetry.OpenTelemetryExporter otlp;
    private int metricsPort;
    private final dev.vitals.server.telemetry.CallTelemetry telemetry;
    private final AuthHandler auth;
    private final AdminHandler admin;
    private final CustomLabels customLabels;
    private final List<Component> components;

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
        dev.vitals.server.auth.KeyMetrics.bind(families, apiKeys);
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
        // the event and conversion counters continue from the checkpoint and the journal since (issue #16)
        this.businessEvents = new dev.vitals.server.business.BusinessEvents(business, store, writer,
                config.store.jdbcUrl == null ? "local" : replicaId, config.quality.pendingGraceSeconds * 1000L,
                config.quality.maxPending, registry, System::currentTimeMillis);
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
        this.evaluations = dev.vitals.server.quality.Evaluators.create(vertx, config, gateway, quality, registry);
        this.groundTruth = new dev.vitals.server.quality.GroundTruthService(store, quality, drift,
                config.store.jdbcUrl == null ? null : replicaId, config.quality.pendingGraceSeconds * 1000L,
                config.quality.binaryModels.keySet(), config.quality.labelCoverageHours * 3_600_000L, registry,
                System::currentTimeMillis);
        this.auth = new AuthHandler(apiKeys, config, registry);
        this.customLabels = new CustomLabels(config.metrics.customLabels, config.metrics.maxSeriesPerMetric, registry);
        this.admin = new AdminHandler(config.server.adminToken, () -> {
            var c = prices.reload();
            return new JsonObject().put("version", c.version()).put("models", c.size());
        }, auth);
        this.components = components();
        components.forEach(Component::restore);
    }

    /** The features, in the order their state is saved. */
    private List<Component> components() {
        String local = config.store.jdbcUrl == null ? "local" : replicaId;
        List<Component> out = new ArrayList<>();
        out.add(Feature.named("gateway").routes(FeatureRoutes.gateway(gateway, config.defaultModel, customLabels,
                telemetry, evaluations)));
        out.add(Feature.named("anomalies").routes(FeatureRoutes.anomalies(baselines::json)).restore(baselines::restore).save(baselines::save)
                // close intervals promptly: every second, or every step when the step is shorter
                .schedule(Schedule.onLoop("intervals", Math.min(1_000, config.dashboard.stepMillis), () -> {
                    if (sampler.tick() > 0) {
                        baselines.judgeLastInterval();
                    }
                }))
                .schedule(Schedule.blocking("judge_scores", 60_000, () -> {
                    baselines.judgeScores(drift.scores());
                    baselines.judgeScores(quality.headline());
                })));
        out.add(Feature.named("quality").routes(FeatureRoutes.quality(quality, groundTruth)).restore(quality::restore).save(quality::save)
                .flush(quality::flushCalls).close(evaluations::close)
                .schedule(Schedule.blocking("history", 60_000, () -> quality.sampleHistory(System.currentTimeMillis())))
                .schedule(Schedule.blocking("join", 500, quality::joinPending))
                .schedule(Schedule.blocking("retention", 3_600_000, () -> quality.applyRetention(config.quality.retentionDays))));
        out.add(Feature.named("ground_truth").routes(FeatureRoutes.groundTruth(groundTruth))
                .schedule(Schedule.blocking("sweep", 500, groundTruth::sweep)));
        out.add(Feature.named("business").routes(FeatureRoutes.events(businessEvents)).restore(businessEvents::restore).save(businessEvents::save)
                .schedule(Schedule.blocking("join", 500, businessEvents::joinPending)));
        out.add(Feature.named("drift").routes(FeatureRoutes.drift(drift)).save(drift::save)
                .restore(() -> {
                    drift.restore(store.blobNames(DriftService.BLOB_PREFIX).stream()
                            .map(n -> n.substring(DriftService.BLOB_PREFIX.length())).toList());
                    drift.durable(writer, local); // uploaded features: journal + checkpoint
                })
                .schedule(Schedule.blocking("evaluate", config.drift.evaluateSeconds * 1000L, drift::evaluate)));
        Feature cost = Feature.named("cost").routes(FeatureRoutes.prices(admin)).restore(this.cost::restore).save(this.cost::save)
                .flush(this.cost::flushSpend);
        if (config.pricing.overrideFile != null && config.pricing.reloadIntervalSeconds > 0) {
            cost.schedule(Schedule.blocking("prices_reload", config.pricing.reloadIntervalSeconds * 1000, prices::reloadIfChanged));
        }
        out.add(cost);
        Feature keys = Feature.named("keys").routes(FeatureRoutes.keys(admin)).flush(apiKeys::flushSpend);
        if (config.auth.reloadSeconds > 0) {
            // keys created or revoked by other replicas of a fleet, and their spend (see ApiKeys#reload)
            keys.schedule(Schedule.blocking("reload", config.auth.reloadSeconds * 1000L, apiKeys::reload));
        }
        out.add(keys);
        out.add(Feature.named("dashboard").routes(FeatureRoutes.dashboard(sampler, () -> {
            JsonObject a = baselines.json();
            JsonArray all = new JsonArray().addAll(a.getJsonArray("open")).addAll(a.getJsonArray("recent"));
            return new JsonObject().put("anomalies_open", a.getJsonArray("open").size()).put("anomalies", all);
        }, new DashboardSources(baselines, quality, drift, slo, apiKeys))));
        // idle series leave /metrics and free the global budget (metrics.seriesIdleMinutes)
        out.add(Feature.named("metrics").schedule(Schedule.blocking("expire_idle", 60_000, families::expireIdle)));
        return List.copyOf(out);
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
        CallObservers.register(gateway, registry, apiKeys, customLabels, drift, business);
        Routes.Deps deps = new Routes.Deps(registry, new HttpMetrics(registry, Routes.PATHS), config.server.maxBodyBytes,
                this::health, admin, auth, components);
        if (!config.auth.enabled) {
            LOG.warning("gateway API keys are off (auth.enabled: false): anyone who reaches this port can use the backends");
        }
        for (Component c : components) {
            for (Schedule sch : c.schedules()) {
                timers.add(vertx.setPeriodic(sch.periodMillis(), id -> {
                    if (sch.blocking()) {
                        vertx.executeBlocking(() -> {
                            sch.task().run();
                            return null;
                        }, false);
                    } else {
                        sch.task().run();
                    }
                }));
            }
        }
        timers.add(vertx.setPeriodic(60_000, id -> vertx.executeBlocking(() -> {
            saveState();
            return null;
        }, false)));
        // call rows and spend: batched off the gateway's hot path, what a kill -9 can lose of them (store.callFlushMillis)
        timers.add(vertx.setPeriodic(config.store.callFlushMillis, id -> vertx.executeBlocking(() -> {
            components.forEach(Component::flush);
            return null;
        }, false)));
        if (systemMetrics != null) {
            systemMetrics.start(); // its own daemon thread: OSHI blocks
        }
        if (gpuMetrics != null) {
            gpuMetrics.start();
        }
        if (config.store.jdbcUrl != null) {
            apiKeys.fleet(replicaId); // rate limits hold for the fleet (see ApiKeys#fleet)
        }
        int instances = config.server.instances > 0 ? config.server.instances : Runtime.getRuntime().availableProcessors();
        HttpServerOptions opts = dev.vitals.server.http.ServerOptions.of(config.server);
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
        if (config.otlp.enabled) {
            f = f.map(v -> {
                otlp = dev.vitals.server.telemetry.OtlpPush.start(config.otlp, registry, port);
                return null;
            });
        }
        return f.onSuccess(v -> LOG.info("Vitals listening on " + config.server.host + ":" + port
                + (metricsPort != 0 ? ", metrics on :" + metricsPort : "") + ", " + instances + " event loop(s), models "
                + gateway.models().stream().map(m -> m[0]).toList()));
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
        return dev.vitals.server.cli.StartupSummary.lines(config, port, metricsPort,
                gateway.models().stream().map(m -> m[0]).toList(), telemetry);
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

    /** Checkpoints every feature's state in the store (blocking): every minute, and once more on shutdown. */
    private void saveState() {
        components.forEach(Component::save);
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
        timers.forEach(vertx::cancelTimer);
        List<Future<Void>> fs = new ArrayList<>();
        deployments.forEach(id -> fs.add(vertx.undeploy(id)));
        synchronized (servers) {
            servers.forEach(s -> fs.add(s.close()));
        }
        fs.add(gateway.close());
        components.forEach(Component::close);
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
                components.forEach(Component::flush);
                saveState();
            } finally {
                writer.close();
                store.close();
            }
            return null;
        }, false)).mapEmpty();
    }
}
