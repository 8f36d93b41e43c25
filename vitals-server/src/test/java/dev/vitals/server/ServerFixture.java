package dev.vitals.server;

import dev.vitals.server.config.ConfigLoader;
import dev.vitals.server.config.VitalsConfig;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/** A real Vitals server on a free loopback port, with a real JDK HTTP client. */
final class ServerFixture implements AutoCloseable {
    final Vertx vertx = Vertx.vertx();
    final VitalsServer server;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private ServerFixture(VitalsConfig cfg, Map<String, String> env) throws Exception {
        server = VitalsServer.start(vertx, cfg, env).await();
    }

    /** Starts a server on port 0; {@code tweak} edits the defaults (one simulated backend). */
    static ServerFixture start(Consumer<VitalsConfig> tweak) throws Exception {
        return start(tweak, Map.of());
    }

    static ServerFixture start(Consumer<VitalsConfig> tweak, Map<String, String> env) throws Exception {
        VitalsConfig cfg = ConfigLoader.load(new ConfigLoader.Overrides(), env);
        cfg.server.host = "127.0.0.1";
        cfg.server.port = 0;
        cfg.store.path = java.nio.file.Files.createTempDirectory("vitals-test").resolve("vitals.db").toString();
        // the default simulated judge makes calls of its own; tests of the judge turn it back on
        cfg.evaluators.judge.enabled = false;
        tweak.accept(cfg);
        ConfigLoader.readSecrets(cfg, env);
        ConfigLoader.validate(cfg);
        return new ServerFixture(cfg, env);
    }

    /** The simulated backend of the default configuration. */
    static VitalsConfig.Backend sim(VitalsConfig cfg) {
        return cfg.backends.get(0);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The server's /metrics in the Prometheus text format, parsed. */
    PromText metrics() throws Exception {
        return PromText.parse(get("/metrics").body());
    }

    @Override
    public void close() throws Exception {
        server.close().await();
        vertx.close().await();
    }
}
