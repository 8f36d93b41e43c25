package dev.vitals.server;

import static dev.vitals.server.GatewayFaultCorpusTest.ROLE;
import static dev.vitals.server.GatewayFaultCorpusTest.USAGE;
import static dev.vitals.server.GatewayFaultCorpusTest.body;
import static dev.vitals.server.GatewayFaultCorpusTest.chunk;
import static dev.vitals.server.GatewayFaultCorpusTest.content;
import static dev.vitals.server.GatewayFixture.config;
import static dev.vitals.server.GatewayFixture.openAi;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.server.ScriptedUpstream.Ending;
import dev.vitals.server.ScriptedUpstream.Script;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A stream the upstream writes at once reaches the client byte for byte: its events unchanged (each written
 * from the upstream's read, not copied), the usage chunk only for a client that asked, and exactly one
 * {@code data: [DONE]} at the end whether the upstream sent its own, a differently spelled one, or none.
 */
class StreamRelayTest extends ScriptedGatewayTestBase {
    private static final String DONE = "data: [DONE]\n\n";
    private static final String EVENTS = "data: " + ROLE + "\n\n" + "data: " + content("Hello") + "\r\n\r\n"
            + "data: " + content(" there") + "\n\n" + "data: " + chunk("{}", "stop") + "\n\n";
    private static final String USAGE_EVENT = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[],"
            + "\"usage\":" + USAGE + "}\n\n";

    private static Script oneWrite(String body) {
        return new Script(200, "text/event-stream", List.of(body), Ending.END);
    }

    @Test
    void aStreamWrittenAtOnceIsRelayedByteForByte() {
        scripted.on("done", oneWrite(EVENTS + USAGE_EVENT + DONE))
                .on("usage-last", oneWrite(EVENTS + USAGE_EVENT))
                .on("no-usage", oneWrite(EVENTS + DONE))
                .on("other-done", oneWrite(EVENTS + USAGE_EVENT + "data:[DONE]\r\n\r\n"))
                .on("no-done", oneWrite(EVENTS));
        gateway = GatewayFixture.start(gatewayVertx, config(openAi("scripted", scripted.baseUrl(), "*")));

        for (String model : List.of("done", "usage-last", "other-done")) {
            HttpResponse<String> r = gateway.chat(body(model, true));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).as(model).isEqualTo(EVENTS + DONE); // the usage chunk only for a client that asked
            JsonObject asked = body(model, true).put("stream_options", new JsonObject().put("include_usage", true));
            assertThat(gateway.chat(asked).body()).as(model + ", usage asked for").isEqualTo(EVENTS + USAGE_EVENT + DONE);
        }
        for (String model : List.of("no-usage", "no-done")) {
            HttpResponse<String> r = gateway.chat(body(model, true));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).as(model).isEqualTo(EVENTS + DONE);
        }
        PromMetrics m = gateway.metrics();
        assertThat(m.value("llm_requests_total", "model_name", "done", "status", "success")).isEqualTo(2.0);
        assertThat(m.value("llm_output_tokens_total", "model_name", "done")).isEqualTo(10.0);
    }
}
