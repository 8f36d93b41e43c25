package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.server.config.VitalsConfig;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API keys, admin token, /metrics credentials and TLS on a real server; secrets never leak. */
class AccessControlTest {
    static final String TEAM_KEY = "sk-team-a-0123456789abcdef0123456789";
    static final String LIMITED_KEY = "sk-limited-abcdefabcdefabcdefabcdef";
    static final String BUDGET_KEY = "sk-budget-99999999999999999999999999";
    static final String ADMIN = "admin-token-0123456789abcdef";
    static final String METRICS_TOKEN = "metrics-token-abcdef0123456789";
    static final Map<String, String> ENV = Map.of("TEAM_A_KEY", TEAM_KEY, "LIMITED_KEY", LIMITED_KEY, "BUDGET_KEY", BUDGET_KEY,
            "VITALS_ADMIN_TOKEN", ADMIN, "METRICS_TOKEN", METRICS_TOKEN);

    @TempDir
    Path dir;
    private ByteArrayOutputStream logs;
    private Handler logHandler;

    @BeforeEach
    void captureLogs() {
        logs = new ByteArrayOutputStream();
        logHandler = new StreamHandler(logs, new SimpleFormatter());
        logHandler.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(logHandler);
        Logger.getLogger("dev.vitals").setLevel(Level.ALL);
    }

    @AfterEach
    void releaseLogs() {
        Logger.getLogger("").removeHandler(logHandler);
        Logger.getLogger("dev.vitals").setLevel(null);
    }

    private static VitalsConfig.ConfiguredKey key(String name, String env, double rpm, Double budget) {
        VitalsConfig.ConfiguredKey k = new VitalsConfig.ConfiguredKey();
        k.name = name;
        k.keyEnv = env;
        k.rateLimitPerMinute = rpm;
        k.budgetUsd = budget;
        return k;
    }

    private ServerFixture start() throws Exception {
        return ServerFixture.start(cfg -> {
            cfg.store.path = dir.resolve("vitals.db").toString();
            cfg.auth.enabled = true;
            cfg.auth.keys = List.of(key("team-a", "TEAM_A_KEY", 0, null), key("limited", "LIMITED_KEY", 6, null),
                    key("budget", "BUDGET_KEY", 0, 0.000001));
            cfg.metrics.auth.bearerTokenEnv = "METRICS_TOKEN";
            ServerFixture.sim(cfg).latencyMin = 0;
            ServerFixture.sim(cfg).latencyMax = 0.005;
        }, ENV);
    }

