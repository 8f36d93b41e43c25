package dev.vitals.server;

import static dev.vitals.server.QualityHttp.feedback;
import static dev.vitals.server.QualityHttp.feedbackBody;
import static dev.vitals.server.QualityHttp.report;
import static dev.vitals.server.QualityHttp.sample;
import static dev.vitals.server.QualityHttp.score;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feedback that arrives before its call's row (issue #16 point 3): stored as pending (202), joined when the
 * call arrives, expired as {@code unknown_call} after {@code quality.pendingGraceSeconds}; idempotent meanwhile.
 */
@Timeout(60)
class FeedbackPendingJoinTest {
    private static final String MODEL = "mock-llm-v1";
    @TempDir
    Path dir;

    private static String status(ServerFixture f, String feedbackId) throws Exception {
        HttpResponse<String> r = f.get("/v1/feedback?feedback_id=" + feedbackId);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body()).getString("status");
    }

    private static String awaitStatus(ServerFixture f, String feedbackId, String want) throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        String s;
        while (!(s = status(f, feedbackId)).equals(want) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return s;
    }

    @Test
    void feedbackBeforeItsCallWaitsJoinsWhenTheCallArrivesAndIsCountedOnce() throws Exception {
        try (ServerFixture f = ServerFixture.start(c -> {
            QualityHttp.fast(c);
            c.store.path = dir.resolve("v.db").toString();
            c.quality.pendingGraceSeconds = 600;
        })) {
            JsonObject body = feedbackBody("req-later-1", "fb-early", score("helpfulness", 4, "human"));
            HttpResponse<String> r = feedback(f, body);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            assertThat(new JsonObject(r.body()).getString("status")).isEqualTo("pending");
            assertThat(status(f, "fb-early")).isEqualTo("pending");
            // re-sent while pending: a duplicate, still 202; another body under the same id: 409
            HttpResponse<String> again = feedback(f, body);
            assertThat(again.statusCode()).isEqualTo(202);
            assertThat(new JsonObject(again.body()).getBoolean("duplicate")).isTrue();
            assertThat(feedback(f, feedbackBody("req-later-1", "fb-early", score("helpfulness", 1, "human"))).statusCode())
                    .isEqualTo(409);
            assertThat(f.get("/v1/feedback?feedback_id=never").statusCode()).isEqualTo(404);
            assertThat(f.get("/v1/feedback").statusCode()).isEqualTo(400);

            // the call, with the request id the client chose
            HttpResponse<String> call = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + f.server.port() + "/v1/chat/completions"))
                    .header("content-type", "application/json").header("x-request-id", "req-later-1")
                    .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("model", MODEL).put("messages", new JsonArray()
                            .add(new JsonObject().put("role", "user").put("content", "hi"))).encode())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
            assertThat(awaitStatus(f, "fb-early", "ok")).isEqualTo("ok");
            JsonObject rep = report(f, MODEL, "1h");
            assertThat(rep.getJsonObject("scores").getJsonArray("scores").getJsonObject(0).getLong("count")).isEqualTo(1);
            // sent once more after joining: a duplicate of the applied feedback, 200
            HttpResponse<String> late = feedback(f, body);
            assertThat(late.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(late.body()).getBoolean("duplicate")).isTrue();
            assertThat(report(f, MODEL, "1h").getJsonObject("scores").getJsonArray("scores").getJsonObject(0).getLong("count"))
                    .isEqualTo(1);
            PromText m = f.metrics();
            assertThat(sample(m, "vitals_feedback_total", "outcome", "pending")).isEqualTo(1.0);
            assertThat(sample(m, "vitals_feedback_total", "outcome", "joined")).isEqualTo(1.0);
            assertThat(sample(m, "vitals_feedback_total", "outcome", "duplicate")).isEqualTo(2.0);
        }
    }

    @Test
    void feedbackWhoseCallNeverArrivesExpiresAsUnknownCall() throws Exception {
        try (ServerFixture f = ServerFixture.start(c -> {
            QualityHttp.fast(c);
            c.store.path = dir.resolve("v.db").toString();
            c.quality.pendingGraceSeconds = 1;
        })) {
            assertThat(feedback(f, feedbackBody("req-never", "fb-lost", score("helpfulness", 2, "human"))).statusCode()).isEqualTo(202);
            assertThat(awaitStatus(f, "fb-lost", "unknown_call")).isEqualTo("unknown_call");
            PromText m = f.metrics();
            assertThat(sample(m, "vitals_feedback_total", "outcome", "unknown_call")).isEqualTo(1.0);
            assertThat(sample(m, "vitals_feedback_pending", "state", "expired")).isEqualTo(1.0);
            assertThat(sample(m, "vitals_feedback_pending", "state", "pending")).isEqualTo(0.0);
        }
    }
}
