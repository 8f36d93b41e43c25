package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Business events are stored before their 2xx (issue #16): an event for a request id no replica has
 * written yet waits (202) and counts when the call arrives, or expires as {@code unknown_call}; the event
 * and conversion counters continue after a restart on the same store, and a conversion counts once per
 * request and kind, across restarts. {@code CrashTest} does the same with SIGKILL.
 */
@Timeout(120)
class BusinessEventsDurableTest {
    private static final String CHAT = "{\"model\":\"mock-llm-v1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String PURCHASED = "vitals_conversions_total{kind=\"purchased\",model=\"mock-llm-v1\",variant=\"%s\"}";
    private static final String EVENTS = "vitals_business_events_total{kind=\"purchased\",model=\"mock-llm-v1\",variant=\"%s\"}";

    @TempDir
    Path dir;

    private Consumer<dev.vitals.server.config.VitalsConfig> config(int graceSeconds) {
        return c -> {
            QualityHttp.fast(c);
            c.store.path = dir.resolve("v.db").toString();
            c.quality.pendingGraceSeconds = graceSeconds;
        };
    }

    private static String chat(ServerFixture f, String requestId, String variant) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(f.uri("/v1/chat/completions")).header("content-type", "application/json");
        if (requestId != null) {
            b.header("x-request-id", requestId);
        }
        if (variant != null) {
            b.header("x-vitals-variant", variant);
        }
        HttpResponse<String> r = f.http.send(b.POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.headers().firstValue("x-request-id").orElseThrow();
    }

    private static HttpResponse<String> event(ServerFixture f, String requestId, String kind) throws Exception {
        return f.post("/v1/events", new JsonObject().put("request_id", requestId).put("kind", kind).encode());
    }

    private static double awaitValue(ServerFixture f, String series, double want) throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        double v;
        while ((v = f.metrics().get(series)) != want && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return v;
    }

    @Test
    void anEventBeforeItsCallWaitsAndCountsWhenTheCallArrives() throws Exception {
        try (ServerFixture f = ServerFixture.start(config(600))) {
            HttpResponse<String> early = event(f, "req-event-early", "purchased");
            assertThat(early.statusCode()).as(early.body()).isEqualTo(202);
            assertThat(new JsonObject(early.body())).isEqualTo(new JsonObject().put("status", "pending").put("accepted", 1).put("pending", 1));
            assertThat(f.metrics().get(String.format(PURCHASED, "b"))).isZero();
            // a batch with a known and an unknown request id: all stored, one waits
            String known = chat(f, null, "b");
            HttpResponse<String> mixed = f.post("/v1/events", new JsonObject().put("events", new JsonArray()
                    .add(new JsonObject().put("request_id", known).put("kind", "clicked"))
                    .add(new JsonObject().put("request_id", "req-event-never").put("kind", "clicked"))).encode());
            assertThat(mixed.statusCode()).as(mixed.body()).isEqualTo(202);
            assertThat(new JsonObject(mixed.body()).getInteger("pending")).isEqualTo(1);
            assertThat(f.metrics().get("vitals_business_events_total{kind=\"clicked\",model=\"mock-llm-v1\",variant=\"b\"}")).isEqualTo(1.0);

            chat(f, "req-event-early", "b"); // the call arrives, with the request id the client chose
            assertThat(awaitValue(f, String.format(PURCHASED, "b"), 1.0)).isEqualTo(1.0);
            PromText m = f.metrics();
            assertThat(m.get("vitals_business_event_joins_total{outcome=\"pending\"}")).isEqualTo(2.0);
            assertThat(m.get("vitals_business_event_joins_total{outcome=\"joined\"}")).isEqualTo(1.0);
        }
    }

    @Test
    void anEventWhoseCallNeverArrivesExpiresAsUnknownCall() throws Exception {
        try (ServerFixture f = ServerFixture.start(config(1))) {
            assertThat(event(f, "req-event-lost", "purchased").statusCode()).isEqualTo(202);
            assertThat(awaitValue(f, "vitals_business_event_joins_total{outcome=\"unknown_call\"}", 1.0)).isEqualTo(1.0);
            assertThat(f.metrics().get("vitals_business_event_joins_total{outcome=\"joined\"}")).isZero();
            Thread.sleep(600); // the counts the API reads are refreshed with each join pass (500 ms)
            HttpResponse<String> status = f.get("/v1/events");
            assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
            assertThat(new JsonObject(status.body())).isEqualTo(new JsonObject().put("pending", 0).put("unknown_call", 1));
        }
    }

    @Test
    void pendingEventsAreCappedByQualityMaxPendingAndARefusedBatchStoresNothing() throws Exception {
        try (ServerFixture f = ServerFixture.start(config(600).andThen(c -> c.quality.maxPending = 1))) {
            String known = chat(f, null, "b");
            HttpResponse<String> tooMany = f.post("/v1/events", new JsonObject().put("events", new JsonArray()
                    .add(new JsonObject().put("request_id", known).put("kind", "purchased"))
                    .add(new JsonObject().put("request_id", "req-a").put("kind", "purchased"))
                    .add(new JsonObject().put("request_id", "req-b").put("kind", "purchased"))).encode());
            assertThat(tooMany.statusCode()).as(tooMany.body()).isEqualTo(404);
            assertThat(tooMany.body()).contains("quality.maxPending");
            assertThat(f.metrics().get(String.format(PURCHASED, "b"))).as("nothing of the refused batch").isZero();
            assertThat(event(f, "req-a", "purchased").statusCode()).isEqualTo(202);
            assertThat(event(f, known, "purchased").statusCode()).isEqualTo(200);
            assertThat(f.metrics().get(String.format(PURCHASED, "b"))).isEqualTo(1.0);
        }
    }

    @Test
    void countersContinueAfterARestartAndAConversionCountsOncePerRequestAndKind() throws Exception {
        String id;
        try (ServerFixture f = ServerFixture.start(config(600))) {
            id = chat(f, null, "b");
            chat(f, null, "b");
            assertThat(event(f, id, "purchased").statusCode()).isEqualTo(200);
            assertThat(event(f, id, "purchased").statusCode()).isEqualTo(200); // a repeat: an event, not a second conversion
            PromText m = f.metrics();
            assertThat(m.get(String.format(EVENTS, "b"))).isEqualTo(2.0);
            assertThat(m.get(String.format(PURCHASED, "b"))).isEqualTo(1.0);
            assertThat(m.get("vitals_conversion_ratio{kind=\"purchased\",model=\"mock-llm-v1\",variant=\"b\"}")).isEqualTo(0.5);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("v.db"));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM business_conversions")) {
            rs.next();
            assertThat(rs.getInt(1)).as("one conversion row per request and kind").isEqualTo(1);
        }
        try (ServerFixture f = ServerFixture.start(config(600))) {
            PromText m = f.metrics();
            assertThat(m.get(String.format(EVENTS, "b"))).as("events continue from the store").isEqualTo(2.0);
            assertThat(m.get(String.format(PURCHASED, "b"))).isEqualTo(1.0);
            assertThat(m.get("vitals_conversion_ratio{kind=\"purchased\",model=\"mock-llm-v1\",variant=\"b\"}")).isEqualTo(0.5);
            // the call is from before the restart: found in the store, its variant is not kept there
            HttpResponse<String> again = event(f, id, "purchased");
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            m = f.metrics();
            assertThat(m.get(String.format(EVENTS, "unknown"))).isEqualTo(1.0);
            assertThat(m.get(String.format(PURCHASED, "unknown"))).as("converted before the restart").isZero();
            assertThat(m.get(String.format(PURCHASED, "b"))).isEqualTo(1.0);
        }
    }

    private static HttpResponse<String> event(ServerFixture f, String requestId, String kind, Object eventId) throws Exception {
        return f.post("/v1/events", new JsonObject().put("request_id", requestId).put("kind", kind).put("event_id", eventId).encode());
    }

    @Test
    void anEventSentAgainWithItsEventIdCountsOnceAcrossARestart() throws Exception {
        try (ServerFixture f = ServerFixture.start(config(600))) {
            String id = chat(f, null, "b");
            assertThat(new JsonObject(event(f, id, "purchased", "ev-1").body()))
                    .isEqualTo(new JsonObject().put("status", "ok").put("accepted", 1).put("pending", 0));
            // the client did not see the answer (a crash, a timeout) and sends it again: stored once
            HttpResponse<String> again = event(f, id, "purchased", "ev-1");
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            assertThat(new JsonObject(again.body()))
                    .isEqualTo(new JsonObject().put("status", "ok").put("accepted", 0).put("pending", 0).put("duplicates", 1));
            // twice in one batch, and an event still waiting for its call: the copies count nothing
            HttpResponse<String> batch = f.post("/v1/events", new JsonObject().put("events", new JsonArray()
                    .add(new JsonObject().put("request_id", id).put("kind", "clicked").put("event_id", "ev-2"))
                    .add(new JsonObject().put("request_id", id).put("kind", "clicked").put("event_id", "ev-2"))
                    .add(new JsonObject().put("request_id", "req-later").put("kind", "clicked").put("event_id", "ev-3"))).encode());
            assertThat(new JsonObject(batch.body()))
                    .isEqualTo(new JsonObject().put("status", "pending").put("accepted", 2).put("pending", 1).put("duplicates", 1));
            assertThat(event(f, "req-later", "clicked", "ev-3").body()).contains("\"duplicates\":1");
            assertThat(f.metrics().get(String.format(EVENTS, "b"))).isEqualTo(1.0);
            // a bad event_id refuses the batch whole
            HttpResponse<String> bad = event(f, id, "purchased", 42);
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(new JsonObject(bad.body()).getString("message")).isEqualTo("event.event_id must be a string of 1 to 128 characters");
            assertThat(event(f, id, "purchased", "x".repeat(129)).statusCode()).isEqualTo(400);
        }
        try (ServerFixture f = ServerFixture.start(config(600))) {
            assertThat(event(f, "anything", "purchased", "ev-1").body()).as("remembered in the store").contains("\"duplicates\":1");
            assertThat(f.metrics().get(String.format(EVENTS, "b"))).isEqualTo(1.0);
        }
    }
}
