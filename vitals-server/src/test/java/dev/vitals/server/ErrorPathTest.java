package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The one error path: every caller error of the JSON routes (thrown by a request parser, a handler or a
 * service, on the event loop or a worker thread) comes back with its status and the exact JSON body
 * {@code {"status":"error","message":M,"error":{"message":M,"type":"invalid_request_error","code":C}}}.
 * The expected bodies were recorded on the code before the handlers returned futures (each handler then
 * sent its own error): this test passed there unchanged.
 */
class ErrorPathTest {
    private static final String ADMIN = "admin-secret-for-error-path";
    private static ServerFixture f;
    private static Path prices;

    @BeforeAll
    static void start() throws Exception {
        prices = Files.createTempFile("prices", ".json");
        Files.writeString(prices, "{\"version\":\"t1\",\"models\":{\"m\":{\"input\":1,\"output\":2}}}");
        f = ServerFixture.start(cfg -> {
            cfg.pricing.overrideFile = prices.toString();
            ServerFixture.sim(cfg).latencyMin = 0;
            ServerFixture.sim(cfg).latencyMax = 0.002;
        }, Map.of("VITALS_ADMIN_TOKEN", ADMIN));
    }

    @AfterAll
    static void stop() throws Exception {
        f.close();
    }

    private record Case(String method, String path, String contentType, String body, boolean admin, int status, String code,
                        String message) {
    }

    private static Case c(String method, String path, String body, int status, String code, String message) {
        return new Case(method, path, "application/json", body, false, status, code, message);
    }

    private static Case admin(String method, String path, String contentType, String body, int status, String code, String message) {
        return new Case(method, path, contentType, body, true, status, code, message);
    }

    private static final List<Case> CASES = List.of(
            // request parsing (ChatRequests.object) on every JSON route
            c("POST", "/v1/features", "", 400, "empty_body", "request body is empty; expected a JSON object"),
            c("POST", "/v1/features", "not json", 400, "invalid_json", "request body is not valid JSON"),
            c("POST", "/v1/predictions", "[]", 400, "invalid_body", "request body must be a JSON object, got an array"),
            c("POST", "/v1/actuals", "7", 400, "invalid_body", "request body must be a JSON object, got a number"),
            c("POST", "/v1/feedback", "\"x\"", 400, "invalid_body", "request body must be a JSON object, got a string"),
            c("POST", "/v1/evaluations", "", 400, "empty_body", "request body is empty; expected a JSON object"),
            c("POST", "/v1/events", "not json", 400, "invalid_json", "request body is not valid JSON"),
            // the gateway routes (streaming handlers: they fail the context)
            c("POST", "/v1/chat/completions", "{\"model\":\"\",\"messages\":[]}", 400, "invalid_model",
                    null),
            c("POST", "/generate", "[]", 400, "invalid_body", "request body must be a JSON object, got an array"),
            c("POST", "/v1/embeddings", "{\"input\":\"\"}", 400, "invalid_input", "'input' must not be an empty string"),
            // handler checks on the event loop
            c("POST", "/v1/events", "{\"events\":[]}", 400, "invalid_events", "'events' must be a non-empty array"),
            c("POST", "/v1/events", "{\"request_id\":\"r\",\"kind\":\"k\",\"x\":1}", 400, "invalid_event",
                    "event: unknown field 'x'; allowed: request_id, kind, event_id"),
            // an unknown request id is no error: the event waits for its call (202, BusinessEventsDurableTest)
            c("POST", "/v1/events", "{\"request_id\":\"no-such-call\",\"kind\":\"liked\"}", 400, "invalid_event", null),
            c("GET", "/v1/drift?range=2d", null, 400, "invalid_range", "'range' must be one of [15m, 1h, 6h, 24h]"),
            c("GET", "/v1/drift?scope=x", null, 400, "invalid_scope", "'scope' must be fleet or replica"),
            c("GET", "/v1/quality?scope=x", null, 400, "invalid_scope", "'scope' must be fleet or replica"),
            c("GET", "/v1/quality?range=1h&window=1h", null, 400, "invalid_query", "give 'window' (a report) or 'range' (a history), not both"),
            c("GET", "/v1/quality?range=2d", null, 400, "invalid_range", "'range' must be one of [15m, 1h, 6h, 24h]"),
            c("GET", "/v1/dashboard/series?points=abc", null, 400, "invalid_points", "'points' must be an integer between 10 and 2000"),
            c("GET", "/v1/dashboard/overview?model=nope", null, 404, "unknown_model", null),
            // service errors on the event loop and on worker threads
            c("POST", "/v1/features", "{\"model\":\"m\",\"features\":7}", 400, null, null),
            c("GET", "/v1/feedback?feedback_id=nope", null, 404, "unknown_feedback_id", "no feedback with id 'nope'"),
            c("GET", "/v1/feedback", null, 400, "invalid_feedback_id", "'feedback_id' must be a string of 1 to 128 characters"),
            c("POST", "/v1/feedback", "{\"request_id\":\"r\",\"score\":1,\"x\":1}", 400, "unknown_field", null),
            c("POST", "/v1/predictions", "{\"records\":[]}", 400, "invalid_records", "'records' must be a non-empty array"),
            // admin routes
            admin("POST", "/admin/drift/reference?model=m", "multipart/form-data; boundary=x", "--x--", 415, "unsupported_media_type",
                    "send the reference CSV as the request body (curl --data-binary @reference.csv -H 'content-type: text/csv'),"
                            + " not as a multipart form"),
            admin("POST", "/admin/drift/reference", "text/csv", "a\n1\n", 400, "missing_model", "'model' query parameter is required"),
            admin("POST", "/admin/drift/reference?model=m", "text/csv", "a,b\n1\n", 400, "invalid_csv", "the reference line 2: 1 field, but the header has 2 columns"),
            admin("POST", "/admin/keys", "application/json", "{\"name\":\"bad name!\"}", 400, "invalid_name", null),
            admin("POST", "/admin/keys", "application/json", "{\"name\":\"ok\",\"extra\":1}", 400, "unknown_field",
                    "unknown field 'extra'; allowed: name, rate_limit_per_minute, budget_usd"),
            admin("POST", "/admin/keys", "application/json", "{\"name\":\"ok\",\"budget_usd\":-1}", 400, "invalid_budget_usd",
                    "'budget_usd' must be a number between 0 and 1000000000000"),
            admin("DELETE", "/admin/keys/nope", null, null, 404, "key_not_found", "no active admin-created key with that id"));

