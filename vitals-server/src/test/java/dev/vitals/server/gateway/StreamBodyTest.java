package dev.vitals.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** What a stream asks the upstream for: the client's body, with usage asked for, and nothing else changed. */
class StreamBodyTest {
    private static final String MESSAGES = "\"messages\":[{\"role\":\"user\",\"content\":\"a } in \\\"text\\\"\"}]";

    private static ChatRequest request(String raw) {
        JsonObject o = new JsonObject(raw);
        boolean wants = o.getJsonObject("stream_options") != null
                && Boolean.TRUE.equals(o.getJsonObject("stream_options").getValue("include_usage"));
        return new ChatRequest("m", o, Buffer.buffer(raw), true, wants, "", 1);
    }

    @Test
    void bodyWithoutStreamOptionsKeepsItsBytesAndGainsThem() {
        String raw = "{\"model\":\"m\",\"stream\":true," + MESSAGES + ",\"temperature\":0.25}\n  ";
        Buffer sent = OpenAiBackend.withUsage(request(raw));
        assertThat(sent.toString()).isEqualTo("{\"model\":\"m\",\"stream\":true," + MESSAGES
                + ",\"temperature\":0.25,\"stream_options\":{\"include_usage\":true}}\n  ");
        assertThat(new JsonObject(sent)).isEqualTo(new JsonObject(raw).put("stream_options", new JsonObject().put("include_usage", true)));
    }

    @Test
    void bodyThatAlreadyAsksIsSentAsItIs() {
        String raw = "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true}," + MESSAGES + "}";
        ChatRequest r = request(raw);
        assertThat(OpenAiBackend.withUsage(r)).isSameAs(r.rawBody());
    }

    @Test
    void bodyThatSaysNoOrAsksOtherOptionsIsRewrittenKeepingThem() {
        String raw = "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":false,\"x\":1}," + MESSAGES + "}";
        JsonObject sent = new JsonObject(OpenAiBackend.withUsage(request(raw)));
        assertThat(sent.getJsonObject("stream_options")).isEqualTo(new JsonObject().put("include_usage", true).put("x", 1));
        assertThat(sent.getJsonArray("messages")).isEqualTo(new JsonObject(raw).getJsonArray("messages"));
    }

    @Test
    void bodyBuiltByTheServerIsEncoded() {
        JsonObject o = new JsonObject("{\"model\":\"m\",\"stream\":true," + MESSAGES + "}");
        Buffer sent = OpenAiBackend.withUsage(new ChatRequest("m", o, null, true, false, "", 1));
        assertThat(new JsonObject(sent).getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
        assertThat(o.containsKey("stream_options")).as("the request itself is not changed").isFalse();
    }
}