    private static HttpResponse<String> call(ServerFixture f, String method, String path, String body, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(f.uri(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            b.header("authorization", auth);
        }
        return f.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static final String CHAT = "{\"model\":\"mock-llm-v1\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

    @Test
    void everyProtectedRouteRefusesMissingAndWrongKeys() throws Exception {
        try (ServerFixture f = start()) {
            String[][] routes = {{"POST", "/generate", "{}"}, {"POST", "/v1/chat/completions", CHAT}, {"GET", "/v1/models", null}};
            // every other gateway route refuses the same way (a valid key then reaches the handler's own validation)
            for (String[] r : new String[][] {{"POST", "/v1/events", "{}"}, {"POST", "/v1/feedback", "{}"},
                    {"POST", "/v1/evaluations", "{}"}, {"POST", "/v1/features", "{}"}}) {
                assertThat(call(f, r[0], r[1], r[2], null).statusCode()).as(r[1]).isEqualTo(401);
                assertThat(call(f, r[0], r[1], r[2], "Bearer sk-wrong").statusCode()).as(r[1]).isEqualTo(401);
                assertThat(call(f, r[0], r[1], r[2], "Bearer " + TEAM_KEY).statusCode()).as(r[1]).isNotIn(401, 403);
            }
            // the operational views share /metrics' credentials
            for (String path : new String[] {"/v1/dashboard/overview", "/v1/dashboard/series", "/v1/anomalies",
                    "/v1/quality?model=x", "/v1/drift?model=x", "/ui/"}) {
                assertThat(call(f, "GET", path, null, null).statusCode()).as(path).isEqualTo(401);
                assertThat(call(f, "GET", path, null, "Bearer " + METRICS_TOKEN).statusCode()).as(path).isNotIn(401, 403);
            }
            for (String[] r : routes) {
                HttpResponse<String> none = call(f, r[0], r[1], r[2], null);
                assertThat(none.statusCode()).as(r[1]).isEqualTo(401);
                assertThat(new JsonObject(none.body()).getJsonObject("error").getString("code")).isEqualTo("missing_api_key");
                HttpResponse<String> wrong = call(f, r[0], r[1], r[2], "Bearer sk-wrong");
                assertThat(wrong.statusCode()).as(r[1]).isEqualTo(401);
                assertThat(new JsonObject(wrong.body()).getJsonObject("error").getString("code")).isEqualTo("invalid_api_key");
                HttpResponse<String> forged = call(f, r[0], r[1], r[2], "Bearer vk_0123456789abcdef_" + "0".repeat(64));
                assertThat(forged.statusCode()).isEqualTo(401);
                assertThat(call(f, r[0], r[1], r[2], "Bearer " + TEAM_KEY).statusCode()).as(r[1]).isEqualTo(200);
            }
            for (String[] admin : new String[][] {{"POST", "/admin/keys", "{\"name\":\"x\"}"}, {"GET", "/admin/keys", null},
                    {"DELETE", "/admin/keys/abc", null}, {"POST", "/admin/prices/reload", null}}) {
                assertThat(call(f, admin[0], admin[1], admin[2], null).statusCode()).as(admin[1]).isEqualTo(401);
                assertThat(call(f, admin[0], admin[1], admin[2], "Bearer " + TEAM_KEY).statusCode()).as(admin[1]).isEqualTo(401);
            }
            assertThat(call(f, "GET", "/metrics", null, null).statusCode()).isEqualTo(401);
            assertThat(call(f, "GET", "/metrics", null, "Bearer nope").statusCode()).isEqualTo(401);
            HttpResponse<String> m = call(f, "GET", "/metrics", null, "Bearer " + METRICS_TOKEN);
            assertThat(m.statusCode()).isEqualTo(200);
            PromText p = PromText.parse(m.body());
            assertThat(p.get("vitals_auth_refusals_total{reason=\"missing_key\",route=\"/generate\"}")).isEqualTo(1.0);
            assertThat(p.get("vitals_auth_refusals_total{reason=\"invalid_key\",route=\"/v1/chat/completions\"}")).isEqualTo(2.0);
            assertThat(p.get("vitals_auth_refusals_total{reason=\"missing_credentials\",route=\"/metrics\"}")).isEqualTo(1.0);
            assertThat(call(f, "GET", "/health", null, null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void rateLimitAndBudgetAnswer429() throws Exception {
        try (ServerFixture f = start()) {
            // 6 per minute: a burst of one, then refused
            assertThat(call(f, "POST", "/generate", "{}", "Bearer " + LIMITED_KEY).statusCode()).isEqualTo(200);
            HttpResponse<String> limited = call(f, "POST", "/generate", "{}", "Bearer " + LIMITED_KEY);
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("retry-after")).isPresent();
            assertThat(new JsonObject(limited.body()).getJsonObject("error").getString("code")).isEqualTo("rate_limit_exceeded");
            // a budget of $0.000001: the first call spends more than that, the next is refused
            assertThat(call(f, "POST", "/generate", "{}", "Bearer " + BUDGET_KEY).statusCode()).isEqualTo(200);
            HttpResponse<String> broke = call(f, "POST", "/generate", "{}", "Bearer " + BUDGET_KEY);
            assertThat(broke.statusCode()).isEqualTo(429);
            assertThat(new JsonObject(broke.body()).getJsonObject("error").getString("code")).isEqualTo("budget_exceeded");
            PromText p = PromText.parse(call(f, "GET", "/metrics", null, "Bearer " + METRICS_TOKEN).body());
            assertThat(p.get("vitals_api_key_budget_remaining_usd{key=\"budget\"}")).isNegative();
            assertThat(p.get("vitals_api_key_spent_usd{key=\"budget\"}")).isPositive();
            assertThat(p.get("vitals_auth_refusals_total{reason=\"rate_limited\",route=\"/generate\"}")).isEqualTo(1.0);
            assertThat(p.get("vitals_auth_refusals_total{reason=\"budget_exceeded\",route=\"/generate\"}")).isEqualTo(1.0);
        }
    }

    @Test
    void adminCreatesListsAndRevokesKeysStoredOnlyAsSaltedHashes() throws Exception {
        String created;
        String id;
        try (ServerFixture f = start()) {
            HttpResponse<String> bad = call(f, "POST", "/admin/keys", "{\"name\":\"bad name!\"}", "Bearer " + ADMIN);
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(call(f, "POST", "/admin/keys", "{\"name\":\"ok\",\"budget_usd\":-1}", "Bearer " + ADMIN).statusCode()).isEqualTo(400);
            assertThat(call(f, "POST", "/admin/keys", "{\"name\":\"ok\",\"extra\":1}", "Bearer " + ADMIN).statusCode()).isEqualTo(400);
            assertThat(call(f, "POST", "/admin/keys", "not json", "Bearer " + ADMIN).statusCode()).isEqualTo(400);
            HttpResponse<String> r = call(f, "POST", "/admin/keys", "{\"name\":\"app-1\",\"rate_limit_per_minute\":600,\"budget_usd\":5}",
                    "Bearer " + ADMIN);
            assertThat(r.statusCode()).isEqualTo(201);
            JsonObject o = new JsonObject(r.body());
            created = o.getString("key");
            id = o.getString("id");
            assertThat(created).matches("vk_[0-9a-f]{16}_[0-9a-f]{64}");
            assertThat(call(f, "POST", "/admin/keys", "{\"name\":\"app-1\"}", "Bearer " + ADMIN).statusCode()).isEqualTo(409);
            assertThat(call(f, "POST", "/v1/chat/completions", CHAT, "Bearer " + created).statusCode()).isEqualTo(200);
            String list = call(f, "GET", "/admin/keys", null, "Bearer " + ADMIN).body();
            assertThat(list).contains("app-1").doesNotContain(created).doesNotContain(created.substring(20));
        }
        // the key survives a restart: the store has its salted hash
        try (ServerFixture f = start()) {
            assertThat(call(f, "POST", "/generate", "{}", "Bearer " + created).statusCode()).isEqualTo(200);
            assertThat(call(f, "DELETE", "/admin/keys/" + id, null, "Bearer " + ADMIN).statusCode()).isEqualTo(200);
            assertThat(call(f, "DELETE", "/admin/keys/" + id, null, "Bearer " + ADMIN).statusCode()).isEqualTo(404);
            assertThat(call(f, "POST", "/generate", "{}", "Bearer " + created).statusCode()).isEqualTo(401);
        }
        byte[] db = readAll(dir);
        String text = new String(db, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("app-1").doesNotContain(created.substring(20)).doesNotContain(TEAM_KEY);
    }

    private static byte[] readAll(Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                out.write(Files.readAllBytes(p));
            }
        }
        return out.toByteArray();
    }

    @Test
    void adminApiIsOffWithoutAToken() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> { })) {
            HttpResponse<String> r = call(f, "GET", "/admin/keys", null, "Bearer anything");
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).contains("admin_disabled");
        }
    }