    private static HttpResponse<String> send(Case c) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(f.uri(c.path()))
                .method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(c.body()));
        if (c.body() != null) {
            b.header("content-type", c.contentType());
        }
        if (c.admin()) {
            b.header("authorization", "Bearer " + ADMIN);
        }
        return f.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(String what, HttpResponse<String> r, int status, String code, String message) {
        SoftAssertions.assertSoftly(soft -> assertError(soft, what, r, status, code, message));
    }

    private static void assertError(SoftAssertions soft, String what, HttpResponse<String> r, int status, String code, String message) {
        soft.assertThat(r.statusCode()).as(what + " " + r.body()).isEqualTo(status);
        soft.assertThat(r.headers().firstValue("content-type")).as(what).hasValue("application/json");
        JsonObject o;
        try {
            o = new JsonObject(r.body());
        } catch (RuntimeException e) {
            soft.fail(what + ": not JSON: " + r.body());
            return;
        }
        soft.assertThat(o.fieldNames()).as(what).containsExactlyInAnyOrder("status", "message", "error");
        soft.assertThat(o.getString("status")).isEqualTo("error");
        JsonObject e = o.getJsonObject("error");
        soft.assertThat(e.fieldNames()).as(what).containsExactlyInAnyOrder("message", "type", "code");
        soft.assertThat(e.getString("type")).as(what).isEqualTo("invalid_request_error");
        soft.assertThat(e.getString("message")).as(what).isEqualTo(o.getString("message")).isNotBlank();
        if (code != null) {
            soft.assertThat(e.getString("code")).as(what).isEqualTo(code);
        }
        if (message != null) {
            soft.assertThat(o.getString("message")).as(what).isEqualTo(message);
        }
    }

    @Test
    void everyCallerErrorHasItsStatusAndTheOneJsonBody() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        for (Case c : CASES) {
            assertError(soft, c.method() + " " + c.path() + " " + c.body(), send(c), c.status(), c.code(), c.message());
        }
        soft.assertAll();
        PromText m = f.metrics();
        assertThat(m.get("vitals_http_requests_total{code=\"400\",method=\"GET\",route=\"/v1/drift\"}")).isEqualTo(2.0);
        assertThat(m.get("vitals_http_requests_total{code=\"415\",method=\"POST\",route=\"/admin/drift/reference\"}")).isEqualTo(1.0);
        assertThat(m.get("vitals_http_requests_total{code=\"404\",method=\"DELETE\",route=\"/admin/keys/:id\"}")).isEqualTo(1.0);
    }

    @Test
    void aConflictAndABadPriceFileMapToTheirStatus() throws Exception {
        Case create = admin("POST", "/admin/keys", "application/json", "{\"name\":\"conflict\"}", 0, null, null);
        assertThat(send(create).statusCode()).isEqualTo(201);
        assertError("second key", send(create), 409, "key_conflict", "an active key named 'conflict' exists already");

        Case reload = admin("POST", "/admin/prices/reload", null, null, 0, null, null);
        assertThat(send(reload).statusCode()).isEqualTo(200);
        Files.writeString(prices, "not json");
        HttpResponse<String> r = send(reload);
        assertError("bad price file", r, 422, "invalid_price_file", null);
        assertThat(new JsonObject(r.body()).getString("message"))
                .startsWith("price catalog not reloaded, the previous one stays: " + prices + ": not valid JSON");
    }
}
