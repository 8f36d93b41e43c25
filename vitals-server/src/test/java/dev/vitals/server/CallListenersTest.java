package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.server.gateway.FinishedCall;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * One way to observe a finished call: listeners registered once on the gateway, each guarded. A listener
 * that throws changes nothing for the client or for the listeners after it, and its failures are counted.
 */
class CallListenersTest {

    @Test
    void aThrowingListenerIsCountedAndAffectsNeitherTheResponseNorTheOthers() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> {
            ServerFixture.sim(cfg).latencyMin = 0;
            ServerFixture.sim(cfg).latencyMax = 0.002;
            cfg.metrics.customLabels = List.of("team");
        })) {
            List<FinishedCall> seen = new CopyOnWriteArrayList<>();
            f.server.gateway().listen("boom", c -> {
                throw new IllegalStateException("a broken observer");
            });
            f.server.gateway().listen("after", seen::add);
            for (boolean stream : new boolean[] {false, true}) {
                HttpResponse<String> r = f.http.send(HttpRequest.newBuilder(f.uri("/v1/chat/completions"))
                        .header("content-type", "application/json").header("x-vitals-user", "u-" + stream)
                        .header("x-vitals-session", "s1").header("x-vitals-variant", "b").header("x-vitals-label-team", "search")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"mock-llm-v1\",\"stream\":" + stream
                                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                if (stream) {
                    assertThat(r.body()).contains("data: [DONE]");
                } else {
                    assertThat(new JsonObject(r.body()).getJsonArray("choices")).isNotEmpty();
                }
            }
            // the listener after the broken one saw both calls with what the record carries
            long deadline = System.currentTimeMillis() + 5_000;
            while (seen.size() < 2 && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertThat(seen).hasSize(2);
            FinishedCall first = seen.get(0);
            assertThat(first.caller().user()).isEqualTo("u-false");
            assertThat(first.caller().session()).isEqualTo("s1");
            assertThat(first.caller().variant()).isEqualTo("b");
            assertThat(first.caller().customLabels()).containsExactly("search");
            assertThat(first.model()).isEqualTo("mock-llm-v1");
            assertThat(first.messageCount()).isEqualTo(1);
            assertThat(first.promptText()).contains("hello there");
            assertThat(first.finishReason()).isEqualTo("stop");
            PromText m = f.metrics();
            assertThat(m.get("vitals_call_listener_failures_total{listener=\"boom\"}")).isEqualTo(2.0);
            // the built-in listeners registered before it ran: business (unique users) and custom labels
            assertThat(m.get("vitals_unique_users{model=\"mock-llm-v1\",window=\"1h\"}")).isEqualTo(2.0);
            assertThat(m.get("llm_requests_by_label_total{model_name=\"mock-llm-v1\",status=\"success\",team=\"search\"}")).isEqualTo(2.0);
        }
    }
}
