package dev.vitals.server.cli;

import dev.vitals.server.VitalsServer;
import dev.vitals.server.config.ConfigException;
import dev.vitals.server.config.ConfigLoader;
import dev.vitals.server.config.VitalsConfig;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vitals serve}: runs the server until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the Vitals server (gateway, /generate, /metrics) on the embedded simulated model by default.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", description = "YAML configuration file (env VITALS_CONFIG).")
    String config;
    @Option(names = "--host", description = "Address to bind (env VITALS_HOST; default 0.0.0.0).")
    String host;
    @Option(names = "--port", description = "Main port (env VITALS_PORT; default 5000; 0 picks a free one).")
    Integer port;
    @Option(names = "--metrics-port", description = "Separate /metrics port, 0 = none (env VITALS_METRICS_PORT; the source uses 8000).")
    Integer metricsPort;
    @Option(names = "--max-body-bytes", description = "Largest request body (env VITALS_MAX_BODY_BYTES; default 1048576).")
    Long maxBodyBytes;
    @Option(names = "--model-name", description = "Default model name (env VITALS_MODEL_NAME; default mock-llm-v1).")
    String modelName;
    @Option(names = "--seed", description = "Seed of the simulated model (env VITALS_SEED).")
    Long seed;
    @Option(names = "--latency-min", description = "Simulated latency lower bound, seconds (env VITALS_LATENCY_MIN; default 0.1).")
    Double latencyMin;
    @Option(names = "--latency-max", description = "Simulated latency upper bound, seconds (env VITALS_LATENCY_MAX; default 1.5).")
    Double latencyMax;
    @Option(names = "--error-keyword", description = "A prompt containing it fails, any case (env VITALS_ERROR_KEYWORD; default error).")
    String errorKeyword;
    @Option(names = "--ttft", description = "Simulated streams: time to first token, seconds (env VITALS_TTFT; default 0.1).")
    Double ttft;
    @Option(names = "--inter-token-delay", description = "Simulated streams: delay between tokens, seconds (env VITALS_INTER_TOKEN_DELAY; default 0.01).")
    Double interTokenDelay;
    @Option(names = "--prices", description = "Price override file (env VITALS_PRICES_FILE).")
    String prices;

    @Override
    public Integer call() throws Exception {
        ConfigLoader.Overrides o = new ConfigLoader.Overrides();
        o.config = config;
        o.host = host;
        o.port = port;
        o.metricsPort = metricsPort;
        o.maxBodyBytes = maxBodyBytes;
        o.modelName = modelName;
        o.seed = seed;
        o.latencyMin = latencyMin;
        o.latencyMax = latencyMax;
        o.errorKeyword = errorKeyword;
        o.timeToFirstToken = ttft;
        o.interTokenDelay = interTokenDelay;
        o.pricesFile = prices;
        VitalsConfig cfg;
        try {
            cfg = ConfigLoader.load(o);
        } catch (ConfigException e) {
            System.err.println("vitals: configuration error: " + e.getMessage());
            return 2;
        }
        Vertx vertx = Vertx.vertx();
        VitalsServer server;
        try {
            server = VitalsServer.start(vertx, cfg, System.getenv()).await();
        } catch (Exception e) {
            System.err.println("vitals: cannot start: " + e.getMessage());
            vertx.close();
            return 1;
        }
        server.startupSummary().forEach(System.out::println);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close().await();
                vertx.close().await();
            } catch (Exception ignored) {
                // shutting down anyway
            }
        }, "vitals-shutdown"));
        Thread.currentThread().join();
        return 0;
    }
}
