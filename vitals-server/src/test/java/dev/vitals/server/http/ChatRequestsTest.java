package dev.vitals.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.server.api.ApiException;
import dev.vitals.server.gateway.ChatRequest;
import io.vertx.core.buffer.Buffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ChatRequests#chat}'s streaming pass decides every body as the {@code JsonObject} tree
 * ({@link ChatRequests#chatTree}, the former code) does: the same 400 (code and message) or a request
 * with the same model, flags, prompt text, message count, user, keys, evaluation context and body, over
 * generated bodies valid and not (every JSON type in every field, keys given twice, content parts,
 * nulls, missing model, malformed and trailing bytes).
 */
class ChatRequestsTest {
    private static final String[] MODEL = {"\"model\":\"gpt-4o\"", "\"model\":\"\"", "\"model\":\"  \"", "\"model\":null",
        "\"model\":7", "\"model\":[\"a\"]", "\"model\":{}", "\"model\":\"" + "m".repeat(257) + "\"", "\"model\":\"" + "m".repeat(256) + "\"",
        "\"model\":\"a\",\"model\":\"b\"", "\"model\":\"caf\\u00e9\""};
    private static final String[] ROLE = {"\"role\":\"user\"", "\"role\":\"system\"", "\"role\":\"developer\"", "\"role\":\"tool\"",
        "\"role\":\"assistant\"", "\"role\":null", "\"role\":3", "", "\"role\":\"user\",\"role\":\"system\""};
    private static final String[] CONTENT = {"\"content\":\"Hi \\\"there\\\"\\n\"", "\"content\":\"\"", "\"content\":null", "",
        "\"content\":5", "\"content\":true", "\"content\":{\"text\":\"x\"}", "\"content\":[]",
        "\"content\":[{\"type\":\"text\",\"text\":\"part one\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"u\"}}]",
        "\"content\":[{\"text\":7},{\"text\":\"b\"}]", "\"content\":[\"x\"]", "\"content\":[{\"text\":\"a\",\"text\":\"b\"}]",
        "\"content\":\"a\",\"content\":\"b\"", "\"content\":\"\u4e2d\ud83d\ude00\""};
    private static final String[] EXTRA = {"", ",\"stream\":true", ",\"stream\":false", ",\"stream\":null", ",\"stream\":\"yes\"",
        ",\"stream\":1", ",\"stream_options\":{\"include_usage\":true}", ",\"stream_options\":{\"include_usage\":false}",
        ",\"stream_options\":{}", ",\"stream_options\":null", ",\"stream_options\":[]", ",\"stream_options\":{\"include_usage\":\"t\"}",
        ",\"stream_options\":{\"include_usage\":null}", ",\"stream_options\":{\"include_usage\":true,\"include_usage\":false}",
        ",\"user\":\"u-1\"", ",\"user\":5", ",\"user\":null", ",\"logprobs\":true", ",\"temperature\":0.2",
        ",\"response_format\":{\"type\":\"json_object\"}", ",\"metadata\":{\"a\":[1,2,{\"b\":null}]}", ",\"stream\":true,\"stream\":false",
        ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{}}}]"};

    private static String message(Random rnd) {
        int k = rnd.nextInt(25);
        if (k == 0) {
            return "\"hi\"";
        }
        if (k == 1) {
            return "null";
        }
        String a = ROLE[rnd.nextInt(ROLE.length)];
        String b = CONTENT[rnd.nextInt(CONTENT.length)];
        if (rnd.nextInt(3) == 0) { // content before role
            String x = a;
            a = b;
            b = x;
        }
        String sep = a.isEmpty() || b.isEmpty() ? "" : ",";
        return "{" + a + sep + b + (rnd.nextBoolean() ? ",\"name\":\"n\"" : "") + "}";
    }

    private static String body(Random rnd) {
        int k = rnd.nextInt(40);
        switch (k) {
            case 0: return "[1]";
            case 1: return "\"text\"";
            case 2: return "null";
            case 3: return "{}";
            case 4: return "{\"model\":\"m\",\"messages\":[]}";
            case 5: return "{\"model\":\"m\",\"messages\":{}}";
            case 6: return "{\"model\":\"m\",\"messages\":\"hi\"}";
            default: break;
        }
        StringBuilder sb = new StringBuilder("{");
        String model = rnd.nextInt(8) == 0 ? "" : MODEL[rnd.nextInt(4) == 0 ? rnd.nextInt(MODEL.length) : 0];
        StringBuilder msgs = new StringBuilder("\"messages\":[");
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            msgs.append(i == 0 ? "" : ",").append(rnd.nextInt(3) == 0 ? message(rnd)
                    : "{\"role\":\"" + (i == 0 && rnd.nextBoolean() ? "system" : "user") + "\",\"content\":\"m" + i + "\"}");
        }
        msgs.append(']');
        if (rnd.nextBoolean()) {
            sb.append(model).append(model.isEmpty() ? "" : ",").append(msgs);
        } else {
            sb.append(msgs).append(model.isEmpty() ? "" : ",").append(model);
        }
        int extras = rnd.nextInt(4);
        for (int i = 0; i < extras; i++) {
            sb.append(EXTRA[rnd.nextInt(EXTRA.length)]);
        }
        if (rnd.nextInt(30) == 0) {
            sb.append(",\"messages\":[{\"role\":\"user\",\"content\":\"again\"}]");
        }
        sb.append('}');
        String s = sb.toString();
        int damage = rnd.nextInt(25);
        if (damage == 0) {
            return s.substring(0, rnd.nextInt(s.length()));
        }
        if (damage == 1) {
            return s + " {}";
        }
        if (damage == 2) {
            return "  " + s + " \n";
        }
        if (damage == 3) {
            return s.replace("\"m0\"", "\"m\\q\"");
        }
        return s;
    }

    @Test
    void thePassDecidesAsTheTree() {
        Random rnd = new Random(23);
        int valid = 0;
        for (int run = 0; run < 20_000; run++) {
            String s = body(rnd);
            Buffer raw = Buffer.buffer(s);
            ChatRequest got = null;
            ChatRequest want = null;
            ApiException gotErr = null;
            ApiException wantErr = null;
            try {
                got = ChatRequests.chat(raw, "default-model");
            } catch (ApiException e) {
                gotErr = e;
            }
            try {
                want = ChatRequests.chatTree(Buffer.buffer(s), "default-model");
            } catch (ApiException e) {
                wantErr = e;
            }
            if (wantErr != null) {
                assertThat(gotErr).as(s).isNotNull();
                assertThat(gotErr.code()).as(s).isEqualTo(wantErr.code());
                assertThat(gotErr.getMessage()).as(s).isEqualTo(wantErr.getMessage());
                continue;
            }
            assertThat(gotErr).as(s).isNull();
            valid++;
            assertThat(got.model()).as(s).isEqualTo(want.model());
            assertThat(got.stream()).as(s).isEqualTo(want.stream());
            assertThat(got.clientWantsUsage()).as(s).isEqualTo(want.clientWantsUsage());
            assertThat(got.promptText()).as(s).isEqualTo(want.promptText());
            assertThat(got.messageCount()).as(s).isEqualTo(want.messageCount());
            assertThat(got.rawBody() == null).as(s).isEqualTo(want.rawBody() == null);
            assertThat(got.user()).as(s).isEqualTo(want.user());
            assertThat(got.context()).as(s).isEqualTo(want.context());
            for (String key : new String[] {"stream_options", "logprobs", "response_format", "user", "model", "tools"}) {
                assertThat(got.has(key)).as(key + " in " + s).isEqualTo(want.has(key));
            }
            assertThat(got.body()).as(s).isEqualTo(want.body());
        }
        assertThat(valid).as("valid bodies among the generated").isGreaterThan(3_000);
    }

    @Test
    void aPlainRequest() throws Exception {
        ChatRequest r = ChatRequests.chat(Buffer.buffer("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"}],\"user\":\"u\"}"), "d");
        assertThat(r.model()).isEqualTo("m");
        assertThat(r.stream()).isTrue();
        assertThat(r.clientWantsUsage()).isTrue();
        assertThat(r.promptText()).isEqualTo("Be brief.\nHi");
        assertThat(r.context()).isEqualTo("Be brief.");
        assertThat(r.user()).isEqualTo("u");
        assertThat(r.has("stream_options")).isTrue();
        assertThat(r.has("logprobs")).isFalse();
        assertThat(r.rawBody()).isNotNull();
        java.lang.reflect.Field body = ChatRequest.class.getDeclaredField("body");
        body.setAccessible(true);
        assertThat(body.get(r)).as("no tree was built").isNull();
        assertThat(r.body().getString("user")).isEqualTo("u");
    }
}
