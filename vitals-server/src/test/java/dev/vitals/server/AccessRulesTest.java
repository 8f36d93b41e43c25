package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.server.http.Access;
import dev.vitals.server.http.Routes;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Walks the main router's own route list with auth on: every route has a declared {@link Access} rule,
 * and each behaves as declared for a caller without credentials, with a gateway key (also with a
 * lower-case {@code bearer} scheme) and with the metrics credentials. A route added without a rule,
 * or with a rule its guard does not enforce, fails here.
 */
class AccessRulesTest {
    private static final String SECRET_MODEL = "tenant-b-secret-model";

    private static ServerFixture start() throws Exception {
        return ServerFixture.start(cfg -> {
            cfg.auth.enabled = true;
            dev.vitals.server.config.VitalsConfig.ConfiguredKey k = new dev.vitals.server.config.VitalsConfig.ConfiguredKey();
            k.name = "team-a";
            k.keyEnv = "TEAM_A_KEY";
            cfg.auth.keys = List.of(k);
            cfg.metrics.auth.bearerTokenEnv = "METRICS_TOKEN";
            ServerFixture.sim(cfg).models = List.of("*");
            ServerFixture.sim(cfg).latencyMin = 0;
            ServerFixture.sim(cfg).latencyMax = 0;
        }, AccessControlTest.ENV);
    }

    private static HttpResponse<String> call(ServerFixture f, String method, String path, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(f.uri(path)).method(method,
                "POST".equals(method) || "PUT".equals(method) ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
        if (auth != null) {
            b.header("authorization", auth);
        }
        return f.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyRouteOfTheRouterHasARuleAndBehavesAsDeclared() throws Exception {
        try (ServerFixture f = start()) {
            // another tenant's traffic: its model name must not reach callers without credentials
            HttpResponse<String> chat = f.http.send(HttpRequest.newBuilder(f.uri("/v1/chat/completions"))
                    .header("authorization", "Bearer " + AccessControlTest.TEAM_KEY)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + SECRET_MODEL
                            + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(chat.statusCode()).isEqualTo(200);

            List<Routes.RouteInfo> routes = f.server.routes();
            assertThat(routes).extracting(Routes.RouteInfo::path).contains("/v1/chat/completions", "/v1/quality", "/metrics");
            List<String> problems = new ArrayList<>();
            String key = "Bearer " + AccessControlTest.TEAM_KEY;
            String lowerKey = "bearer " + AccessControlTest.TEAM_KEY;
            String metrics = "Bearer " + AccessControlTest.METRICS_TOKEN;
            for (Routes.RouteInfo r : routes) {
                Access rule = Access.of(r.path());
                if (rule == null) {
                    problems.add(r.path() + ": no access rule (declare it in RoutePath)");
                    continue;
                }
                String path = r.path().replace(":id", "x");
                Set<String> methods = r.methods().isEmpty() ? Set.of("GET") : r.methods();
                for (String m : methods) {
                    HttpResponse<String> anon = call(f, m, path, null);
                    HttpResponse<String> withKey = call(f, m, path, key);
                    HttpResponse<String> withLowerKey = call(f, m, path, lowerKey);
                    HttpResponse<String> withMetrics = call(f, m, path, metrics);
                    String where = m + " " + r.path() + " (" + rule + ")";
                    boolean anonOk = !refused(anon);
                    boolean keyOk = !refused(withKey);
                    boolean metricsOk = !refused(withMetrics);
                    boolean expectAnon = rule == Access.PUBLIC;
                    boolean expectKey = rule == Access.PUBLIC || rule == Access.GATEWAY_KEY || rule == Access.KEY_OR_METRICS;
                    boolean expectMetrics = rule == Access.PUBLIC || rule == Access.METRICS || rule == Access.KEY_OR_METRICS;
                    if (anonOk != expectAnon) {
                        problems.add(where + ": without credentials got " + anon.statusCode());
                    }
                    if (keyOk != expectKey) {
                        problems.add(where + ": with a gateway key got " + withKey.statusCode());
                    }
                    if (refused(withLowerKey) != refused(withKey)) {
                        problems.add(where + ": 'bearer' (lower case) answered " + withLowerKey.statusCode() + ", 'Bearer' " + withKey.statusCode());
                    }
                    if (metricsOk != expectMetrics) {
                        problems.add(where + ": with the metrics credentials got " + withMetrics.statusCode());
                    }
                    if (!anonOk && !"HEAD".equals(m)) {
                        assertThat(new JsonObject(anon.body()).getJsonObject("error").getString("message")).as(where).isNotBlank();
                        assertThat(anon.body()).as(where).doesNotContain(SECRET_MODEL);
                    }
                }
            }
            assertThat(problems).isEmpty();
            // a route that does not exist under /v1/ is refused too, before the 404 could say anything
            assertThat(call(f, "GET", "/v1/not-a-route", null).statusCode()).isEqualTo(401);
            assertThat(call(f, "GET", "/v1/quality?model=nope", null).body()).doesNotContain(SECRET_MODEL);
        }
    }

    private static boolean refused(HttpResponse<String> r) {
        return r.statusCode() == 401 || r.statusCode() == 403;
    }
}