    @Test
    void basicAuthOnMetrics() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> {
            cfg.metrics.auth.basicUser = "prom";
            cfg.metrics.auth.basicPasswordEnv = "PROM_PASSWORD";
        }, Map.of("PROM_PASSWORD", "s3cret-pass"))) {
            HttpResponse<String> none = call(f, "GET", "/metrics", null, null);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("www-authenticate")).hasValue("Basic realm=\"vitals-metrics\"");
            String good = "Basic " + Base64.getEncoder().encodeToString("prom:s3cret-pass".getBytes(StandardCharsets.UTF_8));
            String bad = "Basic " + Base64.getEncoder().encodeToString("prom:wrong".getBytes(StandardCharsets.UTF_8));
            assertThat(call(f, "GET", "/metrics", null, bad).statusCode()).isEqualTo(401);
            assertThat(call(f, "GET", "/metrics", null, good).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void tlsWhenACertificateIsConfigured() throws Exception {
        Path ks = dir.resolve("server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "vitals", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit-123",
                "-keypass", "changeit-123").redirectErrorStream(true).start();
        assertThat(p.waitFor()).isZero();
        try (ServerFixture f = ServerFixture.start(cfg -> {
            cfg.server.tls.keyStoreFile = ks.toString();
            cfg.server.tls.keyStorePasswordEnv = "KS_PASSWORD";
            ServerFixture.sim(cfg).latencyMax = 0.01;
            ServerFixture.sim(cfg).latencyMin = 0;
        }, Map.of("KS_PASSWORD", "changeit-123"))) {
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new TrustManager[] {new X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] c, String a) { }
                public void checkServerTrusted(X509Certificate[] c, String a) { }
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            HttpClient https = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + f.server.port() + "/generate"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"status\":\"success\"");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.get("/generate")).isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void secretsNeverAppearInLogsOrMetrics() throws Exception {
        String upstreamKey = "sk-upstream-SECRET-7f7f7f7f7f7f7f";
        io.vertx.core.Vertx v = io.vertx.core.Vertx.vertx();
        // a real upstream that answers 500 to every call, so error paths are logged too
        var upstream = v.createHttpServer().requestHandler(req -> req.response().setStatusCode(500).end("{\"error\":{}}"))
                .listen(0, "127.0.0.1").await();
        try (ServerFixture f = ServerFixture.start(cfg -> {
            cfg.store.path = dir.resolve("vitals.db").toString();
            cfg.auth.enabled = true;
            cfg.auth.keys = List.of(key("team-a", "TEAM_A_KEY", 0, null));
            VitalsConfig.Backend up = new VitalsConfig.Backend();
            up.name = "up";
            up.type = "openai";
            up.baseUrl = "http://127.0.0.1:" + upstream.actualPort() + "/v1";
            up.apiKeyEnv = "UPSTREAM_KEY";
            up.models = List.of("gpt-4o-mini");
            cfg.backends = new java.util.ArrayList<>(cfg.backends);
            cfg.backends.add(up);
        }, Map.of("TEAM_A_KEY", TEAM_KEY, "UPSTREAM_KEY", upstreamKey, "VITALS_ADMIN_TOKEN", ADMIN))) {
            call(f, "POST", "/v1/chat/completions", CHAT.replace("mock-llm-v1", "gpt-4o-mini"), "Bearer " + TEAM_KEY);
            call(f, "POST", "/v1/chat/completions", CHAT.replace("mock-llm-v1", "gpt-4o-mini"), "Bearer " + TEAM_KEY + "x");
            call(f, "POST", "/generate", "{\"prompt\":\"error please\"}", "Bearer " + TEAM_KEY);
            call(f, "POST", "/admin/prices/reload", null, "Bearer " + ADMIN + "x");
            String metrics = f.get("/metrics").body();
            logHandler.flush();
            String log = logs.toString(StandardCharsets.UTF_8);
            for (String secret : List.of(TEAM_KEY, upstreamKey, ADMIN, "hello", "error please")) {
                assertThat(metrics).as("metrics").doesNotContain(secret);
                assertThat(log).as("logs").doesNotContain(secret);
            }
        } finally {
            upstream.close().await();
            v.close().await();
        }
    }

    @Test
    void logRecordsAreCaptured() {
        // guards the test above: the capture must see what the server logs
        Logger.getLogger("dev.vitals.test").log(new LogRecord(Level.WARNING, "probe-line"));
        logHandler.flush();
        assertThat(logs.toString(StandardCharsets.UTF_8)).contains("probe-line");
    }
}
